#!/usr/bin/env python3
"""The layering rules of README's code map, checked over the #include lines:
a file includes only headers of its own layer and of the layers below it;
each third-party library is included only by the modules that own it; no
private header or struct of a library is used anywhere."""
import os, re, sys

# layer -> the layers it may include (itself included)
ALLOWED = {
    "core": {"core"},
    "ingest": {"core", "ingest"},
    "check": {"core", "ingest", "check"},
    "figures": {"core", "ingest", "figures"},
    "pdf": {"core", "pdf"},
    "archive": {"core", "archive"},
    "reports": {"core", "ingest", "check", "figures", "pdf", "reports"},
    "packages": {"core", "archive", "packages"},
    "cli": {"core", "ingest", "check", "figures", "pdf", "reports", "archive", "packages", "cli"},
}
# third-party header prefix -> the files that may include it
OWNERS = {
    "hb": {"pipeline/pdf/fonts.c"},
    "fontconfig/": {"pipeline/pdf/fonts.c"},
    "csv.h": {"pipeline/ingest/csv.c"},
    "minizip/": {"pipeline/archive/zip.c", "pipeline/ingest/xlsx.c"},
    "unzip.h": {"pipeline/ingest/xlsx.c"},
    "zip.h": {"pipeline/archive/zip.c"},
    "xlsxwriter": {"pipeline/check/rejects_xlsx.c", "pipeline/figures/figures_xlsx.c",
                   "pipeline/core/xlsx_out.c"},
    "freexl": {"pipeline/ingest/xls.c"},
    "libdeflate.h": {"pipeline/pdf/pdf.c"},
    "openssl/": {"pipeline/archive/bagit.c", "pipeline/archive/zip.c"},
    "utf8proc.h": {"pipeline/core/safename.c", "pipeline/archive/bagit.c"},
    # visit files and sheets are streamed (SAX); templates and rubrics are
    # read whole and checked against their XSD by core/xmldoc.c, then walked
    "libxml/": {"pipeline/ingest/xml.c", "pipeline/ingest/xlsx.c", "pipeline/core/xmldoc.c",
                "pipeline/pdf/template.c", "pipeline/figures/rubric.c"},
    "libxml/xmlschemas.h": {"pipeline/ingest/xml.c", "pipeline/core/xmldoc.c"},
}

# private state of the libraries (their next release may change it)
PRIVATE = re.compile(r"HPDF_TTFontDefAttr|hpdf_fontdef\.h|hpdf_objects\.h|parserInternals|ctxt->input"
                     r"|parser\.pstate|parser\.entry_pos|parser\.quoted|->pstate\b|->entry_pos\b")

def layer_of(path):
    parts = path.split(os.sep)
    if parts[0] == "pipeline":
        return parts[1]
    if parts[:2] == ["include", "minqing"]:
        return parts[2]
    return None

problems = []
for top in ("pipeline", "include/minqing"):
    for root, _, files in os.walk(top):
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(root, name)
            text = open(path, encoding="utf-8").read()
            me = layer_of(path)
            if me not in ALLOWED:
                problems.append(f"{path}: not in a known layer folder")
                continue
            for n, line in enumerate(text.split("\n"), 1):
                m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
                if m:
                    inc = m.group(2)
                    mm = re.match(r"minqing/([a-z_]+)/", inc)
                    if mm and mm.group(1) not in ALLOWED[me]:
                        problems.append(f"{path}:{n}: layer {me} includes {inc} (layer {mm.group(1)} is not below it)")
                    if m.group(1) == "<":
                        for prefix, owners in OWNERS.items():
                            if inc.startswith(prefix) and path not in owners:
                                problems.append(f"{path}:{n}: includes {inc}, owned by {', '.join(sorted(owners))}")
                m = PRIVATE.search(line)
                if m:
                    problems.append(f"{path}:{n}: private state of a library: {line.strip()}")

for p in problems:
    print(p)
print(f"layers: {len(problems)} problems")
sys.exit(1 if problems else 0)

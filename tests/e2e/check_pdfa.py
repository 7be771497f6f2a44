#!/usr/bin/python3
"""check_pdfa.py PDF...

Checks the PDF/A-2b requirements the writer (pipeline/pdf/pdf.c) meets,
each structurally (no PDF/A validator is packaged for Debian):
 - the header says PDF 1.7 and a binary comment follows it (bytes > 127);
 - qpdf --json: not encrypted; no object holds JavaScript (/JS,
   /JavaScript), an LZW filter, transparency (/SMask other than /None,
   /CA or /ca below 1, a blend mode other than Normal, a /Transparency
   group), /EmbeddedFiles or /AA actions; the trailer has an /ID of two
   16-byte strings;
 - pikepdf: the catalog has /Lang zh-CN, an unfiltered /Metadata XMP
   stream whose pdfaid:part is 2 and pdfaid:conformance B, whose dc:title,
   dc:creator, dc:description, pdf:Keywords, pdf:Producer, xmp:CreatorTool,
   xmp:CreateDate and xmp:ModifyDate say what the info dictionary says; one
   /GTS_PDFA1 output intent whose profile is an ICC RGB profile with /N 3;
   every font embedded (FontFile2/FontFile3) with a /ToUnicode map
   (check_fonts.py checks the maps are complete).
Prints one line per problem and a summary; exit status 1 on any problem.
Needs Debian's python3-pikepdf and qpdf."""
import datetime
import json
import subprocess
import sys

import pikepdf

from pdfcheck import problems

BAD_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/AA"}


def walk(v, out):
    """Every (key, value) of dictionaries in a qpdf JSON value."""
    if isinstance(v, dict):
        for k, x in v.items():
            out.append((k, x))
            walk(x, out)
    elif isinstance(v, list):
        for x in v:
            walk(x, out)


def qpdf_checks(path, e):
    p = subprocess.run(["qpdf", "--json", "--json-key=qpdf", "--json-key=encrypt", path],
                       capture_output=True, text=True)
    if p.returncode not in (0, 3):
        e.append("qpdf --json failed: %s" % p.stderr[:200])
        return
    d = json.loads(p.stdout)
    if d["encrypt"]["encrypted"]:
        e.append("encrypted")
    objs = d["qpdf"][1]
    pairs = []
    for name, obj in objs.items():
        if name == "trailer":
            continue
        walk(obj.get("value", obj.get("stream", {}).get("dict")), pairs)
    for k, v in pairs:
        if k in BAD_KEYS:
            e.append("forbidden key %s" % k)
        if k in ("/Filter", "/DecodeParms") and "LZW" in json.dumps(v):
            e.append("LZW filter")
        if k == "/SMask" and v != "/None":
            e.append("soft mask (transparency)")
        if k in ("/CA", "/ca") and float(v) < 1:
            e.append("constant alpha %s %s" % (k, v))
        if k == "/BM" and v not in ("/Normal", "/Compatible"):
            e.append("blend mode %s" % v)
        if k == "/S" and v == "/Transparency":
            e.append("transparency group")
    ids = objs["trailer"]["value"].get("/ID", [])
    if len(ids) != 2 or any(not (x.startswith("b:") and len(x) == 34) for x in ids):
        e.append("trailer /ID is not two 16-byte strings: %s" % ids)


def pdf_date(s):
    """D:YYYYMMDDHHmmSSZ -> datetime (UTC)."""
    s = str(s)[2:]
    return datetime.datetime.strptime(s[:14], "%Y%m%d%H%M%S").replace(tzinfo=datetime.timezone.utc)


def xmp_date(s):
    return datetime.datetime.fromisoformat(str(s).replace("Z", "+00:00"))


def pike_checks(path, e):
    pdf = pikepdf.open(path)
    root, info = pdf.Root, pdf.docinfo
    if str(root.get("/Lang", "")) != "zh-CN":
        e.append("catalog /Lang %r, not zh-CN" % str(root.get("/Lang", "")))
    md = root.get("/Metadata")
    if md is None:
        e.append("no XMP metadata")
        return
    if "/Filter" in md.stream_dict or md.get("/Subtype") != "/XML" or md.get("/Type") != "/Metadata":
        e.append("metadata stream filtered or mistyped")
    m = pdf.open_metadata()
    if m.get("pdfaid:part") != "2" or m.get("pdfaid:conformance") != "B":
        e.append("pdfaid part %r conformance %r" % (m.get("pdfaid:part"), m.get("pdfaid:conformance")))
    pairs = [("/Title", "dc:title"), ("/Subject", "dc:description"), ("/Keywords", "pdf:Keywords"),
             ("/Producer", "pdf:Producer"), ("/Creator", "xmp:CreatorTool")]
    for key, prop in pairs:
        a, b = info.get(key), m.get(prop)
        if (a is None) != (b is None) or (a is not None and str(a) != str(b)):
            e.append("info %s %r, XMP %s %r" % (key, a and str(a), prop, b))
    a, b = info.get("/Author"), m.get("dc:creator")
    if (a is None) != (not b) or (a is not None and [str(a)] != list(b)):
        e.append("info /Author %r, XMP dc:creator %r" % (a and str(a), b))
    for key, prop in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        a, b = info.get(key), m.get(prop)
        if (a is None) != (b is None) or (a is not None and pdf_date(a) != xmp_date(b)):
            e.append("info %s %r, XMP %s %r" % (key, a and str(a), prop, b))
    intents = [oi for oi in root.get("/OutputIntents", []) if oi.get("/S") == "/GTS_PDFA1"]
    if len(intents) != 1:
        e.append("%d GTS_PDFA1 output intents" % len(intents))
    else:
        prof = intents[0].DestOutputProfile
        icc = prof.read_bytes()
        if int(prof.get("/N", 0)) != 3 or icc[36:40] != b"acsp" or icc[16:20] != b"RGB ":
            e.append("output intent profile is not an ICC RGB profile with /N 3")
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and "/DescendantFonts" in obj:
            desc = obj.DescendantFonts[0].FontDescriptor
            if "/FontFile2" not in desc and "/FontFile3" not in desc:
                e.append("font %s not embedded" % obj.BaseFont)
            if "/ToUnicode" not in obj:
                e.append("font %s without ToUnicode" % obj.BaseFont)
        elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" and \
                obj.get("/Subtype") not in ("/CIDFontType0", "/CIDFontType2"):
            e.append("font %s is not a Type0 font" % obj.get("/BaseFont"))


def main(argv):
    errs = []
    for path in argv[1:]:
        e = []
        with open(path, "rb") as f:
            head = f.read(15)
        if not head.startswith(b"%PDF-1.7\n%") or min(head[10:14]) < 128:
            e.append("header %r: not PDF 1.7 with a binary comment" % head)
        try:
            qpdf_checks(path, e)
            pike_checks(path, e)
        except (ValueError, KeyError, AttributeError, TypeError, pikepdf.PdfError) as x:
            e.append("cannot read: %r" % x)
        errs += ["%s: %s" % (path, x) for x in e]
    return problems(errs, "check_pdfa: %d PDFs, %d problems" % (len(argv) - 1, len(errs)), len(argv) - 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

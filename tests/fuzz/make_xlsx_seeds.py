#!/usr/bin/python3
"""Writes the seed corpus of fuzz_xlsx (tests/fuzz/corpus_xlsx/): the small
LibreOffice-saved workbooks of tests/workbooks, and hand-made hostile ones.
Run once from the repository root; the seeds are committed."""
import os, shutil, zipfile

OUT = "tests/fuzz/corpus_xlsx"
os.makedirs(OUT, exist_ok=True)
for f in ("clerk.xlsx", "rejects_fixed_lo.xlsx"):
    shutil.copy(os.path.join("tests/workbooks", f), os.path.join(OUT, f))

WB = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      '<workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
      '<sheet name="H" sheetId="2" state="hidden" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="x/styles" Target="styles.xml"/></Relationships>')
HEAD = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(
    ["record_id", "visit_date", "township", "village", "cadre_id", "cadre_name"]))
STYLES = ('<styleSheet><numFmts><numFmt numFmtId="200" formatCode="[$-804]yyyy&quot;年&quot;m&quot;月&quot;"/>'
          '</numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="200"/><xf numFmtId="14"/></cellXfs></styleSheet>')

def book(name, sheet, strings='<sst count="1"><si><t>x</t></si></sst>', styles=STYLES):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings)
        z.writestr("xl/styles.xml", styles)

def ws(rows):
    return f'<worksheet><sheetData><row r="1">{HEAD}</row>{rows}</sheetData></worksheet>'

book("cells.xlsx", ws('<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="1"><v>60</v></c>'
                      '<c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#REF!</v></c>'
                      '<c r="E2" t="str"><f>1+1</f><v>2</v></c><c r="F2" s="2"><v>1e300</v></c></row>'))
book("absurd_refs.xlsx", ws('<row r="99999999999"><c r="XFE2"><v>1</v></c><c r="AAAAAAAAA2"><v>2</v></c>'
                            '<c r="A"><v>3</v></c><c r="1A"><v>4</v></c></row><row><c t="s"><v>-1</v></c>'
                            '<c t="s"><v>99999999999999999999</v></c></row>'))
book("billion_strings.xlsx", ws('<row r="2"><c r="A2" t="s"><v>5</v></c></row>'),
     strings='<sst count="1000000000" uniqueCount="1000000000"><si><r><t>a</t></r><rPh><t>b</t></rPh></si></sst>')
book("deep.xlsx", ws('<row r="2"><c r="A2" t="inlineStr"><is>' + "<r>" * 300 + "<t>x</t>" + "</r>" * 300 + "</is></c></row>"))
book("dtd.xlsx", '<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet><sheetData>'
     '<row r="1"><c t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')
with zipfile.ZipFile(os.path.join(OUT, "no_workbook.xlsx"), "w") as z:
    z.writestr("word/document.xml", "<w/>")
data = open(os.path.join(OUT, "cells.xlsx"), "rb").read()
open(os.path.join(OUT, "truncated.xlsx"), "wb").write(data[: len(data) // 2])

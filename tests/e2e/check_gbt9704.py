#!/usr/bin/env python3
"""check_gbt9704.py PDF... — GB/T 9704 habits of the monthly summary and
the assessment report, from pdftotext -bbox word boxes: the title 22 pt
(二号), body lines 16 pt (三号), page numbers 14 pt (四号) as "— N —" at the
outer edge (right on odd pages, left on even). A word box's height is the
font size times a factor of the font (its ascent and descent): title, body
and page numbers share the Song font, so their heights stand in the ratio
of their sizes, 22 : 16 : 14. Prints failures and "N passed, N failed"."""
import re, sys
import xml.etree.ElementTree as ET

from pdfcheck import check, finish, pdftotext

def height(w):
    return float(w.get("yMax")) - float(w.get("yMin"))

for pdf in sys.argv[1:]:
    k = None      # height of a 1 pt Song word, from the body text
    out = pdftotext(pdf, "-bbox")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    pages = root.findall(".//h:page", ns)
    for n, p in enumerate(pages, 1):
        width = float(p.get("width"))
        words = p.findall("h:word", ns)
        if n == 1:
            body = [w for w in words[1:] if len(w.text or "") >= 20]
            check(bool(body), f"{pdf}: body text on page 1")
            k = height(body[0]) / 16 if body else 1
            check(abs(height(words[0]) / k - 22) < 0.5, f"{pdf}: title 22 pt ({height(words[0]) / k:.1f})")
        bottom = max(float(w.get("yMin")) for w in words)
        foot = [w for w in words if float(w.get("yMin")) == bottom]
        text = " ".join(w.text for w in foot)
        check(text == f"— {n} —", f"{pdf} page {n}: page number reads {text!r}")
        num = [w for w in foot if w.text == str(n)]
        if not num:
            continue
        check(abs(height(num[0]) / k - 14) < 0.5, f"{pdf} page {n}: page number 14 pt ({height(num[0]) / k:.1f})")
        x0, x1 = float(foot[0].get("xMin")), float(foot[-1].get("xMax"))
        check(x0 > width / 2 if n % 2 else x1 < width / 2, f"{pdf} page {n}: page number at the outer edge ({x0:.0f}–{x1:.0f})")
finish()

#!/usr/bin/env python3
"""check_pages.py PDF... — the page-break rules of every report (issue 11):
no page ends with a heading or a table/figure caption, no page holds only
headings, and a caption's page holds its table header and two rows (or
the lines that follow it). Reads pdftotext -layout pages; prints one line
per failure and "N passed, N failed"."""
import re, sys

from pdfcheck import check, finish, pdftotext

HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|附件：|附录：|\S+个人考核表$)")
CAPTION = re.compile(r"^\s*[表图]\d+\s")
FOOTER = re.compile(r"^\s*(—\s*\d+\s*—|第\s*\d+\s*页\s*共\s*\d+\s*页)\s*$")

def pages(pdf):
    out = pdftotext(pdf, "-layout")
    for p in out.split("\f")[:-1]:
        lines = [l for l in p.splitlines() if l.strip() and not FOOTER.match(l)]
        yield lines

def check_pdf(pdf, header_lines=0):
    ps = list(pages(pdf))
    for n, lines in enumerate(ps, 1):
        body = lines[header_lines:] if n > 0 else lines
        if not body:
            continue
        last = body[-1]
        if n < len(ps):
            check(not HEADING.match(last) and not CAPTION.match(last),
                  f"{pdf} page {n} ends with a heading or caption: {last.strip()}")
        check(not all(HEADING.match(l) or CAPTION.match(l) for l in body),
              f"{pdf} page {n} holds only headings: {[l.strip() for l in body]}")
        for i, l in enumerate(body):
            if CAPTION.match(l):
                check(len(body) - i - 1 >= 3, f"{pdf} page {n}: caption {l.strip()} keeps {len(body) - i - 1} lines")

if __name__ == "__main__":
    args = sys.argv[1:]
    hl = 0
    if args and args[0].startswith("--header-lines="):
        hl = int(args.pop(0).split("=")[1])
    for pdf in args:
        check_pdf(pdf, hl)
    finish()

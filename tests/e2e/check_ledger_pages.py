#!/usr/bin/env python3
"""check_ledger_pages.py [--min-pages=N] PDF... — the visits a page of the
village ledgers (村级民情走访台账, issue 11 part 5): every page but the last
of each ledger holds 25 to 30 visits, the first (title and summary above
the table) too; the last holds at most 30 and the signature lines; the
rows add up to the 走访N次 the ledger states. Visits are the rows of
`pdftotext -layout` that start with a household id, a householder and a
date. --min-pages: at least N pages that are not a ledger's last (so a
run on small data cannot pass without checking anything). Prints one line
per failure and "N passed, N failed"."""
import re, sys

from pdfcheck import check, finish, pdftotext

ROW = re.compile(r"^\s*[A-Za-z]*\d[\dA-Za-z-]*\s+\S+\s+20\d\d-[01]\d-[0-3]\d\s")
STATED = re.compile(r"走访(\d+)次")
SIGN = ("走访干部：", "村党组织书记：", "乡镇审核：")

def main(args):
    least = 0
    if args and args[0].startswith("--min-pages="):
        least = int(args.pop(0).split("=", 1)[1])
    full = []
    for pdf in args:
        pages = pdftotext(pdf, "-layout", strict=True).split("\f")[:-1]
        counts = [sum(1 for l in p.splitlines() if ROW.match(l)) for p in pages]
        check(pages != [], f"{pdf}: no pages")
        if not pages:
            continue
        for n, c in enumerate(counts[:-1], 1):
            check(25 <= c <= 30, f"{pdf} page {n} of {len(pages)}: {c} visits, not 25..30 ({counts})")
        full += counts[:-1]
        check(counts[-1] <= 30, f"{pdf} last page: {counts[-1]} visits, over 30")
        flat = re.sub(r"\s+", "", pages[0])
        m = STATED.search(flat)
        check(m and int(m.group(1)) == sum(counts), f"{pdf}: {sum(counts)} visit rows, the ledger states {m and m.group(0)}")
        last = re.sub(r"\s+", "", pages[-1])
        check(all(k in last for k in SIGN), f"{pdf}: the signature lines are not on the last page")
    check(len(full) >= least, f"only {len(full)} pages before a ledger's last, wanted at least {least}")
    if full:
        print(f"{len(args)} ledgers, {len(full)} pages before the last: {min(full)} to {max(full)} visits")
    finish()

if __name__ == "__main__":
    main(sys.argv[1:])

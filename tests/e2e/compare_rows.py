#!/usr/bin/env python3
"""Compares what minqing validate wrote with a case's hand-written expectations.

usage:
  compare_rows.py rows GOT.csv EXPECTED.csv      the five columns source, line,
        record_id, code, field of every data row, as a multiset (order free)
  compare_rows.py counts GOT.csv EXPECTED.csv    every metric,value pair of
        EXPECTED must appear in GOT (counts.csv)
  compare_rows.py subset GOT.csv EXPECTED.csv    accepted.csv: the rows of GOT
        projected onto EXPECTED's columns equal EXPECTED's rows (multiset)
  compare_rows.py messages GOT.csv EXPECTED.csv  EXPECTED holds record_id,contains:
        the message of GOT's row with that record_id holds the text
Prints one line per difference; exit 1 when there is one.
"""
import collections
import csv
import sys

FIVE = ["source", "line", "record_id", "code", "field"]


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return [], []
    return rows[0], [dict(zip(rows[0], r + [""] * (len(rows[0]) - len(r)))) for r in rows[1:]]


def multiset_diff(cols, got, want):
    g = collections.Counter(tuple(r.get(c, "<no column>") for c in cols) for r in got)
    w = collections.Counter(tuple(r[c] for c in cols) for r in want)
    out = []
    for row, n in sorted((w - g).items()):
        out.append(f"missing  {','.join(row)}" + (f" (x{n})" if n > 1 else ""))
    for row, n in sorted((g - w).items()):
        out.append(f"extra    {','.join(row)}" + (f" (x{n})" if n > 1 else ""))
    return out


def rows(got, exp):
    ghead, grows = read(got)
    ehead, erows = read(exp)
    problems = [f"{got}: no column {c}" for c in FIVE if c not in ghead]
    problems += [f"{exp}: no column {c}" for c in FIVE if c not in ehead]
    return problems or multiset_diff(FIVE, grows, erows)


def counts(got, exp):
    _, grows = read(got)
    _, erows = read(exp)
    have = {r["metric"]: r["value"] for r in grows}
    return [f"counts {r['metric']} = {have.get(r['metric'], '<absent>')}, expected {r['value']}"
            for r in erows if have.get(r["metric"]) != r["value"]]


def subset(got, exp):
    ghead, grows = read(got)
    ehead, erows = read(exp)
    problems = [f"{got}: no column {c}" for c in ehead if c not in ghead]
    return problems or multiset_diff(ehead, grows, erows)


def messages(got, exp):
    _, grows = read(got)
    _, erows = read(exp)
    problems = []
    for e in erows:
        hits = [r for r in grows if r["record_id"] == e["record_id"]]
        if not hits:
            problems.append(f"message: no row for record_id {e['record_id']!r}")
        elif not any(e["contains"] in r["message"] for r in hits):
            problems.append(f"message of {e['record_id']} lacks {e['contains']!r}: "
                            + " | ".join(r["message"] for r in hits))
    return problems


def main():
    modes = {"rows": rows, "counts": counts, "subset": subset, "messages": messages}
    if len(sys.argv) != 4 or sys.argv[1] not in modes:
        print(__doc__, file=sys.stderr)
        return 2
    problems = modes[sys.argv[1]](sys.argv[2], sys.argv[3])
    for p in problems[:60]:
        print("   " + p)
    if len(problems) > 60:
        print(f"   ... {len(problems) - 60} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compares figure CSVs with expected ones, as the example's README says:
rows matched by their keys, integers exactly, rates to 1e-4 (an empty rate
must be empty), item points to 1e-3; row order does not matter. Our header
must be exactly the expected one (the contract's columns).

usage: compare_csv.py GOT_DIR EXPECTED_DIR FILE...   (exit 1 on a difference)
"""
import csv
import sys

KEYS = {
    "village_summary.csv": ["township", "village"],
    "township_summary.csv": ["township"],
    "county_summary.csv": ["county"],
    "cadre_monthly.csv": ["cadre_id", "month"],
    "assessment.csv": ["cadre_id"],
    "team_assessment.csv": ["township", "village"],
}


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def tolerance(col):
    if col.startswith("item_"):
        return 1e-3
    if col.endswith("_rate") or col == "coverage":
        return 1e-4
    return None


def same(col, got, want):
    if want == "" or got == "":
        return got == want
    tol = tolerance(col)
    if tol is None:
        try:
            return int(got) == int(want)
        except ValueError:
            return got == want
    return abs(float(got) - float(want)) <= tol + 1e-12


def compare(got_dir, exp_dir, name):
    problems = []
    ghead, grows = read(f"{got_dir}/{name}")
    ehead, erows = read(f"{exp_dir}/{name}")
    if ghead != ehead:
        problems.append(f"{name}: header {ghead} != expected {ehead}")
    keys = KEYS[name]
    index = {}
    for r in grows:
        k = tuple(r.get(c, "") for c in keys)
        if k in index:
            problems.append(f"{name}: duplicate row {k}")
        index[k] = r
    seen = set()
    for e in erows:
        k = tuple(e[c] for c in keys)
        seen.add(k)
        g = index.get(k)
        if g is None:
            problems.append(f"{name}: missing row {k}")
            continue
        for col in ehead:
            if col not in g:
                continue
            if not same(col, g[col], e[col]):
                problems.append(f"{name}: {k} {col} = {g[col]!r}, expected {e[col]!r}")
    for k in index:
        if k not in seen:
            problems.append(f"{name}: unexpected row {k}")
    return problems


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    for name in sys.argv[3:]:
        problems += compare(sys.argv[1], sys.argv[2], name)
    for p in problems[:60]:
        print(p)
    if len(problems) > 60:
        print(f"... {len(problems) - 60} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

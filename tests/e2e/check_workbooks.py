#!/usr/bin/python3
"""Reads the workbooks minqing writes back with openpyxl (as an office
script would) and checks their cells against the CSVs beside them.

usage: check_workbooks.py rejects DATA_DIR   rejects.xlsx == rejects.csv, all text,
                                             frozen header, the field at fault filled
       check_workbooks.py figures DATA_DIR   figures.xlsx == the figure CSVs
       check_workbooks.py fix IN OUT ID=COL=VALUE...  edits rejects.xlsx rows
Prints what differs; exit 1 on a difference."""
import csv, os, sys
from openpyxl import load_workbook

problems = []

def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))

def check_rejects(data):
    rows = read_csv(os.path.join(data, "rejects.csv"))
    wb = load_workbook(os.path.join(data, "rejects.xlsx"))
    ws = wb.worksheets[0]
    if ws.title != "退回记录":
        problems.append(f"sheet title {ws.title!r}")
    if ws.freeze_panes != "A2":
        problems.append(f"header not frozen: {ws.freeze_panes}")
    got = [[c.value for c in r] for r in ws.iter_rows()]
    if len(got) != len(rows):
        problems.append(f"{len(got)} rows, rejects.csv has {len(rows)}")
    field_col = {h: i for i, h in enumerate(rows[0])}
    names = rows[0][:6]
    for n, (g, want) in enumerate(zip(got, rows), 1):
        g = ["" if v is None else v for v in g] + [""] * (len(want) - len(g))
        for i, w in enumerate(want):
            if g[i] != w:
                problems.append(f"row {n} col {i + 1}: {g[i]!r} != {w!r}")
            if g[i] != "" and not isinstance(g[i], str):
                problems.append(f"row {n} col {i + 1}: not text: {g[i]!r}")
        if n == 1:
            continue
        # the field at fault: the column of its Chinese header, filled
        fields = rows[0][6:-1]
        field = want[4]
        for i, h in enumerate(fields):
            c = ws.cell(row=n, column=7 + i)
            filled = c.fill is not None and c.fill.fill_type == "solid"
            if filled != (FIELD_ZH.get(field) == h):
                problems.append(f"row {n} {h}: filled={filled}, field at fault {field}")

# the contract's field names and their Chinese headers (contract section 1)
FIELD_ZH = {'record_id': '记录编号', 'visit_date': '走访日期', 'county': '县区', 'township': '乡镇', 'village': '行政村', 'village_group': '村民小组', 'cadre_id': '干部编号', 'cadre_name': '干部姓名', 'cadre_unit': '派出单位', 'household_id': '户编号', 'householder': '户主姓名', 'household_size': '家庭人口', 'household_type': '户类型', 'visit_mode': '走访方式', 'topics': '走访事项', 'demand': '群众诉求', 'measure': '帮扶措施', 'due_date': '办结时限', 'status': '办理状态', 'closed_date': '办结日期', 'signed': '受访人签字', 'satisfaction': '满意度', 'per_capita_income': '人均纯收入', 'notes': '日志内容'}

def check_figures(data):
    wb = load_workbook(os.path.join(data, "figures.xlsx"))
    sheets = {"village_summary.csv": "村汇总", "township_summary.csv": "乡镇汇总",
              "county_summary.csv": "县汇总", "cadre_monthly.csv": "干部月度",
              "assessment.csv": "干部考核", "team_assessment.csv": "工作队考核"}
    if [ws.title for ws in wb.worksheets] != list(sheets.values()):
        problems.append(f"sheets {[ws.title for ws in wb.worksheets]}")
    for f, title in sheets.items():
        rows = read_csv(os.path.join(data, f))
        ws = wb[title]
        if ws.freeze_panes != "A2" or not ws.auto_filter.ref:
            problems.append(f"{title}: frozen {ws.freeze_panes}, filter {ws.auto_filter.ref}")
        got = [[c for c in r] for r in ws.iter_rows()]
        if len(got) != len(rows):
            problems.append(f"{title}: {len(got)} rows, {f} has {len(rows)}")
        head = rows[0]
        for n, (g, want) in enumerate(zip(got[1:], rows[1:]), 2):
            for i, w in enumerate(want):
                c = g[i] if i < len(g) else None
                v = None if c is None else c.value
                col = head[i]
                if w == "":
                    if v not in (None, ""):
                        problems.append(f"{title} row {n} {col}: {v!r} for an empty cell")
                elif col in ("period", "month", "county", "township", "village", "cadre_id",
                             "cadre_name", "role", "grade", "team_grade"):
                    if v != w:
                        problems.append(f"{title} row {n} {col}: {v!r} != {w!r}")
                else:
                    if not isinstance(v, (int, float)) or abs(v - float(w)) > 1e-9:
                        problems.append(f"{title} row {n} {col}: {v!r} is not the number {w}")
                    rate = col.endswith("_rate") or col == "coverage"
                    if rate != ("%" in c.number_format):
                        problems.append(f"{title} row {n} {col}: format {c.number_format}")

def fix(src, dst, edits):
    wb = load_workbook(src)
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    for e in edits:
        rid, col, value = e.split("=", 2)
        for row in ws.iter_rows(min_row=2):
            if row[2].value == rid:
                row[head.index(col)].value = value
                break
        else:
            problems.append(f"no rejects row with record_id {rid}")
    wb.save(dst)

if __name__ == "__main__":
    what = sys.argv[1]
    if what == "rejects":
        check_rejects(sys.argv[2])
    elif what == "figures":
        check_figures(sys.argv[2])
    elif what == "fix":
        fix(sys.argv[2], sys.argv[3], sys.argv[4:])
    for p in problems[:30]:
        print(p)
    sys.exit(1 if problems else 0)

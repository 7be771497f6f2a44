#!/usr/bin/env python3
"""check_reports.py FIGURES_DIR REPORTS_DIR PERIOD [MONTH...]

Checks the PDFs of `minqing render` against the CSVs they were made from:
parses the CSVs back, extracts the PDFs' text with pdftotext -layout and
compares numbers (not titles). FIGURES_DIR holds the month's CSVs used for
the monthly summaries (the run's own data dir for a month run, or a
`minqing aggregate --period YYYY-MM` of the same accepted.csv for a year
run). Prints one line per failure and "N passed, N failed"."""
import csv, datetime, decimal, os, re, subprocess, sys

passed = failed = 0
def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)

def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))

def pct(s):
    if s == "":
        return "—"
    q = (decimal.Decimal(s) * 100).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
    return f"{q}%"

def num(s):
    return f"{int(s):,}" if s != "" else "—"

def text(pdf):
    p = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True)
    check(p.returncode == 0 and p.stderr == "", f"pdftotext clean: {pdf}: {p.stderr[:200]}")
    return p.stdout

def flat(t):
    return re.sub(r"\s+", "", t)

def line_with(t, *items):
    """A line holding every item in this order (a table row)."""
    for ln in t.splitlines():
        pos = 0
        for it in items:
            m = re.search(r"(?<![\d.,])" + re.escape(it) + r"(?![\d.,%])", ln[pos:])
            if not m:
                break
            pos += m.end()
        else:
            return True
    return False

fig, rep, period = sys.argv[1], sys.argv[2], sys.argv[3]
data = os.path.join(os.path.dirname(rep.rstrip("/")), "data")
counts = {r["metric"]: r["value"] for r in rows(os.path.join(data, "counts.csv"))}
as_of_run = datetime.date.fromisoformat(counts["as_of_run"])
accepted = rows(os.path.join(data, "accepted.csv"))

def label(p):
    if re.fullmatch(r"\d{4}-\d{2}", p):
        return f"{p[:4]}年{p[5:]}月"
    if "Q" in p.upper():
        return f"{p[:4]}年第{p[-1]}季度"
    return f"{p}年"

# ---- monthly summaries ----
for month in sys.argv[4:]:
    y, m = int(month[:4]), int(month[5:])
    last = (datetime.date(y + m // 12, m % 12 + 1, 1) - datetime.timedelta(days=1))
    as_of = min(last, as_of_run)
    vs = [r for r in rows(os.path.join(fig, "village_summary.csv"))]
    ts = rows(os.path.join(fig, "township_summary.csv"))
    cm = [r for r in rows(os.path.join(fig, "cadre_monthly.csv")) if r["month"] == month]
    for t in ts:
        tw = t["township"]
        pdf = os.path.join(rep, f"{tw}_{y:04d}年{m:02d}月_工作小结.pdf")
        check(os.path.exists(pdf), f"exists {pdf}")
        if not os.path.exists(pdf):
            continue
        tx = text(pdf)
        ft = flat(tx)
        check(f"{tw}{y}年{m}月驻村帮扶民情走访工作小结" in ft, f"title {pdf}")
        want = (f"共开展民情走访{num(t['visits'])}次，其中入户走访{num(t['home_visits'])}次；"
                f"走访农户{num(t['households_visited'])}户，占在册农户{num(t['households_registered'])}户的{pct(t['coverage'])}。"
                f"收集群众诉求{num(t['demands'])}件")
        check(want in ft, f"overview figures {pdf}: {want}")
        rr = t["resolution_rate"]
        meets = "" if rr == "" else ("达到" if decimal.Decimal(rr) * 1000 >= 795 and pct(rr) >= "80.0%" and float(pct(rr)[:-1]) >= 80 else "未达到")
        check(f"已办结{num(t['resolved'])}件" in ft and f"其中逾期{num(t['overdue'])}件" in ft and
              f"诉求办结率{pct(rr)}，{meets}80%" in ft and f"签字率{pct(t['signed_rate'])}" in ft and
              f"满意率{pct(t['satisfaction_rate'])}" in ft, f"overview rates {pdf}")
        for v in (r for r in vs if r["township"] == tw):
            check(line_with(tx, v["village"], num(v["visits"]), num(v["home_visits"]), num(v["households_visited"]),
                            num(v["households_registered"]), pct(v["coverage"])), f"table 1 row {v['village']} {pdf}")
            check(line_with(tx, v["village"], num(v["demands"]), num(v["resolved"]), num(v["overdue"]),
                            pct(v["resolution_rate"]), pct(v["signed_rate"]), pct(v["satisfaction_rate"])),
                  f"table 2 row {v['village']} {pdf}")
        for k, name in enumerate(["吃穿", "义务教育", "基本医疗", "住房安全", "饮水安全", "产业发展", "务工就业", "政策宣传", "矛盾调解", "其他"]):
            check(line_with(tx, name, num(t["topic_" + name])), f"topic {name} {pdf}")
        for c in (r for r in cm if r["township"] == tw):
            q = "达标" if c["quota_met"] == "1" else "未达标"
            check(line_with(tx, c["cadre_name"], c["village"], num(c["diaries"]), q, num(c["days_in_village"])),
                  f"cadre row {c['cadre_name']} {pdf}")
            if c["quota_met"] == "0":
                check(f"{c['cadre_name']}（{c['village']}）{c['diaries']}篇" in ft, f"under quota named {c['cadre_name']} {pdf}")
        # overdue list, recomputed from accepted.csv (contract section 4)
        exp = []
        for r in accepted:
            d = datetime.date.fromisoformat(r["visit_date"])
            if r["township"] != tw or (d.year, d.month) != (y, m) or not r["demand"]:
                continue
            closed = r["closed_date"] and datetime.date.fromisoformat(r["closed_date"]) <= as_of
            if r["status"] == "已办结" and closed:
                continue
            if r["due_date"] and datetime.date.fromisoformat(r["due_date"]) < as_of:
                exp.append((r["household_id"], r["due_date"], (as_of - datetime.date.fromisoformat(r["due_date"])).days, r["village"]))
        check(len(exp) == int(t["overdue"]), f"overdue recomputed {len(exp)} = township_summary {t['overdue']} ({pdf})")
        sec = tx.split("逾期未办结诉求")[-1].split("五、存在的问题")[0] if exp else ""
        got = re.findall(r"(H\d+)\s+\S+\s+.*?(\d{4}-\d{2}-\d{2})\s+(\d+)", sec)
        check(sorted((h, dd, int(n)) for h, dd, n in got) == sorted((h, dd, n) for h, dd, n, _ in exp),
              f"overdue list equals the data in {pdf}: {len(got)} vs {len(exp)}")
        check("五、存在的问题" in tx and len(tx.split("五、存在的问题")[1].split("、数据质量")[0].strip()) > 10, f"problems not empty {pdf}")
        check(f"读取走访记录{num(counts['records_read'])}条，接受{num(counts['accepted'])}条，退回{num(counts['rejected'])}条" in ft,
              f"data quality section {pdf}")

# ---- ledgers ----
vs = rows(os.path.join(data, "village_summary.csv"))
lab = label(period)
for v in vs:
    pdf = os.path.join(rep, f"{v['township']}_{v['village']}_{lab}_台账.pdf")
    check(os.path.exists(pdf), f"exists {pdf}")
    if not os.path.exists(pdf):
        continue
    tx = text(pdf)
    ft = flat(tx)
    check(f"走访{num(v['visits'])}次" in ft and f"本期走访农户{num(v['households_visited'])}户" in ft,
          f"ledger totals {pdf}")
    rowsv = re.findall(r"^\s*(H\d+)\s+\S+\s+(\d{4}-\d{2}-\d{2})\s", tx, re.M)
    check(len(rowsv) == int(v["visits"]), f"ledger rows {len(rowsv)} = visits {v['visits']} {pdf}")
    check(rowsv == sorted(rowsv), f"ledger rows by household, then date {pdf}")
    hh = [h for i, (h, _) in enumerate(rowsv) if i == 0 or rowsv[i - 1][0] != h]
    check(len(hh) == int(v["households_visited"]) and hh == sorted(hh), f"households {len(hh)} in order {pdf}")

# ---- assessment ----
county = rows(os.path.join(data, "county_summary.csv"))[0]["county"]
pdf = os.path.join(rep, f"{county}_{lab}_年度考核结果.pdf")
tx = text(pdf)
ft = flat(tx)
ass = rows(os.path.join(data, "assessment.csv"))
def d2(s):
    return "—" if s == "" else str(decimal.Decimal(s).quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP))
for a in ass:
    items = [d2(a["item_" + k]) for k in ("diary", "resolution", "coverage", "satisfaction", "signatures", "presence")]
    check(line_with(tx, a["cadre_name"], *items, a["score"] or "—", a["grade"]), f"assessment row {a['cadre_name']}")
    check(f"{a['cadre_name']}个人考核表" in ft, f"personal page {a['cadre_name']}")
for t in rows(os.path.join(data, "team_assessment.csv")):
    check(line_with(tx, t["village"], t["cadres"], t["team_score"] or "—", t["team_grade"], pct(t["satisfaction_rate"])),
          f"team row {t['village']}")
grades = {}
for a in ass:
    grades[a["grade"]] = grades.get(a["grade"], 0) + 1
for g, n in grades.items():
    check(f"{g}{n}人" in ft, f"grade count {g}{n}人")

# ---- data quality ----
pdf = os.path.join(rep, f"{lab}_数据质量报告.pdf")
tx = text(pdf)
ft = flat(tx)
check(f"读取记录{num(counts['records_read'])}条=接受{num(counts['accepted'])}条+退回{num(counts['rejected'])}条+重复舍弃{num(counts['dropped_duplicates'])}条，核对相符" in ft,
      "read = accepted + rejected + dropped")
for code in [k for k in counts if re.fullmatch(r"[EW]\d{3}", k) and counts[k] != "0"]:
    check(line_with(tx, code, num(counts[code])) or re.search(code + r".*\n.*\b" + counts[code] + r"\b", tx) is not None,
          f"code {code} count {counts[code]}")
rej = rows(os.path.join(data, "rejects.csv"))
for r in rej[:200]:
    check(line_with(tx, r["line"], r["record_id"], r["code"]) if r["record_id"] else line_with(tx, r["line"], r["code"]),
          f"reject {r['source']}:{r['line']}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

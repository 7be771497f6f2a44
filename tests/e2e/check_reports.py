#!/usr/bin/env python3
"""check_reports.py FIGURES_DIR REPORTS_DIR PERIOD [MONTH...]

Checks the PDFs of `minqing render` against the CSVs they were made from:
parses the CSVs back, extracts the PDFs' text with pdftotext -layout and
compares numbers (not titles). FIGURES_DIR holds the month's CSVs used for
the monthly summaries (the run's own data dir for a month run, or a
`minqing aggregate --period YYYY-MM` of the same accepted.csv for a year
run). Prints one line per failure and "N passed, N failed"."""
import csv, datetime, decimal, fractions, os, re, sys
import xml.etree.ElementTree as ET

from pdfcheck import check, finish, pdftotext

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
    return pdftotext(pdf, "-layout", strict=True)

def flat(t):
    return re.sub(r"\s+", "", t)

def report(pdf):
    """The report's text as laid out and without white space; None (a
    failed check) when the file is missing."""
    check(os.path.exists(pdf), f"exists {pdf}")
    if not os.path.exists(pdf):
        return None, None
    tx = text(pdf)
    # justification never spreads the letters of a word or a number (clreq)
    # (a file name cut after its "." in a cell, "township3." beside a line number, is no spread)
    spread = re.search(r"(?<![A-Za-z])[A-Za-z] [a-z] [a-z]|\d \.\d|(?<![A-Za-z_])\d\. \d|\d \d %|\d %", tx)
    check(spread is None, f"no spread Latin or digits in {pdf}: {spread and spread.group(0)!r}")
    return tx, flat(tx)

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

NUM = re.compile(r"(?<![0-9A-Za-z_.,])\d[\d,]*(?:\.\d+)?%?")

def numbers_explained(tx, allowed, what):
    """Every number the report prints (dates, record and household ids,
    table and figure numbers and page numbers taken out) is one the CSVs
    give for it: a figure that contradicts the CSVs fails."""
    t = re.sub(r"—\s*\d+\s*—", " ", tx)
    t = re.sub(r"\d{4}-\d{2}-\d{2}|\d{4}\s*年\s*(\d{1,2}\s*月\s*(\d{1,2}\s*日)?|第\d季度)?", " ", t)
    t = re.sub(r"[A-Z]\d{3,}|[表图]\d+|U\+[0-9A-F]{4}|UTF-8", " ", t)
    bad = sorted({n for n in NUM.findall(t) if n not in allowed})
    check(not bad, f"{what}: numbers not in the CSVs: {bad[:12]}")

def forms(*vals):
    """The printed forms of CSV values: counts with thousands commas, rates as percentages."""
    out = set()
    for v in vals:
        if v is None or v == "":
            continue
        v = str(v)
        out.add(v)
        if re.fullmatch(r"-?\d+", v):
            out.add(num(v))
        elif re.fullmatch(r"-?\d+\.\d+", v):
            out.add(pct(v))
    return out

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
        tx, ft = report(pdf)
        if tx is None:
            continue
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
        # the 合计 rows: sums of the villages, rates those of the township (recomputed from the sums)
        mine = [v for v in vs if v["township"] == tw]
        sm = lambda k: num(str(sum(int(v[k]) for v in mine)))
        check(all(sm(k) == num(t[k]) for k in ("visits", "home_visits", "households_visited", "demands", "resolved", "overdue")),
              f"village rows sum to the township row {pdf}")
        check(line_with(tx, "合计", num(t["visits"]), num(t["home_visits"]), num(t["households_visited"]),
                        num(t["households_registered"]), pct(t["coverage"])), f"table 1 合计 with coverage {pdf}")
        check(line_with(tx, "合计", num(t["demands"]), num(t["resolved"]), num(t["overdue"]), pct(t["resolution_rate"]),
                        pct(t["signed_rate"]), pct(t["satisfaction_rate"])), f"table 2 合计 with rates {pdf}")
        allowed = forms(*[x for r in [t] + mine for x in r.values()])
        allowed |= {str(i) for i in range(1, 13)} | {"80%", "10", f"{y}", f"{m:02d}"}
        allowed |= forms(*[x for c in cm if c["township"] == tw for x in c.values()])
        allowed |= forms(*[x for k, x in counts.items() if k in ("records_read", "accepted", "rejected", "dropped_duplicates")])
        allowed |= {pct(v["coverage"]).rstrip("%") for v in mine}   # the bar chart's values
        allowed |= {num(str(int(t["demands"]) - int(t["resolved"]))), str(sum(1 for c in cm if c["township"] == tw and c["quota_met"] == "0"))}
        for k, name in enumerate(["吃穿", "义务教育", "基本医疗", "住房安全", "饮水安全", "产业发展", "务工就业", "政策宣传", "矛盾调解", "其他"]):
            check(line_with(tx, name, num(t["topic_" + name])), f"topic {name} {pdf}")
        for c in (r for r in cm if r["township"] == tw):
            q = "达标" if c["quota_met"] == "1" else "未达标"
            check(line_with(tx, c["cadre_name"], c["village"], num(c["diaries"]), q, num(c["days_in_village"]),
                            num(c["demands"]), num(c["resolved"]), pct(c["resolution_rate"])),
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
        allowed |= {str(n) for _, _, n, _ in exp} | {num(str(len(exp)))}
        numbers_explained(tx, allowed, pdf)
        check("五、存在的问题" in tx and len(tx.split("五、存在的问题")[1].split("、数据质量")[0].strip()) > 10, f"problems not empty {pdf}")
        check(f"读取走访记录{num(counts['records_read'])}条，接受{num(counts['accepted'])}条，退回{num(counts['rejected'])}条" in ft,
              f"data quality section {pdf}")

# ---- ledgers ----
vs = rows(os.path.join(data, "village_summary.csv"))
lab = label(period)
def period_last_day(p):
    y = int(p[:4])
    if re.fullmatch(r"\d{4}-\d{2}", p):
        m = int(p[5:])
    elif "Q" in p.upper():
        m = 3 * int(p[-1])
    else:
        m = 12
    return datetime.date(y + m // 12, m % 12 + 1, 1) - datetime.timedelta(days=1)
# contract section 4: the period's last day, or the run date when earlier
period_as_of = min(period_last_day(period), as_of_run)
if "as_of_period" in counts:
    check(counts["as_of_period"] == period_as_of.isoformat(), f"counts.csv as_of_period {counts['as_of_period']}")
def in_period(d):
    return d[:len(period)] == period if "Q" not in period.upper() else \
        d[:4] == period[:4] and (int(d[5:7]) - 1) // 3 + 1 == int(period[-1])
for v in vs:
    pdf = os.path.join(rep, f"{v['township']}_{v['village']}_{lab}_台账.pdf")
    tx, ft = report(pdf)
    if tx is None:
        continue
    check(f"走访{num(v['visits'])}次" in ft and f"本期走访农户{num(v['households_visited'])}户" in ft,
          f"ledger totals {pdf}")
    rowsv = re.findall(r"^\s*(H\d+)\s+\S+\s+(\d{4}-\d{2}-\d{2})\s", tx, re.M)
    check(len(rowsv) == int(v["visits"]), f"ledger rows {len(rowsv)} = visits {v['visits']} {pdf}")
    check(rowsv == sorted(rowsv), f"ledger rows by household, then date {pdf}")
    hh = [h for i, (h, _) in enumerate(rowsv) if i == 0 or rowsv[i - 1][0] != h]
    check(len(hh) == int(v["households_visited"]) and hh == sorted(hh), f"households {len(hh)} in order {pdf}")
    # status on the period's as-of date (contract section 4): a closure after it is not 已办结
    mine = [r for r in accepted if r["village"] == v["village"] and r["township"] == v["township"] and in_period(r["visit_date"])]
    closed = [r for r in mine if r["demand"] and r["status"] == "已办结" and r["closed_date"]]
    on_time = [r for r in closed if datetime.date.fromisoformat(r["closed_date"]) <= period_as_of]
    late = [r for r in closed if datetime.date.fromisoformat(r["closed_date"]) > period_as_of]
    body = ft.split("（一户一档）。", 1)[1] if mine else ""
    check(len(on_time) == int(v["resolved"]), f"resolved from accepted.csv {len(on_time)} = village_summary {v['resolved']} {pdf}")
    check(body.count("已办结") == int(v["resolved"]), f"ledger rows 已办结 {body.count('已办结')} = resolved {v['resolved']} {pdf}")
    check(body.count("期后办结") == len(late) and all(r["closed_date"] in body for r in late),
          f"ledger 期后办结 {body.count('期后办结')} = closed after the as-of date {len(late)} {pdf}")
    check(f"收集群众诉求{num(v['demands'])}件，截至{period_as_of.year}年{period_as_of.month}月{period_as_of.day}日已办结{num(v['resolved'])}件、逾期未办结{num(v['overdue'])}件" in ft,
          f"ledger demands, resolved, overdue {pdf}")
    # 帮扶措施 and the start of 日志内容 of every visit; the signature lines at the end
    check(all(flat(r["measure"])[:5] in ft for r in mine if r["measure"]), f"ledger 帮扶措施 of every visit {pdf}")
    check(all(flat(r["notes"])[:5] in ft for r in mine if r["notes"]), f"ledger 日志内容 excerpt of every visit {pdf}")
    tail = ft[ft.rfind("H"):] if mine else ft
    check(all(k in tail for k in ("走访干部：", "村党组织书记：", "乡镇审核：")), f"ledger ends with the signature lines {pdf}")
    # numbers inside the visits' own words (an excerpt may cut one short)
    quoted = {x[:k] for r in mine for f in ("demand", "measure", "notes") for x in NUM.findall(r[f]) for k in range(1, len(x) + 1)}
    numbers_explained(tx, forms(*v.values()) | {"1"} | quoted, pdf)

# ---- assessment ----
ass = rows(os.path.join(data, "assessment.csv"))
facts = {r["cadre_id"]: r for r in rows(os.path.join(data, "assessment_facts.csv"))}
teams = rows(os.path.join(data, "team_assessment.csv"))
check(list(facts) == [a["cadre_id"] for a in ass], "assessment_facts.csv: one row per assessment.csv row, same order")

def half_up(x, places):
    q = decimal.Decimal(x.numerator) / decimal.Decimal(x.denominator) if isinstance(x, fractions.Fraction) else decimal.Decimal(x)
    return str(q.quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP))

def d2(s):
    return "—" if s == "" else half_up(s, 2)

# the rubric the run used: the default one (tests/e2e/reports.sh passes no --rubric)
rub = ET.parse(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "templates", "rubric.xml")).getroot()
R = {i.get("id"): i for i in rub.iter("item")}
F = fractions.Fraction
ITEMS = ("diary", "resolution", "coverage", "satisfaction", "signatures", "presence")

def required(f):
    y = int(period[:4])
    diy = 366 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 365
    return F(R["presence"].get("days-per-year")) * int(f["days_in_period"]) / diy

def fractions_of(a, f):
    """Each item's fraction from the facts (contract section 5), None when it cannot be computed."""
    n = lambda k: int(f[k])
    fr = dict.fromkeys(ITEMS)
    if n("months_with_records"):
        fr["diary"] = F(n("months_quota_met"), n("months_with_records"))
    if n("demands"):
        fr["resolution"] = min(F(n("resolved"), n("demands")) / F(R["resolution"].get("target")), 1)
    if n("coverage_pairs"):
        fr["coverage"] = F(n("coverage_hits"), n("coverage_pairs"))
    if n("sat_answers"):
        fr["satisfaction"] = F(n("sat_positive"), n("sat_answers"))
    if n("diaries"):
        fr["signatures"] = F(n("signed_visits"), n("diaries"))
    if f["resident_role"] == "1":
        fr["presence"] = min(n("days_in_village") / required(f), 1)
    return fr

# the points of assessment.csv recompute from the facts alone
for a in ass:
    f = facts.get(a["cadre_id"])
    if not f:
        check(False, f"facts row for {a['cadre_id']}")
        continue
    for k in ("diaries", "demands", "resolved", "days_in_village"):
        check(f[k] == a[k], f"facts {k} = assessment.csv {k} for {a['cadre_id']}")
    check(f["days_required"] == (half_up(required(f), 6) if f["resident_role"] == "1" else ""),
          f"days_required {f['days_required']} for {a['cadre_id']}")
    if not a["score"]:
        check(int(f["diaries"]) == 0 and all(a["item_" + k] == "" for k in ITEMS), f"no score, no points {a['cadre_id']}")
        continue
    fr = fractions_of(a, f)
    used = [k for k in ITEMS if fr[k] is not None]
    check(used == [k for k in ITEMS if a["item_" + k] != ""], f"items used {used} for {a['cadre_id']}")
    wsum = sum(F(R[k].get("weight")) for k in used)
    total = 0
    for k in used:
        pts = F(R[k].get("weight")) * 100 / wsum * fr[k]
        total += pts
        check(half_up(pts, 6) == a["item_" + k], f"{a['cadre_id']} item_{k}: {half_up(pts, 6)} from the facts, {a['item_' + k]} in assessment.csv")
    check(int(half_up(total, 0)) == int(a["score"]), f"{a['cadre_id']} score {a['score']} = sum of points {float(total):.4f}")

def personal_page(ft, a):
    """The flat text of a cadre's 个人考核表, from its heading to the next."""
    key = f"个人考核表姓名{a['cadre_name']}（{a['cadre_id']}）"
    start = ft.find(key, ft.find("附件：干部个人考核表"))
    if start < 0:
        return None
    end = ft.find("个人考核表", start + len(key))
    return ft[start:end if end >= 0 else len(ft)]

def check_assessment(pdf, cadres, tms, what):
    tx, ft = report(pdf)
    if tx is None:
        return None
    for a in cadres:
        items = [d2(a["item_" + k]) for k in ITEMS]
        check(line_with(tx, a["cadre_name"], *items, a["score"] or "—", a["grade"]), f"{what}: assessment row {a['cadre_name']}")
        pg = personal_page(ft, a)
        check(pg is not None, f"{what}: personal page {a['cadre_name']}（{a['cadre_id']}）")
        if pg is None:
            continue
        f = facts[a["cadre_id"]]
        cov = pct(half_up(F(int(f["coverage_hits"]), int(f["coverage_pairs"])), 4)) if int(f["coverage_pairs"]) else "—"
        sat = pct(a["satisfaction_rate"])
        want = [
            f"{num(f['diaries'])}篇，有记录{f['months_with_records']}个月，其中不少于{R['diary'].get('quota')}篇的{f['months_quota_met']}个月",
            f"{num(f['demands'])}件，办结{num(f['resolved'])}件，办结率{pct(a['resolution_rate'])}",
            f"包联农户{num(f['assigned_households'])}户，按季度应入户走访{num(f['coverage_pairs'])}户次，已走访{num(f['coverage_hits'])}户次，覆盖率{cov}",
            f"有评价的走访{num(f['sat_answers'])}次，满意和基本满意{num(f['sat_positive'])}次，满意率{sat}",
            f"走访{num(f['diaries'])}次，签字{num(f['signed_visits'])}次，签字率{pct(a['signed_rate'])}",
            (f"{f['days_in_village']}天，应驻{half_up(f['days_required'], 1)}天（考核期间{f['days_in_period']}天）"
             if f["resident_role"] == "1" else f"{f['days_in_village']}天（非驻村角色"),
        ]
        for w in want:
            check(w in pg, f"{what}: personal page of {a['cadre_name']} holds {w}")
        if not a["score"]:
            continue
        # the items table: basis, full points (weight scaled to 100), points
        used = [k for k in ITEMS if a["item_" + k] != ""]
        wsum = sum(F(R[k].get("weight")) for k in used)
        for k in used:
            full = half_up(F(R[k].get("weight")) * 100 / wsum, 2)
            check(f"{full}{d2(a['item_' + k])}" in pg, f"{what}: {a['cadre_name']} {k} full {full} points {d2(a['item_' + k])}")
        if "coverage" in used:
            row = (f"{R['coverage'].get('name')}应入户走访{num(f['coverage_pairs'])}户次，已走访{num(f['coverage_hits'])}户次，"
                   f"覆盖率{cov}{half_up(F(R['coverage'].get('weight')) * 100 / wsum, 2)}{d2(a['item_coverage'])}")
            check(row in pg, f"{what}: {a['cadre_name']} coverage row {row}")
    for t in tms:
        check(line_with(tx, t["village"], t["cadres"], t["team_score"] or "—", t["team_grade"], pct(t["satisfaction_rate"])),
              f"{what}: team row {t['village']}")
    grades = {}
    for a in cadres:
        grades[a["grade"]] = grades.get(a["grade"], 0) + 1
    for g, n in grades.items():
        check(f"{g}{n}人" in ft, f"{what}: grade count {g}{n}人")
    check(f"驻村帮扶干部{len(cadres)}人、村工作队{len(tms)}个" in ft, f"{what}: {len(cadres)} cadres, {len(tms)} teams")
    # every other number: the rubric's, the CSVs' or the points recomputed above
    allowed = {str(len(cadres)), str(len(tms)), "100", "80%"} | {str(n) for n in grades.values()}
    allowed |= {str(sum(1 for t in tms if t["team_grade"] == g)) for g in {t["team_grade"] for t in tms}}
    allowed |= {v for i in R.values() for k, v in i.attrib.items() if k != "id"}
    allowed |= {v for b in rub.iter("band") for k, v in b.attrib.items() if k != "grade"}
    for a in cadres:
        f = facts[a["cadre_id"]]
        allowed |= forms(*a.values()) | forms(*f.values()) | {d2(a["item_" + k]) for k in ITEMS}
        if f["days_required"]:
            allowed.add(half_up(f["days_required"], 1))
        if int(f["coverage_pairs"]):
            allowed.add(pct(half_up(F(int(f["coverage_hits"]), int(f["coverage_pairs"])), 4)))
        used = [k for k in ITEMS if a["item_" + k] != ""]
        wsum = sum(F(R[k].get("weight")) for k in used)
        allowed |= {half_up(F(R[k].get("weight")) * 100 / wsum, 2) for k in used}
    for t in tms:
        allowed |= forms(*t.values())
    numbers_explained(tx, allowed, what)
    return ft

county = rows(os.path.join(data, "county_summary.csv"))[0]["county"]
# a year is 年度考核, any other period 阶段考核 (file <unit>_<label>_考核结果.pdf)
year = re.fullmatch(r"\d{4}", period) is not None
kind, suffix = ("年度考核", "年度考核结果") if year else ("阶段考核", "考核结果")
ft = check_assessment(os.path.join(rep, f"{county}_{lab}_{suffix}.pdf"), ass, teams, county)
if ft is not None:
    check(f"驻村干部{kind}结果" in ft and ("年度考核结果" not in ft if not year else True), f"assessment named {kind}")
    check(f"本次考核按《{rub.get('name')}》（第{rub.get('version')}版）评分" in ft and "rubric.xml" not in ft,
          "the rubric named by its title and version, not a path")
    n = sum(1 for a in ass)
    for lab_ in ("本人签字", "考核组意见", "单位盖章"):
        check(ft.count(lab_) == n, f"every 个人考核表 ends with {lab_} ({ft.count(lab_)} for {n} cadres)")
# a township's report (--township-reports): its cadres and teams, no other's
for tw in sorted({t["township"] for t in rows(os.path.join(data, "township_summary.csv"))}):
    pdf = os.path.join(rep, f"{tw}_{lab}_{suffix}.pdf")
    if not os.path.exists(pdf):
        continue
    mine = [a for a in ass if a["township"] == tw]
    check(len(mine) > 0, f"{tw}: has cadres")
    ft = check_assessment(pdf, mine, [t for t in teams if t["township"] == tw], tw)
    for a in ass:
        if a["township"] != tw:
            check(f"（{a['cadre_id']}）" not in ft, f"{tw}: no cadre of {a['township']} ({a['cadre_id']})")

# ---- data quality ----
pdf = os.path.join(rep, f"{lab}_数据质量报告.pdf")
tx, ft = report(pdf)
check(f"读取记录{num(counts['records_read'])}条=接受{num(counts['accepted'])}条+退回{num(counts['rejected'])}条+重复舍弃{num(counts['dropped_duplicates'])}条，核对相符" in ft,
      "read = accepted + rejected + dropped")
for code in [k for k in counts if re.fullmatch(r"[EW]\d{3}", k) and counts[k] != "0"]:
    check(line_with(tx, code, num(counts[code])) or re.search(code + r".*\n.*\b" + counts[code] + r"\b", tx) is not None,
          f"code {code} count {counts[code]}")
rej = rows(os.path.join(data, "rejects.csv"))
listed = rej[:200]
if len(rej) <= 200:
    check(f"共退回{num(counts['rejected'])}条，下表全部列出" in ft, "data quality: 全部列出 when every reject is listed")
else:
    check(f"共退回{num(counts['rejected'])}条，下表列出前200条" in ft, "data quality: the first 200 listed")
# one date throughout: the period's as-of date
dates = {(int(a), int(b), int(c)) for a, b, c in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", ft)} - {(2013, 1, 1)}  # E008's rule
quoted = {(int(a), int(b), int(c)) for r in rej for a, b, c in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", r["message"])}
check(dates - quoted == {(period_as_of.year, period_as_of.month, period_as_of.day)},
      f"data quality: one date {period_as_of}, found {sorted(dates - quoted)}")
# the one date printed is the as-of date (数据截至); E007 and E008 are
# checked against the run date, which they name as 运行日期 (never 统计日)
check("统计日" not in ft, "data quality: no 统计日")
# (a wrapped cell's lines may have its code and count between them)
for code, text in (("E007", "或办结日期晚于(E007\\d+)?运行日期"), ("E008", "走访日期早于2013年1月1日或晚于(E008\\d+)?运行日期")):
    if counts.get(code, "0") != "0":
        check(re.search(text, ft) is not None, f"data quality: {code} explained with the run date")
allowed = forms(*counts.values()) | {"1", "2", "3", "4", "0", "45", "30", "100", "200"}
# the inputs are listed by name (a sheet "12月" of a workbook)
allowed |= {n for k in counts if k.startswith("read:") for n in NUM.findall(k)}
for r in rej:
    allowed |= forms(r["line"]) | set(NUM.findall(r["message"]))
numbers_explained(tx, allowed, pdf)
for r in listed:
    # an id too long to be one (E011) is cut to lines in its cell: its start (12
    # characters, a line of the cell) is on the row
    rid = r["record_id"] if len(r["record_id"]) <= 24 else ""
    check((line_with(tx, r["line"], rid, r["code"]) if rid else line_with(tx, r["line"], r["code"])) and
          r["record_id"][:12] in ft,
          f"reject {r['source']}:{r['line']}")

finish()

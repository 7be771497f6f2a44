#!/bin/sh
# The weekly check (周检查): a month still under way (--period 2024-03
# --as-of 2024-03-15 and 2024-03-08 on samples/) writes one 周检查 PDF per
# township and data/weekly_check.csv; the PDF's counts agree with the CSVs
# of the same run (overdue = township_summary's overdue) and with figures
# recomputed here from accepted.csv; a finished month writes neither.
. tests/e2e/lib.sh
for asof in 2024-03-15 2024-03-08; do
	out="$TMP/w$asof"
	$MINQING run --config samples/county.conf --period 2024-03 --as-of $asof --out "$out" --quiet 2> "$TMP/run.log"
	check "run as of $asof exits 1 (the samples hold rejects)" test $? -eq 1
	check "weekly_check.csv written ($asof)" test -f "$out/data/weekly_check.csv"
	for t in 柳林镇 东岗乡 石桥乡; do
		pdf="$out/reports/${t}_2024年03月_周检查.pdf"
		check "$t 周检查 PDF ($asof)" test -f "$pdf"
		pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
		check "$t: one or two pages ($pages)" test "${pages:-0}" -ge 1 -a "${pages:-0}" -le 2
		pdftotext "$pdf" - | tr -d ' \n' > "$TMP/$t.txt"
		python3 - "$out/data" "$t" "$asof" "$TMP/$t.txt" > "$TMP/$t.log" 2>&1 <<'PY'
import csv, datetime, re, sys
data, town, asof, txt = sys.argv[1], sys.argv[2], sys.argv[3], open(sys.argv[4], encoding="utf-8").read()
rd = lambda f: list(csv.DictReader(open(f"{data}/{f}", encoding="utf-8-sig", newline="")))
bad = []
def want(what, got, exp):
    if str(got) != str(exp):
        bad.append(f"{town} {what}: {got} != {exp}")
day = datetime.date.fromisoformat(asof)
elapsed, dim = day.day, 31
# the township's overdue figure and the PDF's list agree
ts = [r for r in rd("township_summary.csv") if r["township"] == town][0]
m = re.search(r"逾期未办结诉求(\d+)件（乡镇汇总表逾期(\d+)件）", txt)
want("overdue in the PDF", m and m.group(1), ts["overdue"])
want("township figure in the PDF", m and m.group(2), ts["overdue"])
# overdue and falling due recomputed from accepted.csv (contract section 4)
over = soon = 0
for r in rd("accepted.csv"):
    if r["township"] != town or not r["visit_date"].startswith("2024-03") or not r["demand"] or not r["due_date"]:
        continue
    due = datetime.date.fromisoformat(r["due_date"])
    closed = r["closed_date"] and datetime.date.fromisoformat(r["closed_date"]) <= day and r["status"] == "已办结"
    if closed:
        continue
    over += due < day
    soon += day <= due <= day + datetime.timedelta(days=7)
want("overdue from accepted.csv", over, ts["overdue"])
m = re.search(r"到期诉求(\d+)件", txt)
want("due within 7 days", m and m.group(1), soon)
# per cadre: diaries from cadre_monthly.csv, the pace rule, the counts of the text
cm = {r["cadre_id"]: r for r in rd("cadre_monthly.csv")}
rows = [r for r in rd("weekly_check.csv") if r["township"] == town]
want("cadres", len(rows), sum(1 for r in cm.values() if r["township"] == town))
behind = 0
for r in rows:
    want(f"{r['cadre_id']} diaries", r["diaries"], cm[r["cadre_id"]]["diaries"])
    b = int(r["diaries"]) * dim < int(r["quota"]) * elapsed
    want(f"{r['cadre_id']} behind", r["behind"], int(b))
    want(f"{r['cadre_id']} still needed", r["still_needed"], max(int(r["quota"]) - int(r["diaries"]), 0))
    want(f"{r['cadre_id']} days left", r["days_left"], dim - elapsed)
    behind += b
m = re.search(r"进度落后.*?的干部(\d+)名（共(\d+)名）", txt)
want("behind in the PDF", m and m.group(1), behind)
want("cadres in the PDF", m and m.group(2), len(rows))
m = re.search(r"本季度未入户走访的包联农户(\d+)户", txt)
want("unvisited households", m and m.group(1), sum(int(r["unvisited_households"]) for r in rows))
novisit = sum(1 for r in rd("village_summary.csv") if r["township"] == town and r["visits"] == "0")
m = re.search(r"本月尚未走访的村(\d+)个", txt)
want("villages without a visit", m and m.group(1), novisit)
m = re.search(r"有未签字走访的干部(\d+)名，满意率低于80%的干部(\d+)名", txt)
want("signature shortfalls", m and m.group(1), sum(1 for r in rows if int(r["signed"]) < int(r["visits"])))
want("satisfaction shortfalls", m and m.group(2), sum(int(r["satisfaction_short"]) for r in rows))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
		check "$t ($asof): the PDF agrees with the CSVs" test $? -eq 0
		cat "$TMP/$t.log" >&2
	done
done
soon=0
for t in 柳林镇 东岗乡 石桥乡; do
	pdftotext "$TMP/w2024-03-08/reports/${t}_2024年03月_周检查.pdf" - | grep -q 剩余天数 && soon=1
done
check "as of 2024-03-08 some township lists demands falling due" test $soon -eq 1
# the same inputs re-run: byte-identical
$MINQING run --config samples/county.conf --period 2024-03 --as-of 2024-03-15 --out "$TMP/again" --quiet 2> /dev/null
check "weekly_check.csv reproducible" cmp -s "$TMP/w2024-03-15/data/weekly_check.csv" "$TMP/again/data/weekly_check.csv"
check "周检查 PDF reproducible" cmp -s "$TMP/w2024-03-15/reports/柳林镇_2024年03月_周检查.pdf" "$TMP/again/reports/柳林镇_2024年03月_周检查.pdf"
# a month that is over: no weekly check
$MINQING run --config samples/county.conf --period 2024-03 --as-of 2024-04-02 --out "$TMP/done" --quiet 2> /dev/null
check "finished month: no weekly_check.csv" test ! -f "$TMP/done/data/weekly_check.csv"
check "finished month: no 周检查 PDF" sh -c "! ls '$TMP/done/reports' | grep -q 周检查"
finish

#!/bin/sh
# Re-import of fixed rejects, as a clerk does it: run validate, open
# data/rejects.csv, fix the bad cells under their Chinese headers, save it
# as Excel on a Chinese Windows would (GB18030, CRLF), and run again with the
# original file and the fixed one. Every rejected record must then be
# accepted exactly once, with its other cells (commas, quotes, line breaks)
# intact, and read = accepted + rejected + dropped.
. tests/e2e/lib.sh
[ -x "$MINQING" ] || { fail "no minqing binary at $MINQING"; finish; exit 1; }
cd "$TMP" || exit 1

cat > visits.csv <<'CSV'
记录编号,走访日期,乡镇,行政村,干部编号,干部姓名,户编号,户主姓名,户类型,走访方式,群众诉求,办结时限,办理状态,受访人签字,日志内容
F01,2024-03-01,油篓沟乡,玻璃彩村,C001,王晓东,H001,于占峰,脱贫户,入户走访,,,,是,查看水窖
F02,2024-03-02,油篓沟乡,玻璃彩村,C001,王晓东,H002,,监测户,电话,,,,是,"户主没填，
第二行有""引号"""
F03,2024-03-03,油篓沟乡,玻璃彩村,C001,王晓东,H003,张桂芝,一般农户,入户走访,要求修路,2024-03-30,办理中,是,
F04,2024-02-30,油篓沟乡,东沟村,C002,李梅,H004,刘玉兰,低保户,微信,,,,否,"日期写错, 二月没有30日"
F05,2024-03-05,油篓沟乡,东沟村,C002,李梅,H005,孙玉珍,特困户,座谈,,,,是,
F06,2024-03-06,油篓沟乡,东沟村,C002,李梅,H006,赵德福,一般农户,上门,,,,是,方式写错
F07,2024-03-07,台路沟乡,台路沟村,C003,赵刚,H007,周桂兰,脱贫户,集中宣讲,,,,是,
F08,2024-03-08,台路沟乡,台路沟村,C003,赵刚,H008,吴建国,一般农户,电话,要求低保,,办理中,是,缺办结时限
CSV
cat > ids.py <<'PY'
import csv, sys
# prints "record_id code" of a rejects/warnings file, or the record_ids of accepted.csv
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows:
    print(r["record_id"], r.get("code", ""))
PY
count() { python3 -c 'import csv,sys
for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")):
    if r[0] == sys.argv[2]: print(r[1])' data1/counts.csv "$1"; }

"$MINQING" validate visits.csv --as-of 2024-12-31 --out out1 > run1.log 2>&1
check "first run exits 1" test $? -eq 1
python3 ids.py out1/data/rejects.csv | sort > rejected1.txt
printf 'F02 E002\nF04 E003\nF06 E005\nF08 E012\n' > want1.txt
check "first run rejects F02 E002, F04 E003, F06 E005, F08 E012" cmp -s want1.txt rejected1.txt

# the clerk's edits, by record and Chinese header
python3 - out1/data/rejects.csv fixed.csv <<'PY'
import csv, sys
fixes = {"F02": {"户主姓名": "钱秀英"}, "F04": {"走访日期": "2024-02-29"},
         "F06": {"走访方式": "入户走访"}, "F08": {"办结时限": "2024-04-15"}}
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
head = rows[0]
for r in rows[1:]:
    rid = r[head.index("记录编号")]
    for col, value in fixes.pop(rid).items():
        r[head.index(col)] = value
assert not fixes, f"rows not found in rejects.csv: {fixes}"
with open(sys.argv[2], "w", encoding="gb18030", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
PY
check "fixed.csv written" test -s fixed.csv

# run 2: the original file again, then the fixed rejects
"$MINQING" validate visits.csv fixed.csv --as-of 2024-12-31 --out out2 > run2.log 2>&1
check "second run exits 1 (the original's bad rows are still bad)" test $? -eq 1
python3 - out2/data accepted_once <<'PY' > check2.txt
import csv, collections, sys
d = sys.argv[1]
rd = lambda n: list(csv.DictReader(open(f"{d}/{n}", encoding="utf-8-sig", newline="")))
acc = collections.Counter(r["record_id"] for r in rd("accepted.csv"))
rej = [(r["source"], r["record_id"]) for r in rd("rejects.csv")]
counts = {r["metric"]: int(r["value"]) for r in rd("counts.csv") if r["value"].isdigit()}
problems = []
for rid in ["F0%d" % i for i in range(1, 9)]:
    if acc[rid] != 1:
        problems.append(f"{rid} accepted {acc[rid]} times")
if sorted(rej) != [("visits.csv", x) for x in ("F02", "F04", "F06", "F08")]:
    problems.append(f"rejects {rej}")
if any(s == "fixed.csv" for s, _ in rej):
    problems.append("a fixed record was rejected")
want = {"records_read": 12, "accepted": 8, "rejected": 4, "dropped_duplicates": 0}
for k, v in want.items():
    if counts.get(k) != v:
        problems.append(f"{k} = {counts.get(k)}, expected {v}")
if counts["records_read"] != counts["accepted"] + counts["rejected"] + counts["dropped_duplicates"]:
    problems.append("read != accepted + rejected + dropped")
a = {r["record_id"]: r for r in rd("accepted.csv")}
expect = {("F02", "householder"): "钱秀英", ("F02", "notes"): '户主没填，\n第二行有"引号"',
          ("F04", "visit_date"): "2024-02-29", ("F04", "notes"): "日期写错, 二月没有30日",
          ("F06", "visit_mode"): "入户走访", ("F08", "due_date"): "2024-04-15",
          ("F08", "demand"): "要求低保", ("F08", "status"): "办理中"}
for (rid, col), v in expect.items():
    if a.get(rid, {}).get(col) != v:
        problems.append(f"{rid} {col} = {a.get(rid, {}).get(col)!r}, expected {v!r}")
if problems:
    print("\n".join(problems))
PY
check "second run: each record accepted once, fixed cells and notes kept, read = accepted + rejected + dropped" test ! -s check2.txt
[ -s check2.txt ] && sed 's/^/   /' check2.txt >&2

# run 3: what a clerk keeps going with: last run's accepted.csv plus the fixed
# rejects; accepted.csv re-read gives the same records, and the fixed ones
# arrive after them, so nothing is a duplicate and nothing is rejected.
# Then the original file once more on top: its good rows are W006 duplicates.
"$MINQING" validate out1/data/accepted.csv fixed.csv visits.csv --as-of 2024-12-31 --out out3 > run3.log 2>&1
check "third run exits 1 (the original's bad rows)" test $? -eq 1
python3 - out3/data <<'PY' > check3.txt
import csv, collections, sys
d = sys.argv[1]
rd = lambda n: list(csv.DictReader(open(f"{d}/{n}", encoding="utf-8-sig", newline="")))
acc = collections.Counter(r["record_id"] for r in rd("accepted.csv"))
w = sorted((r["source"], r["record_id"], r["code"]) for r in rd("warnings.csv"))
rej = sorted((r["source"], r["record_id"], r["code"]) for r in rd("rejects.csv"))
counts = {r["metric"]: int(r["value"]) for r in rd("counts.csv") if r["value"].isdigit()}
problems = []
if any(acc["F0%d" % i] != 1 for i in range(1, 9)) or len(acc) != 8:
    problems.append(f"accepted {dict(acc)}")
want_w = [("visits.csv", x, "W006") for x in ("F01", "F03", "F05", "F07")]
if w != want_w:
    problems.append(f"warnings {w}, expected {want_w}")
# F08's id is now taken by its fixed version: E006 comes before E012 in the table
want_r = [("visits.csv", "F02", "E002"), ("visits.csv", "F04", "E003"),
          ("visits.csv", "F06", "E005"), ("visits.csv", "F08", "E006")]
f08 = [r["message"] for r in rd("rejects.csv") if r["record_id"] == "F08"]
if not f08 or "also: E012" not in f08[0]:
    problems.append(f"F08 message {f08} lacks 'also: E012'")
if rej != want_r:
    problems.append(f"rejects {rej}, expected {want_r}")
want = {"records_read": 16, "accepted": 8, "rejected": 4, "dropped_duplicates": 4, "W006": 4}
for k, v in want.items():
    if counts.get(k) != v:
        problems.append(f"{k} = {counts.get(k)}, expected {v}")
if problems:
    print("\n".join(problems))
PY
check "third run: accepted.csv reads back, the original's good rows are W006, its bad rows E00x again" test ! -s check3.txt
[ -s check3.txt ] && sed 's/^/   /' check3.txt >&2
for log in "$TMP"/*.log; do
	check "no sanitizer report in $(basename "$log")" sh -c "! grep -qE 'Sanitizer|runtime error:' '$log'"
done
finish

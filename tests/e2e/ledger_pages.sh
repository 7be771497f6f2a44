#!/bin/sh
# ledger_pages: a village of 400 visits whose 群众诉求 and 帮扶措施 run to
# hundreds of characters (with line breaks and long Latin runs), 日志内容 to
# thousands, with every topic and long names, and a village of plain rows:
# every page of their ledgers but the last holds 25 to 30 visits, a cut
# text ends in "…", the start of every 帮扶措施 and every 期后办结 date is
# printed, no page ends with a heading, and a re-run gives the same bytes.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
IN=$TMP/in
python3 "$HERE/gen_ledger.py" "$IN" 400
run() {
	"$MINQING" run "$IN/visits.csv" --registry "$IN/registry.csv" --roster "$IN/roster.csv" \
		--assignments "$IN/assignments.csv" --period 2024-03 --as-of 2024-05-31 --out "$1" --quiet
}
run "$TMP/o" 2> "$TMP/log"
check "run exits 0 ($(head -c 300 "$TMP/log"))" [ $? -eq 0 ]
L=$TMP/o/reports/石桥乡_长文村_2024年03月_台账.pdf
S=$TMP/o/reports/石桥乡_短文村_2024年03月_台账.pdf
check "both ledgers written" [ -s "$L" -a -s "$S" ]
check_normal "25 to 30 visits every page but the last (long and short texts)" python3 "$HERE/check_ledger_pages.py" \
	--min-pages=14 "$L" "$S"
check_normal "page breaks of both ledgers" python3 "$HERE/check_pages.py" --header-lines=1 "$L" "$S"
pdftotext "$L" "$TMP/l.txt"
check "cut texts end in …" [ "$(grep -c '…' "$TMP/l.txt")" -ge 1000 ]
check "the start of every 帮扶措施, every 期后办结 date whole" python3 - "$IN/visits.csv" "$TMP/l.txt" <<'PYEOF'
import csv, re, sys
flat = re.sub(r"\s+", "", open(sys.argv[2], encoding="utf-8").read())
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["village"] == "长文村"]
late = [r for r in rows if r["status"] == "已办结" and r["closed_date"] > "2024-03-31"]
ok = all(re.sub(r"\s+", "", r["measure"])[:5] in flat for r in rows) and late and \
	flat.count("期后办结") - flat.count("期后办结日期") == len(late) and flat.count("期后办结2024-04-15") == len(late)
sys.exit(0 if ok else 1)
PYEOF
run "$TMP/o2" 2> /dev/null
check "a re-run gives byte-identical ledgers" cmp "$L" "$TMP/o2/reports/石桥乡_长文村_2024年03月_台账.pdf"
finish

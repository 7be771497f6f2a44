#!/bin/sh
# The 联村联户 rubric of samples/ (general items: 座谈 and 集中宣讲 counts, days
# in the village) on a small hand-made input: the scores, grades, items and
# facts computed by hand in tests/rubric/lianculianhu/README; the personal
# pages print each item's basis by the rubric's names; a bad rubric is
# refused with its file:line; merging partials cannot score general items.
. tests/e2e/lib.sh
CASE=tests/rubric/lianculianhu
RUBRIC=samples/lianculianhu_rubric.xml
$MINQING run "$CASE/visits.csv" --roster "$CASE/roster.csv" --rubric "$RUBRIC" --period 2024 \
	--as-of 2024-12-31 --out "$TMP/out" --quiet 2> "$TMP/run.log"
check "run with the 联村联户 rubric exits 0" test $? -eq 0
A="$TMP/out/data/assessment.csv"
cell() { # cell FILE KEY COLUMN: the column of the row whose second cell is KEY
	python3 - "$@" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows:
    if sys.argv[2] in (r.get("cadre_id"), r.get("village")):
        print(r[sys.argv[3]])
PY
}
check "item columns are the rubric's" sh -c "head -1 '$A' | grep -q 'score,grade,item_diary,item_talks,item_lectures,item_village_days,item_resolution,item_satisfaction'"
for want in "A001 70 称职" "B002 88 称职" "C003 75 称职" "D004 100 优秀" "E005 95 称职"; do
	set -- $want
	check "$1 score $2" test "$(cell "$A" $1 score)" = "$2"
	check "$1 grade $3" test "$(cell "$A" $1 grade)" = "$3"
done
check "A001 座谈 6/12 → 7.5" test "$(cell "$A" A001 item_talks)" = "7.500000"
check "A001 resolution 0.5/0.8 → 12.5" test "$(cell "$A" A001 item_resolution)" = "12.500000"
check "B002 no demands: resolution left out" test "$(cell "$A" B002 item_resolution)" = ""
check "B002 rescaled ×100/80: 座谈 18.75" test "$(cell "$A" B002 item_talks)" = "18.750000"
check "B002 no 集中宣讲: 0" test "$(cell "$A" B002 item_lectures)" = "0.000000"
check "C003 village days 10/10 → 15" test "$(cell "$A" C003 item_village_days)" = "15.000000"
F="$TMP/out/data/assessment_facts.csv"
check "facts: A001 talks 6 of 12" test "$(cell "$F" A001 talks_count)/$(cell "$F" A001 talks_target)" = "6/12.000000"
check "facts: D004 20 village days" test "$(cell "$F" D004 village_days_count)" = "20"
T="$TMP/out/data/team_assessment.csv"
check "team 东村 79 良好" test "$(cell "$T" 东村 team_score) $(cell "$T" 东村 team_grade)" = "79 良好"
check "team 西村 88 良好" test "$(cell "$T" 西村 team_score) $(cell "$T" 西村 team_grade)" = "88 良好"
check "team 南村 95 vetoed to 良好" test "$(cell "$T" 南村 team_score) $(cell "$T" 南村 team_grade)" = "95 良好"
pdftotext "$TMP/out/reports/联丰县_2024年_年度考核结果.pdf" "$TMP/a.txt"
tr -d ' \n' < "$TMP/a.txt" > "$TMP/a.flat"
check "basis of 座谈 by the rubric's name" grep -q "座谈走访方式为座谈的记录6次，应达12.0次15.007.50" "$TMP/a.flat"
check "basis of 在村天数" grep -q "在村天数走访方式为入户走访或座谈或集中宣讲的日期10天，应达10.0天15.0015.00" "$TMP/a.flat"
check "appendix: the rule of 集中宣讲" grep -q "集中宣讲10走访方式为集中宣讲的记录数÷目标（每年2次" "$TMP/a.flat"
check "table 3: the general items' points per cadre" grep -q "张三东村座谈7.50，集中宣讲10.00，在村天数15.0070" "$TMP/a.flat"
check "the rubric is named by its title and version" grep -q "本次考核按《联村联户考核细则》（第1版）评分" "$TMP/a.flat"

# aggregate alone (the stage) gives the same assessment
mkdir -p "$TMP/agg/data"
cp "$TMP/out/data/accepted.csv" "$TMP/agg/data/"
$MINQING aggregate --period 2024 --as-of 2024-12-31 --roster "$CASE/roster.csv" --rubric "$RUBRIC" \
	--out "$TMP/agg" --quiet
check "aggregate alone: assessment.csv identical" cmp -s "$A" "$TMP/agg/data/assessment.csv"
check "aggregate alone: facts identical" cmp -s "$F" "$TMP/agg/data/assessment_facts.csv"
# a merge of partials cannot count the general items: refused, not wrong
$MINQING aggregate --period 2024 --as-of 2024-12-31 --roster "$CASE/roster.csv" --out "$TMP/agg" \
	--partial "$TMP/p1" --quiet
$MINQING merge "$TMP/p1" --period 2024 --roster "$CASE/roster.csv" --rubric "$RUBRIC" --out "$TMP/m" \
	--quiet 2> "$TMP/merge.log"
check "merge with general items is refused" test $? -ne 0
check "merge says why" grep -q "count, rate or days" "$TMP/merge.log"

# a bad rubric: file:line and what is wrong
sed 's|per-year="12">|>|' "$RUBRIC" > "$TMP/bad.xml"
$MINQING run "$CASE/visits.csv" --rubric "$TMP/bad.xml" --period 2024 --as-of 2024-12-31 \
	--out "$TMP/bad" --quiet 2> "$TMP/bad.log"
check "a count item without a target is refused (exit 3)" test $? -eq 3
check "… with file:line" grep -q "bad.xml:17:" "$TMP/bad.log"
check "… saying what is missing" grep -q "per-year" "$TMP/bad.log"
sed 's|visit-mode="座谈"|visit-mode="开会"|' "$RUBRIC" > "$TMP/bad2.xml"
$MINQING run "$CASE/visits.csv" --rubric "$TMP/bad2.xml" --period 2024 --as-of 2024-12-31 \
	--out "$TMP/bad" --quiet 2> "$TMP/bad2.log"
check "an unknown visit mode is refused with its line" grep -q "bad2.xml:18:.*开会" "$TMP/bad2.log"
finish

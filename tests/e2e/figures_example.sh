#!/bin/sh
# The example case small-utf8 (tests/examples/small-utf8, copied from the project's example case): figures and assessment
# for --period 2024 and 2024-03 (as of 2024-12-31) match expected/ — rows
# matched by keys, integers exact, rates to 1e-4, item points to 1e-3, the
# contract's exact columns — through validate + aggregate (the stage run
# alone) and, once it exists, through `minqing run`, which must write the
# same bytes.
. tests/e2e/lib.sh
EX=${MQ_EXAMPLE:-tests/examples/small-utf8}
FILES="village_summary.csv township_summary.csv county_summary.csv cadre_monthly.csv assessment.csv team_assessment.csv"
REF="--registry $EX/registry.csv --roster $EX/roster.csv --assignments $EX/assignments.csv"
INPUTS="$EX/input/visits_1307_T01.xml $EX/input/visits_2024H1.csv $EX/input/visits_2024H2.csv"
check "example case present ($EX)" test -f "$EX/expected/2024/assessment.csv"

# the comparer itself notices a wrong number
mkdir -p "$TMP/wrong"
sed 's/^2024,C070001,肖长林,第一书记,北坡镇,红旗村,186,63,56,0.8889,0.9677,0.9086,159,96,/&X/' \
	"$EX/expected/2024/assessment.csv" | sed 's/,96,X优秀/,95,优秀/' > "$TMP/wrong/assessment.csv"
python3 tests/e2e/compare_csv.py "$TMP/wrong" "$EX/expected/2024" assessment.csv > "$TMP/wrong.log"
check "compare_csv.py finds a wrong score" grep -q "C070001.*score = '95', expected '96'" "$TMP/wrong.log"

$MINQING validate $INPUTS --registry "$EX/registry.csv" --roster "$EX/roster.csv" \
	--as-of 2024-12-31 --out "$TMP/v" --quiet 2> "$TMP/validate.log"
check "validate exits 1 (the example has rejects)" test $? -eq 1

has_run=1
$MINQING run --help 2>&1 | grep -q "unknown command" && has_run=0

for p in 2024 2024-03; do
	out="$TMP/agg$p"
	mkdir -p "$out/data"
	cp "$TMP/v/data/accepted.csv" "$out/data/"
	$MINQING aggregate --period $p $REF --as-of 2024-12-31 --out "$out" 2> "$TMP/agg$p.log"
	check "aggregate --period $p exits 0" test $? -eq 0
	python3 tests/e2e/compare_csv.py "$out/data" "$EX/expected/$p" $FILES > "$TMP/cmp$p.log"
	check "aggregate --period $p matches expected/$p" test $? -eq 0
	head -20 "$TMP/cmp$p.log" >&2
	for f in $FILES; do
		check "$p $f starts with a BOM" test "$(head -c 3 "$out/data/$f" | od -An -tx1 | tr -d ' ')" = "efbbbf"
		check "$p $f rows end in CRLF" test "$(grep -c "$(printf '\r')\$" "$out/data/$f")" -eq "$(wc -l < "$out/data/$f")"
	done
	check "$p: no temporary files left" test -z "$(ls "$out/data" | grep '\.tmp\.')"
	if [ $has_run = 1 ]; then
		$MINQING run $INPUTS $REF --period $p --as-of 2024-12-31 --out "$TMP/run$p" --quiet 2> "$TMP/run$p.log"
		check "run --period $p exits 1 (rejects)" test $? -eq 1
		python3 tests/e2e/compare_csv.py "$TMP/run$p/data" "$EX/expected/$p" $FILES > "$TMP/cmprun$p.log"
		check "run --period $p matches expected/$p" test $? -eq 0
		for f in $FILES; do
			check "run and aggregate write the same $p $f" cmp -s "$TMP/run$p/data/$f" "$out/data/$f"
		done
	fi
done

# --no-bom; the period column is the --period string; every registry village
# is listed (蔡家湾村 has no visit in March)
mkdir -p "$TMP/nobom/data"
cp "$TMP/v/data/accepted.csv" "$TMP/nobom/data/"
$MINQING aggregate --period 2024-03 $REF --as-of 2024-12-31 --no-bom --out "$TMP/nobom" 2> /dev/null
check "--no-bom writes no BOM" test "$(head -c 6 "$TMP/nobom/data/village_summary.csv")" = "period"
check "蔡家湾村 listed with zero visits" grep -q "^2024-03,河阳县,双山乡,蔡家湾村,0,0,0,280,0.0000,0,0,0,,,," "$TMP/nobom/data/village_summary.csv"
check "8 villages listed" test "$(wc -l < "$TMP/nobom/data/village_summary.csv")" -eq 9

# usage errors exit 2, a bad rubric is fatal (3) and names file:line
$MINQING aggregate --period 2024-13 --out "$TMP/agg2024" 2> /dev/null
check "bad period exits 2" test $? -eq 2
sed 's/weight="15"/weight="-1"/' templates/rubric.xml > "$TMP/bad_rubric.xml"
$MINQING aggregate --period 2024 $REF --as-of 2024-12-31 --rubric "$TMP/bad_rubric.xml" --out "$TMP/agg2024" 2> "$TMP/rubric.log"
check "bad rubric exits 3" test $? -eq 3
check "bad rubric error names file:line" grep -q "bad_rubric.xml:[0-9]" "$TMP/rubric.log"
finish

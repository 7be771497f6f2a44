#!/bin/sh
# The render of `minqing run` takes the visits its validate stage accepted
# instead of reading accepted.csv back (reports.h, struct mq_visits): its
# reports are byte for byte those of `minqing render` reading the run's
# accepted.csv again. Checked on the samples (CSV, XML and a workbook; a
# year, with the township reports), on odd names (a quarter, a village of
# 20,000 visits), on the example case, and on workbooks LibreOffice wrote;
# and on a month run in its own month, whose weekly check makes the render
# read accepted.csv back.
. tests/e2e/lib.sh
S=samples
EX=tests/examples/small-utf8
W=tests/workbooks

# same_reports NAME OUT [RENDER-OPTIONS]: OUT's data rendered again alone
same_reports() {
	name=$1 out=$2
	shift 2
	mkdir -p "$TMP/alone_$name" && cp -r "$out/data" "$TMP/alone_$name/"
	check "$name: render alone" "$MINQING" render --out "$TMP/alone_$name" --quiet "$@"
	check "$name: run's reports ($(ls "$out/reports" | wc -l)) byte-identical to render's from accepted.csv" \
		diff -r "$out/reports" "$TMP/alone_$name/reports"
}
# run_ok NAME ARGS...: minqing run, exit 0 or 1 (rejects)
run_ok() {
	name=$1
	shift
	"$MINQING" run "$@" --quiet 2> "$TMP/$name.log"
	st=$?
	check "$name: run exits 0 or 1 (exit $st: $(head -c 300 "$TMP/$name.log"))" test $st -le 1
}

SREF="--registry $S/registry.csv --roster $S/roster.csv --assignments $S/assignments.csv"
SIN="$S/visits_2024.csv $S/visits_township3.xml $S/石桥乡_2024年12月_民情日记.xlsx"
run_ok samples $SIN $SREF --period 2024 --as-of 2024-12-31 --next-steps $S/next_steps --township-reports \
	--out "$TMP/samples"
same_reports samples "$TMP/samples" --period 2024 --as-of 2024-12-31 --next-steps $S/next_steps --township-reports --jobs 1
run_ok weekly $SIN $SREF --period 2024-03 --as-of 2024-03-31 --out "$TMP/weekly"
check "weekly: the weekly check is due (its reports written)" test -n "$(ls "$TMP/weekly/reports" | grep 周检查)"
same_reports weekly "$TMP/weekly" --period 2024-03 --as-of 2024-03-31 --assignments $S/assignments.csv

python3 tests/e2e/gen_names.py "$TMP/in" 20000
run_ok names "$TMP/in/visits.csv" --registry "$TMP/in/registry.csv" --roster "$TMP/in/roster.csv" \
	--assignments "$TMP/in/assignments.csv" --period 2024-Q1 --as-of 2024-03-31 --out "$TMP/names"
same_reports names "$TMP/names" --period 2024-Q1 --as-of 2024-03-31

run_ok example $EX/input/visits_1307_T01.xml $EX/input/visits_2024H1.csv $EX/input/visits_2024H2.csv \
	--registry $EX/registry.csv --roster $EX/roster.csv --assignments $EX/assignments.csv \
	--period 2024 --as-of 2024-12-31 --out "$TMP/example"
same_reports example "$TMP/example" --period 2024 --as-of 2024-12-31

run_ok workbooks $W/records.xlsx $W/clerk.xlsx $W/records.xls --period 2024 --as-of 2024-12-31 --out "$TMP/wb"
check "workbooks: visits rendered into ledgers" test -n "$(ls "$TMP/wb/reports" | grep 台账)"
same_reports workbooks "$TMP/wb" --period 2024 --as-of 2024-12-31
finish

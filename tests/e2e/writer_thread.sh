#!/bin/sh
# accepted.csv and the duplicate check's file are written on threads of
# their own (core/bgwrite.c). The same inputs through the same stages with
# those writes on the records' thread (MQ_TEST_NO_WRITER_THREAD) give the
# same files, byte for byte: the example case, and 20,000 generated records
# (with planted duplicates and id conflicts, ten megabytes of accepted rows,
# so a duplicate's first copy is read back from accepted.csv).
. tests/e2e/lib.sh
BUILD=${BUILD:-build}
GEN=$BUILD/tools/gen_visits
HALF=$BUILD/tools/data_half
export MINQING_TEMPLATES=${MINQING_TEMPLATES:-$(pwd)/templates}
[ -x "$GEN" ] && [ -x "$HALF" ] || { fail "no $GEN or $HALF"; finish; exit 1; }
EX=tests/examples/small-utf8

"$GEN" --records 20000 --seed 5 --out "$TMP/g" > /dev/null
check "gen_visits runs" test $? -eq 0

# compare DIR_A DIR_B: every file of A's data/ is in B's, byte for byte
compare() {
	n=0
	for f in "$1"/data/*; do
		cmp -s "$f" "$2/data/${f##*/}" || { echo "differs: ${f##*/}"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 8 ] || { echo "only $n files"; return 1; }
	[ "$(ls "$1/data" | wc -l)" -eq "$(ls "$2/data" | wc -l)" ]
}

for mode in thread same; do
	env=
	[ "$mode" = same ] && env="MQ_TEST_NO_WRITER_THREAD=1"
	env $env "$HALF" "$TMP/ex_$mode" 2024 2024-12-31 "$EX/registry.csv" "$EX/roster.csv" \
		"$EX/assignments.csv" "$EX/input/visits_1307_T01.xml" "$EX/input/visits_2024H1.csv" \
		"$EX/input/visits_2024H2.csv" > "$TMP/ex_$mode.log" 2>&1
	check "example case, writes on $mode thread: exit 1 (rejects)" test $? -eq 1
	env $env "$HALF" "$TMP/g_$mode" 2024 2024-12-31 "$TMP/g/registry.csv" "$TMP/g/roster.csv" \
		"$TMP/g/assignments.csv" "$TMP/g/visits.csv" > "$TMP/g_$mode.log" 2>&1
	check "20,000 records, writes on $mode thread: exit 1 (rejects)" test $? -eq 1
done
check "example case: the same files either way" compare "$TMP/ex_thread" "$TMP/ex_same"
check "20,000 records: the same files either way" compare "$TMP/g_thread" "$TMP/g_same"
# data_half says: read N accepted N rejected N in period N
set -- $(cat "$TMP/g_thread.log")
accepted=$4
dropped=$(( $2 - $4 - $6 ))
check "20,000 records: exact duplicates dropped (${dropped:-none})" test "${dropped:-0}" -gt 0
conflicts=$(grep -c ',E006,' "$TMP/g_thread/data/rejects.csv")
check "20,000 records: id conflicts rejected ($conflicts)" test "$conflicts" -gt 0
rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))-1)' \
	"$TMP/g_thread/data/accepted.csv")
check "accepted.csv holds the $accepted accepted records ($rows rows)" test "$rows" = "$accepted"
finish

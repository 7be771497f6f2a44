#!/bin/sh
# minqing run as a clerk uses it: the config file, byte-identical re-runs,
# re-runs that replace the outputs whole, interrupted runs that leave the
# previous outputs intact and no temporary files, exit statuses.
. tests/e2e/lib.sh

sums() { (cd "$1" && find . -path './.minqing.tmp.*' -prune -o -name .minqing.lock -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum); }

# 1. the config file, with the period on the command line
$MINQING run --config samples/county.conf --period 2024-03 --out "$TMP/a" --quiet 2> "$TMP/a.log"
check "run --config exits 1 (the samples hold rejects)" test $? -eq 1
check "quiet prints nothing" test ! -s "$TMP/a.log"
for f in accepted rejects warnings village_summary township_summary county_summary cadre_monthly \
	 assessment team_assessment counts; do
	check "data/$f.csv written" test -s "$TMP/a/data/$f.csv"
done
check "counts.csv names the period" grep -q '^period,2024-03' "$TMP/a/data/counts.csv"
check "counts.csv has the run date of the config" grep -q '^as_of_run,2024-12-31' "$TMP/a/data/counts.csv"
check "the config's unit reaches counts.csv" grep -q '^unit,清河县乡村振兴局' "$TMP/a/data/counts.csv"
check "a package per township and one for the county" test "$(ls "$TMP/a/archive" | grep -c '_2024年03月_档案包.zip$')" -eq 4
check "every package verifies" $MINQING verify "$TMP"/a/archive/*.zip
check "counts.csv tells the GB18030 input" grep -q '^format:visits_2024.csv,CSV GB18030' "$TMP/a/data/counts.csv"
check "counts.csv tells the XML input" grep -q '^format:visits_township3.xml,XML' "$TMP/a/data/counts.csv"
check "counts.csv counts the blank rows per input" grep -q '^blank:visits_2024.csv,2' "$TMP/a/data/counts.csv"
pdftotext -layout "$TMP/a/reports/2024年03月_数据质量报告.pdf" "$TMP/dq.txt"
check "the data-quality report names each input's encoding" grep -q 'visits_2024.csv.*CSV GB18030' "$TMP/dq.txt"

# 2. two runs with the same inputs and options: every file byte-identical
$MINQING run --config samples/county.conf --period 2024-03 --out "$TMP/b" --quiet 2>/dev/null
sums "$TMP/a" > "$TMP/a.sums"
sums "$TMP/b" > "$TMP/b.sums"
check "two runs give identical files" cmp -s "$TMP/a.sums" "$TMP/b.sums"
check "the comparison covered the reports and packages" test "$(wc -l < "$TMP/a.sums")" -ge 15

# 3. a re-run replaces the outputs: a stale file of the old run is gone
echo stale > "$TMP/b/data/stale.csv"
echo keep > "$TMP/b/notes.txt"
$MINQING run --config samples/county.conf --period 2024-03 --out "$TMP/b" --quiet 2>/dev/null
check "re-run replaces data/ whole" test ! -e "$TMP/b/data/stale.csv"
check "re-run leaves other files in the folder alone" test -f "$TMP/b/notes.txt"
check "no staging folder left" test -z "$(ls -A "$TMP/b" | grep minqing.tmp)"

# 4. an interrupted run leaves the previous outputs intact and no temporary files
if [ -x "$BUILD/tools/gen_visits" ] || [ -x build/tools/gen_visits ]; then
	GEN=$([ -x "$BUILD/tools/gen_visits" ] && echo "$BUILD/tools/gen_visits" || echo build/tools/gen_visits)
	# long enough to be under way when signalled (the sanitizers' builds are slower)
	N=100000; [ -n "$SANITIZED" ] && N=30000
	$GEN --records $N --seed 3 --out "$TMP/big" > /dev/null
	REF="--registry $TMP/big/registry.csv --roster $TMP/big/roster.csv --assignments $TMP/big/assignments.csv"
	$MINQING run "$TMP/b/data/accepted.csv" $REF --period 2024-03 --as-of 2024-12-31 --out "$TMP/c" --quiet 2>/dev/null
	sums "$TMP/c" > "$TMP/c.before"
	for sig in INT TERM KILL; do
		$MINQING run "$TMP/big/visits.csv" $REF --period 2024 --as-of 2024-12-31 --out "$TMP/c" --quiet 2>/dev/null &
		pid=$!
		# the signal once the run is under way (its staging folder exists)
		i=0; while ! ls -A "$TMP/c" | grep -q minqing.tmp && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
		kill -$sig $pid 2>/dev/null
		wait $pid
		rc=$?
		check "run killed by SIG$sig did not finish normally (exit $rc)" test $rc -ne 0 -a $rc -ne 1
		sums "$TMP/c" > "$TMP/c.after"
		check "SIG$sig: the previous outputs are intact" cmp -s "$TMP/c.before" "$TMP/c.after"
		if [ $sig != KILL ]; then
			check "SIG$sig: no staging folder left" test -z "$(ls -A "$TMP/c" | grep minqing.tmp)"
		fi
		check "SIG$sig: no temporary file in data/" test -z "$(ls -A "$TMP/c/data" | grep '\.tmp\.')"
	done
	# the next run removes what the killed one left behind
	$MINQING run "$TMP/b/data/accepted.csv" $REF --period 2024-03 --as-of 2024-12-31 --out "$TMP/c" --quiet 2>/dev/null
	check "the next run cleans up after a killed one" test -z "$(ls -A "$TMP/c" | grep minqing.tmp)"
fi

# 5. exit statuses: usage errors 2, fatal errors 3 with nothing written
$MINQING run --period 2024-13 samples/visits_2024.csv --out "$TMP/d" 2> "$TMP/d.log"
check "a bad period is a usage error (2)" test $? -eq 2
$MINQING run --bogus samples/visits_2024.csv 2> /dev/null
check "an unknown option is a usage error (2)" test $? -eq 2
$MINQING run "$TMP/missing.csv" --period 2024 --out "$TMP/e" 2> "$TMP/e.log"
check "a missing input is fatal (3)" test $? -eq 3
check "the message names the file" grep -q 'missing.csv' "$TMP/e.log"
check "nothing half-written after a fatal error" test -z "$(find "$TMP/e" -type f 2>/dev/null)"
$MINQING run --config "$TMP/no-such.conf" --period 2024-03 --out "$TMP/e" 2> "$TMP/e.log"
check "a config file that cannot be read is fatal (3)" test $? -eq 3
check "the message names the config file and the cause" grep -q 'no-such.conf.*no such file or directory' "$TMP/e.log"
$MINQING run samples/visits_township3.xml --period 2024 --out "$TMP/f" --quiet 2>/dev/null
check "run without reference files works" test -s "$TMP/f/data/village_summary.csv"
finish

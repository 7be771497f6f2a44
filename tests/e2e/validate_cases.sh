#!/bin/sh
# End-to-end cases of `minqing validate`: one folder per case under
# tests/cases/ (see tests/cases/README). Each case is copied to a scratch
# folder, run there as
#   minqing validate <the files listed in `inputs`> <`args`> --out OUT
# and what it wrote is compared with the hand-written expectations:
# expected_status, expected_rejects.csv, expected_warnings.csv (five columns,
# as a multiset), expected_counts.csv (pairs that must be in counts.csv),
# and when present expected_accepted.csv (accepted.csv projected onto its
# columns), expected_messages.csv (record_id, text the message holds),
# forbidden_text (a line that must not occur anywhere under OUT),
# preexisting_out/ (copied into OUT first; a fatal run must leave it as it
# was, byte for byte, with no temporary file beside it).
# Usage: sh tests/e2e/validate_cases.sh [CASE...]
. tests/e2e/lib.sh
CASES=${MQ_CASES:-$(pwd)/tests/cases}
CMP=$(pwd)/tests/e2e/compare_rows.py
# compare DESCRIPTION MODE GOT EXPECTED: the comparer's diff follows the FAIL line
compare() {
	if python3 "$CMP" "$2" "$3" "$4" > "$TMP/cmp.out" 2>&1; then ok; else
		fail "$1"; cat "$TMP/cmp.out" >&2; fi
}
[ -x "$MINQING" ] || { fail "no minqing binary at $MINQING"; finish; exit 1; }

names=$*
[ -n "$names" ] || names=$(cd "$CASES" && for d in */; do echo "${d%/}"; done)

for name in $names; do
	src=$CASES/$name; work=$TMP/work/$name; out=$TMP/out/$name
	mkdir -p "$TMP/work" "$TMP/out" && cp -R "$src" "$work"
	sh "$CASES/make_gb18030.sh" "$work" || { fail "$name: make_gb18030.sh"; continue; }
	[ -d "$work/preexisting_out" ] && cp -R "$work/preexisting_out" "$out"
	inputs=$(cat "$work/inputs" 2>/dev/null)
	args=$(cat "$work/args" 2>/dev/null)
	# shellcheck disable=SC2086 # inputs and args are word lists on purpose
	(cd "$work" && exec timeout 20 "$MINQING" validate $inputs $args --out "$out") \
		> "$TMP/$name.log" 2>&1
	status=$?
	want=$(cat "$work/expected_status")
	# a sanitizer build exits 1 on a report, which some cases expect anyway
	if grep -qE 'Sanitizer|runtime error:' "$TMP/$name.log"; then
		fail "$name: sanitizer report"; grep -E -A12 'Sanitizer|runtime error:' "$TMP/$name.log" | head -30 >&2
		continue
	fi
	if [ "$status" -ne "$want" ]; then
		fail "$name: exit status $status, expected $want"
		sed 's/^/   | /' "$TMP/$name.log" | head -20 >&2
		continue
	fi
	ok
	if [ -f "$work/forbidden_text" ]; then
		check "$name: forbidden text absent from the out folder" \
			sh -c "! grep -rqF -f '$work/forbidden_text' '$out' 2>/dev/null"
	fi
	if [ "$want" -ge 2 ]; then
		if [ -d "$work/preexisting_out" ]; then
			if diff -r "$work/preexisting_out" "$out" > "$TMP/diff.out" 2>&1; then ok; else
				fail "$name: the previous outputs are untouched and nothing else is left"
				head -20 "$TMP/diff.out" >&2; fi
		else
			check "$name: no output file written" \
				sh -c "[ -z \"\$(find '$out' -type f 2>/dev/null)\" ]"
		fi
		continue
	fi
	for pair in rows:rejects rows:warnings counts:counts; do
		mode=${pair%%:*}; file=${pair#*:}
		compare "$name: data/$file.csv matches expected_$file.csv" \
			"$mode" "$out/data/$file.csv" "$work/expected_$file.csv"
	done
	[ -f "$work/expected_accepted.csv" ] &&
		compare "$name: data/accepted.csv matches expected_accepted.csv" \
			subset "$out/data/accepted.csv" "$work/expected_accepted.csv"
	[ -f "$work/expected_messages.csv" ] &&
		compare "$name: messages hold expected_messages.csv" \
			messages "$out/data/rejects.csv" "$work/expected_messages.csv"
	check "$name: no temporary file left" sh -c "[ -z \"\$(find '$out' -name '*.tmp*')\" ]"
done
finish

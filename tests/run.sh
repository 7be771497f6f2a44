#!/bin/sh
# Runs every unit test binary and every end-to-end script; prints one
# closing line "N passed, N failed" and exits non-zero when anything failed.
BUILD=${BUILD:-build}
MINQING=$(pwd)/$BUILD/minqing
export MINQING BUILD
pass=0; fail=0; failed=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t" > "$BUILD/$(basename "$t").log" 2>&1; then pass=$((pass+1)); else
		fail=$((fail+1)); failed="$failed $(basename "$t")"; tail -20 "$BUILD/$(basename "$t").log"; fi
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	[ "$t" = tests/e2e/lib.sh ] && continue # helpers, not a test
	name=$(basename "$t" .sh)
	if sh "$t" > "$BUILD/e2e_$name.log" 2>&1; then pass=$((pass+1)); else
		fail=$((fail+1)); failed="$failed $name"; tail -20 "$BUILD/e2e_$name.log"; fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

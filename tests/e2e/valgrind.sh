#!/bin/sh
# No leak and no invalid memory access under valgrind's memcheck, the
# --jobs children included (they end with _exit, so the sanitizer legs'
# leak check never looks at them): a month of the samples, run with two
# jobs, then rendered again with three. Normal leg only: a sanitized
# build cannot run under valgrind.
. tests/e2e/lib.sh

# runs "$@" under memcheck, shows the first errors it reports; its status
vg() {
	valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
		--trace-children=yes -q "$@" > "$TMP/vg.out" 2> "$TMP/vg.err"
	st=$?
	grep -E "definitely lost|indirectly lost|Invalid|uninitialised" "$TMP/vg.err" | head -5
	return $st
}
if [ -n "$SANITIZED" ]; then
	E2E_SKIP=$((E2E_SKIP + 2))
else
	vg "$MINQING" run --config samples/county.conf --period 2024-03 --out "$TMP/o" --jobs 2 --quiet
	st=$?
	check "run --jobs 2: no memcheck error (exit $st)" test $st -le 1
	vg "$MINQING" render --period 2024-03 --out "$TMP/o" --jobs 3 --quiet
	st=$?
	check "render --jobs 3: no memcheck error, children included (exit $st)" test $st -eq 0
fi
finish

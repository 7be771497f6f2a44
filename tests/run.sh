#!/bin/sh
# Runs every unit test binary and every end-to-end script, JOBS at a time
# (default 2, the cores CI has; each test works in its own mktemp folder),
# the slowest first so the two queues end together. Each test's output goes
# to $BUILD/<name>.log; a failed test's tail is printed. TESTS="names
# test_validate ..." runs only those (e2e script or unit binary names). The closing line is
# "N passed, N failed"; exits non-zero when anything failed.
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
# The scripts name the program and their files by paths made from $(pwd),
# not all of them quoted: a checkout whose path holds white space is
# tested through a link to it whose path holds none.
LINK=
case $(pwd) in *[[:space:]]*)
	LINK=$(mktemp -d "${TMPDIR:-/tmp}/mq_checkout.XXXXXX") && ln -s "$(pwd)" "$LINK/src" && cd "$LINK/src" ||
		{ echo "tests: cannot link the checkout without white space in its path"; exit 1; } ;;
esac
MINQING=$(pwd)/$BUILD/minqing
PATH=/usr/bin:/bin:$PATH # as tests/e2e/lib.sh: Debian's python3 first
export MINQING BUILD PATH
# slowest first (CPU seconds in the normal build); the rest in name order
SLOW="faults figures_example fonts messages inputs gen_visits progress identity_100k
      workbooks reports names render_engine archive_verify"
list() {
	for s in $SLOW; do [ -f "tests/e2e/$s.sh" ] && echo "tests/e2e/$s.sh"; done
	for t in tests/e2e/*.sh; do
		name=$(basename "$t" .sh)
		[ "$name" = lib ] && continue # helpers, not a test
		case " $(echo $SLOW) " in *" $name "*) continue ;; esac
		echo "$t"
	done
	for c in tests/unit/test_*.c; do echo "$BUILD/tests/$(basename "$c" .c)"; done
}
RES=$(mktemp -d "${TMPDIR:-/tmp}/mq_run.XXXXXX")
trap 'rm -rf "$RES"; [ -z "$LINK" ] || rm -rf "$LINK"' EXIT
export RES
if [ -n "${TESTS:-}" ]; then
	list | while read -r t; do
		for n in $TESTS; do [ "$(basename "$t" .sh)" = "$n" ] && echo "$t"; done
	done > "$RES/.list"
else
	list > "$RES/.list"
fi
xargs -P "$JOBS" -n 1 sh -c '
	t=$1
	start=$(date +%s)
	case $t in
	*.sh) name=e2e_$(basename "$t" .sh); sh "$t" > "$BUILD/$name.log" 2>&1 ;;
	*)    name=$(basename "$t"); "$t" > "$BUILD/$name.log" 2>&1 ;;
	esac
	echo $? > "$RES/$name"
	# wall seconds and the CPU seconds of the test and its children
	times > "$RES/.cpu.$name" # not in a pipe: a subshell has no children
	echo "$(( $(date +%s) - start )) $(sed -n 2p "$RES/.cpu.$name")" > "$RES/.time.$name"' sh < "$RES/.list"
pass=0; fail=0; failed=""
for r in "$RES"/*; do
	name=$(basename "$r")
	if [ "$(cat "$r")" = 0 ]; then pass=$((pass+1)); else
		fail=$((fail+1)); failed="$failed $name"
		echo "--- $name"; tail -20 "$BUILD/$name.log"; fi
done
ran=$((pass + fail))
want=$(wc -l < "$RES/.list")
[ "$ran" -eq "$want" ] || { fail=$((fail + want - ran)); failed="$failed (only $ran of $want ran)"; }
# the slowest tests, so a slow suite shows where its time goes
for f in "$RES"/.time.*; do
	read -r wall user sys < "$f"
	echo "$wall ${f##*/.time.} $user $sys"
done | sort -rn | head -8 | awk 'function s(t, p) { split(t, p, /[ms]/); return p[1] * 60 + p[2] }
	{ printf "slowest: %-24s %5ss wall, %6.1fs CPU\n", $2, $1, s($3) + s($4) }'
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

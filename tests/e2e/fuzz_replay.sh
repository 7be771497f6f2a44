#!/bin/sh
# Every seed of every fuzz corpus (tests/fuzz/corpus_NAME) once through its
# target, built with tests/fuzz/replay.c instead of libFuzzer: in the
# sanitizer legs of make check this runs each seed under ASan/UBSan.
. "$(dirname "$0")/lib.sh"
BUILD=${BUILD:-build}
export MINQING_TEMPLATES=${MINQING_TEMPLATES:-$(pwd)/templates}
n=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	corpus=tests/fuzz/corpus_${name#fuzz_}
	[ -d "$corpus" ] || continue
	n=$((n + 1))
	check "$name builds for replay" test -x "$BUILD/fuzz/$name"
	"$BUILD/fuzz/$name" "$corpus" > "$TMP/$name.log" 2>&1
	rc=$?
	check "$name replays its $(ls "$corpus" | wc -l) seeds" test $rc -eq 0
	[ $rc -eq 0 ] || tail -20 "$TMP/$name.log" >&2
done
check "there are corpora to replay" test $n -gt 0
finish

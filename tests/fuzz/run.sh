#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer target (clang, ASan +
# UBSan) linked with the library sources, then runs each one for
# FUZZ_SECONDS seconds on a copy of its seed corpus tests/fuzz/corpus_NAME/
# (the seeds stay untouched). Fails when a target fails to build or finds a
# crash, a leak or a sanitizer report; the reproducer is left in
# $BUILD/fuzz/crash-NAME-*. Run from the repository root (make fuzz does).
# Each input is written to a file in $TMPDIR first: TMPDIR=/dev/shm (a
# tmpfs) spares the disk, which otherwise slows the fuzzers by a fifth.
set -u
BUILD=${BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
CC=${FUZZ_CC:-clang}
OUT=$BUILD/fuzz
# the libraries and the version as the Makefile has them (one list)
PKGS=$(sed -n 's/^PKGS *:= *//p' Makefile)
VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
CFLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -Iinclude $(pkg-config --cflags $PKGS) -DMQ_VERSION=\"${VERSION:-0}\""
LIBS="$(pkg-config --libs $PKGS) -lcsv -lm -lpthread"
SAN="address,undefined"

die() { echo "fuzz: $*" >&2; exit 1; }
command -v "$CC" >/dev/null 2>&1 || die "$CC not found (make deps installs clang)"
mkdir -p "$OUT/obj" || die "cannot create $OUT"

# The library once, instrumented for coverage but without libFuzzer's main.
objs=""
for src in pipeline/*/*.c; do
	[ "$src" = pipeline/cli/main.c ] && continue
	obj="$OUT/obj/$(echo "${src#pipeline/}" | tr / _ | sed 's/\.c$//').o"
	"$CC" $CFLAGS -fsanitize=fuzzer-no-link,$SAN -c -o "$obj" "$src" || die "cannot compile $src"
	objs="$objs $obj"
done

status=0
ran=0
for target in tests/fuzz/fuzz_*.c; do
	[ -f "$target" ] || continue
	name=$(basename "$target" .c)
	short=${name#fuzz_}
	bin="$OUT/$name"
	"$CC" $CFLAGS -fsanitize=fuzzer,$SAN -o "$bin" "$target" $objs $LIBS || die "cannot build $target"
	work="$OUT/corpus_$short"
	rm -rf "$work"
	mkdir -p "$work"
	[ -d "tests/fuzz/corpus_$short" ] && cp -R "tests/fuzz/corpus_$short/." "$work/"
	dict=""
	[ -f "tests/fuzz/$short.dict" ] && dict="-dict=tests/fuzz/$short.dict"
	echo "fuzz: $name for ${FUZZ_SECONDS}s on $(ls "$work" | wc -l) seeds"
	MINQING_TEMPLATES=${MINQING_TEMPLATES:-$(pwd)/templates} \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$OUT/crash-$short-" $dict "$work" \
		> "$OUT/$name.log" 2>&1
	rc=$?
	ran=$((ran + 1))
	grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$OUT/$name.log" | sed "s/^/fuzz: $name: /"
	if [ $rc -ne 0 ]; then
		echo "fuzz: $name FAILED (exit $rc); log $OUT/$name.log" >&2
		tail -40 "$OUT/$name.log" >&2
		status=1
	else
		echo "fuzz: $name ok"
	fi
done
[ $ran -gt 0 ] || die "no tests/fuzz/fuzz_*.c targets"
exit $status

#!/bin/sh
# make check-arm64: the arm64 unit tests under qemu-user-static, then the
# samples run by the arm64 program and by this machine's: every CSV, PDF
# and ZIP must be byte-identical.
set -u
. tests/e2e/lib.sh
A=${ARM64_BUILD:?}
QEMU=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
[ -n "$QEMU" ] || { echo "check-arm64: no qemu-aarch64-static (make deps-arm64)"; exit 2; }
check "the arm64 program is an AArch64 ELF" sh -c "file -b '$A/minqing' | grep -q 'ARM aarch64'"
for t in "$A"/tests/test_*; do
	case $t in *.d) continue ;; esac
	"$QEMU" "$t" > "$TMP/$(basename "$t").log" 2>&1
	check "$(basename "$t") under qemu: $(tail -1 "$TMP/$(basename "$t").log")" test $? = 0
done
for p in 2024-03 2024; do
	"$QEMU" "$A/minqing" run --config samples/county.conf --period $p --out "$TMP/arm64-$p" --quiet
	check "arm64 run $p exits 1 (deliberate rejects)" test $? = 1
	"$BUILD/minqing" run --config samples/county.conf --period $p --out "$TMP/amd64-$p" --quiet
	check "every output of $p byte-identical to $(uname -m)" diff -r "$TMP/amd64-$p" "$TMP/arm64-$p"
	check "arm64 packages of $p verify" sh -c "'$QEMU' '$A/minqing' verify '$TMP'/arm64-$p/archive/*.zip > /dev/null"
done
finish

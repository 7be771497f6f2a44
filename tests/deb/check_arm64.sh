#!/bin/sh
# make check-arm64: the arm64 unit tests under qemu-user-static, then the
# samples run by the arm64 program and by this machine's: every CSV, PDF
# and ZIP must be byte-identical.
set -u
. tests/e2e/lib.sh
A=$(pwd)/${ARM64_BUILD:?}
# absolute paths: qemu-user answers readlink(/proc/self/exe) with the path it
# was given, which a relative one breaks after a chdir (the XSD search test)
QEMU=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
[ -n "$QEMU" ] || { echo "check-arm64: no qemu-aarch64-static (make deps-arm64)"; exit 2; }
check "the arm64 program is an AArch64 ELF" sh -c "file -b '$A/minqing' | grep -q 'ARM aarch64'"
for t in "$A"/tests/test_*; do
	case $t in *.d) continue ;; esac
	"$QEMU" "$t" > "$TMP/$(basename "$t").log" 2>&1
	check "$(basename "$t") under qemu: $(tail -1 "$TMP/$(basename "$t").log")" test $? = 0
done
for p in 2024-03 2024; do
	# build/arm64/minqing has no templates beside it: name them
	MINQING_TEMPLATES=$(pwd)/templates "$QEMU" "$A/minqing" run --config samples/county.conf --period $p \
		--out "$TMP/arm64-$p" --quiet
	check "arm64 run $p exits 1 (deliberate rejects)" test $? = 1
	"$BUILD/minqing" run --config samples/county.conf --period $p --out "$TMP/amd64-$p" --quiet
	check "every output of $p byte-identical to $(uname -m)" diff -r "$TMP/amd64-$p" "$TMP/arm64-$p"
	check "arm64 packages of $p verify" sh -c "'$QEMU' '$A/minqing' verify '$TMP'/arm64-$p/archive/*.zip > /dev/null"
done
# the arm64 package (make deb ARCH=arm64), unpacked: its program runs the
# demo from / with the templates it installs, and writes the same files
DEB=build/minqing_$(sed -n 's/^VERSION := //p' Makefile)_arm64.deb
if [ -f "$DEB" ]; then
	check "arm64 package: Architecture arm64" sh -c "dpkg-deb -f '$DEB' Architecture | grep -qx arm64"
	dpkg-deb -x "$DEB" "$TMP/root"
	(cd / && env -i PATH=/usr/bin:/bin HOME="$TMP" "$QEMU" "$TMP/root/usr/bin/minqing" run \
		--config "$TMP/root/usr/share/doc/minqing/examples/county.conf" --period 2024-03 \
		--out "$TMP/deb-2024-03" --quiet)
	check "the packaged arm64 program runs the demo from /" test $? = 1
	# the same inputs and rubric by the same paths (run.txt and the reports name them)
	MINQING_TEMPLATES=$TMP/root/usr/share/minqing/templates "$BUILD/minqing" run --config "$TMP/root/usr/share/doc/minqing/examples/county.conf" --period 2024-03 \
		--out "$TMP/deb-amd64-2024-03" --quiet
	check "… byte-identical to $(uname -m)" diff -r "$TMP/deb-amd64-2024-03" "$TMP/deb-2024-03"
	check "lintian: no error on the arm64 package" sh -c "! lintian '$DEB' 2>&1 | grep -q '^E:'"
else
	echo "check-arm64: no $DEB (make deb ARCH=arm64): the package itself is not checked"
fi
finish

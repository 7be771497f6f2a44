#!/bin/sh
# make install into a staging root (DESTDIR, PREFIX=/usr as the .deb does):
# the program runs the example from / with the installed templates only,
# and make uninstall removes every file it installed.
set -u
. tests/e2e/lib.sh
BUILD=${BUILD:-build}
ROOT=$TMP/root
check "make install" make -s --no-print-directory install BUILD="$BUILD" PREFIX=/usr DESTDIR="$ROOT"
for f in bin/minqing share/minqing/templates/rubric.xml share/minqing/templates/visits.xsd \
	 share/minqing/templates/monthly_summary.xml share/doc/minqing/examples/county.conf \
	 share/doc/minqing/examples/visits_2024.csv share/doc/minqing/examples/next_steps/东岗乡_2024-03.txt; do
	check "installed /usr/$f" test -f "$ROOT/usr/$f"
done
mkdir -p "$TMP/home"
(cd / && env -i PATH=/usr/bin:/bin HOME="$TMP/home" "$ROOT/usr/bin/minqing" run \
	--config "$ROOT/usr/share/doc/minqing/examples/county.conf" --period 2024-03 --out "$TMP/out" \
	> "$TMP/run.out" 2> "$TMP/run.err")
rc=$?
check "run from / with the installed files exits 1 (deliberate rejects), not $rc" test "$rc" = 1
check "the township summaries are written" sh -c "ls '$TMP/out/reports' | grep -q '柳林镇_2024年03月_工作小结.pdf'"
check "the packages are written" sh -c "ls '$TMP/out/archive' | grep -q '档案包.zip'"
check "make uninstall" make -s --no-print-directory uninstall PREFIX=/usr DESTDIR="$ROOT"
check "make uninstall leaves no file" test -z "$(find "$ROOT" ! -type d)"
finish

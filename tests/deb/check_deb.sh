#!/bin/sh
# make check-deb: installs build/minqing_VERSION_ARCH.deb with dpkg -i (root),
# runs the demo from / with nothing but the installed files, checks the man
# pages, completion and help, then dpkg -r and checks that no file of the
# package is left. Changes the system, so it is not part of make check.
set -u
. tests/e2e/lib.sh
DEB=${DEB:?DEB=path/to/minqing_VERSION_ARCH.deb}
[ "$(id -u)" = 0 ] || { echo "check-deb: needs root (dpkg -i)"; exit 2; }

# the package's version is the Makefile's and debian/changelog's
version=$(sed -n 's/^VERSION := //p' Makefile)
check "debian/changelog has version $version" \
	sh -c "dpkg-parsechangelog -SVersion | grep -qx '$version'"
check "control: version" sh -c "dpkg-deb -f '$DEB' Version | grep -qx '$version'"
# Depends: the libraries dpkg-shlibdeps found and the fonts of the default roles
deps=$(dpkg-deb -f "$DEB" Depends)
for p in libc6 libxml2 libminizip1 libssl3 zlib1g libdeflate0 libcsv3 libharfbuzz-subset0 libfontconfig1 libxlsxwriter libfreexl1 libutf8proc2 fonts-noto-cjk fonts-hanazono fonts-arphic-ukai icc-profiles-free; do
	check "Depends names $p" sh -c "echo '$deps' | grep -q '$p'"
done
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^$' > "$TMP/files"
for f in /usr/bin/minqing /usr/share/minqing/templates/rubric.xml /usr/share/minqing/templates/monthly_summary.xml \
	 /usr/share/doc/minqing/examples/county.conf /usr/share/doc/minqing/examples/visits_2024.csv \
	 /usr/share/doc/minqing/copyright /usr/share/man/man1/minqing.1.gz /usr/share/man/zh_CN/man1/minqing.1.gz \
	 /usr/share/bash-completion/completions/minqing; do
	check "package holds $f" grep -qx "$f" "$TMP/files"
done
check "lintian: no error" sh -c "lintian '$DEB' > '$TMP/lintian' 2>&1; ! grep -q '^E:' '$TMP/lintian'"
grep '^[EW]:' "$TMP/lintian"

dpkg -r minqing > /dev/null 2>&1
check "dpkg -i" dpkg -i "$DEB"
# from /, a clean environment: no checkout, no MINQING_TEMPLATES
mq() { (cd / && env -i PATH=/usr/bin:/bin HOME="$TMP/home" "$@"); }
mkdir -p "$TMP/home"
check "minqing --version" sh -c "cd / && minqing --version | grep -qx 'minqing $version'"
mq minqing run --config /usr/share/doc/minqing/examples/county.conf --period 2024-03 \
	--out "$TMP/out" > "$TMP/run.out" 2> "$TMP/run.err"
rc=$?
check "demo from / exits 1 (the samples hold deliberate rejects), not $rc" test "$rc" = 1
check "demo wrote the township summaries" sh -c "ls '$TMP/out/reports/' | grep -q '工作小结.pdf'"
check "demo wrote the data-quality report" sh -c "ls '$TMP/out/reports/' | grep -q '数据质量报告.pdf'"
check "demo wrote packages that verify" mq sh -c "minqing verify '$TMP'/out/archive/*.zip > /dev/null"
# the same figures as the checkout's program writes
if [ -x "$BUILD/minqing" ]; then
	"$BUILD/minqing" run --config samples/county.conf --period 2024-03 --out "$TMP/ref" > /dev/null 2>&1
	for f in accepted rejects village_summary township_summary assessment; do
		check "installed $f.csv equals the checkout's" cmp -s "$TMP/out/data/$f.csv" "$TMP/ref/data/$f.csv"
	done
fi
check "man minqing finds the page" mq man -w minqing
check "man -L zh_CN minqing finds the Chinese page" sh -c "cd / && man -w -L zh_CN minqing | grep -q zh_CN"
check "minqing run --help exits 0" mq sh -c "minqing run --help > /dev/null"
check "minqing templates finds the installed templates" mq sh -c \
	"minqing templates | grep -q 'rubric.xml  */usr/share/minqing/templates/rubric.xml\$'"
check "the man page names the installed templates and examples" mq sh -c \
	"zcat \$(man -w minqing) | grep -q /usr/share/minqing/templates && zcat \$(man -w minqing) | grep -q /usr/share/doc/minqing/examples"
check "bash completes minqing's commands" mq bash -c \
	". /usr/share/bash-completion/bash_completion; COMP_WORDS=(minqing ru); COMP_CWORD=1; COMP_LINE='minqing ru'; COMP_POINT=10;
	 _comp_load minqing 2>/dev/null || __load_completion minqing; f=\$(complete -p minqing | sed 's/.*-F \([^ ]*\).*/\1/');
	 [ -n \"\$f\" ] && \$f minqing ru minqing; printf '%s\n' \"\${COMPREPLY[@]}\" | grep -qx run"

check "dpkg -r" sh -c "dpkg -r minqing > /dev/null"
left=0
while read -r f; do
	[ -e "$f" ] || continue
	case "$f" in /usr|/usr/bin|/usr/share|/usr/share/doc|/usr/share/man|/usr/share/man/*man1|/usr/share/man/zh_CN|/usr/share/bash-completion*) continue ;; esac
	echo "left behind: $f"; left=1
done < "$TMP/files"
check "dpkg -r leaves no file of the package" test "$left" = 0
check "dpkg knows no minqing" sh -c "! dpkg-query -W -f='\${Status}' minqing 2>/dev/null | grep -q installed"
finish

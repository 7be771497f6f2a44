#!/bin/sh
# Fonts: a householder whose name holds 𠀀 (U+20000, CJK Extension B) goes
# through validate, aggregate and render, and the ledger prints the name
# (pdftotext gives it back) from the HanaMinA fallback with no warning;
# fonts named by family and style in a template, a fallback chain of a
# template's own, and a missing family's error (exit 3, the template's
# line, the installed Chinese families, what to install); the report is
# PDF/A-2b (check_pdfa.py) and byte-identical when rendered again; the
# GB/T 9704 example template with and without a 仿宋_GB2312 installed.
. tests/e2e/lib.sh
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
TOOL=$BUILD/tools/render_sample
XSD=templates/template.xsd
S=samples
D=$TMP/rare

# 1. 蔡永祥 of household H0301018 becomes 蔡𠀀祥 in every record
sed 's/蔡永祥/蔡𠀀祥/g' $S/visits_township3.xml > "$TMP/visits.xml"
check "the sample names the householder" grep -q '蔡𠀀祥' "$TMP/visits.xml"
"$MINQING" validate "$TMP/visits.xml" --registry $S/registry.csv --roster $S/roster.csv \
	--as-of 2024-12-31 --out "$D" --quiet
check "validate accepts the name (exit 0 or 1)" [ $? -le 1 ]
check "accepted.csv keeps the name" grep -q '蔡𠀀祥' "$D/data/accepted.csv"
check "aggregate" "$MINQING" aggregate --period 2024 --registry $S/registry.csv --roster $S/roster.csv \
	--assignments $S/assignments.csv --as-of 2024-12-31 --out "$D" --quiet
"$MINQING" render --period 2024 --out "$D" --next-steps $S/next_steps > "$TMP/render.out" 2> "$TMP/render.err"
check "render" [ $? -le 1 ]
L="$D/reports/东岗乡_东岗村_2024年_台账.pdf"
check "the ledger of 东岗村" test -s "$L"
pdftotext "$L" "$TMP/l.txt" 2> "$TMP/l.err"
check "pdftotext gives 蔡𠀀祥 back" grep -q '蔡𠀀祥' "$TMP/l.txt"
check "no [U+20000] substitute" sh -c "! grep -q 'U+20000' '$TMP/l.txt'"
check "no warning about U+20000" sh -c "! grep -q 'U+20000' '$TMP/render.err' '$TMP/render.out'"
check "HanaMinA embedded for it" sh -c "pdffonts '$L' 2>/dev/null | grep -q '+HanaMinA .*yes *yes *yes'"
check "𠀀 drawn from a glyph, ToUnicode complete" /usr/bin/python3 "$HERE/check_fonts.py" --glyphs '蔡𠀀祥' "$L"
check "the ledger is PDF/A-2b" /usr/bin/python3 "$HERE/check_pdfa.py" "$L"
cp "$L" "$TMP/first.pdf"
"$MINQING" render --period 2024 --out "$D" --next-steps $S/next_steps --quiet > /dev/null 2>&1
check "rendered again: byte-identical" cmp -s "$L" "$TMP/first.pdf"

# 2. fonts by family and style, by file and face, and a chain of the
# template's own: what UMing lacks comes from its first fallback that has it
cat > "$TMP/named.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<template title="字体">
  <fonts>
    <font role="song" family="AR PL UMing CN" style="Light" package="fonts-arphic-uming">
      <fallback family="HanaMinB" package="fonts-hanazono"/>
      <fallback family="HanaMinA" package="fonts-hanazono"/>
    </font>
    <font role="hei" family="Noto Sans CJK SC" style="Bold"/>
    <font role="biaosong" file="/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc" face="2"/>
  </fonts>
  <body>
    <title>标题</title>
    <heading level="1">民情日记</heading>
    <p>户主蔡𠀀祥</p>
  </body>
</template>
XML
check "named fonts render" "$TOOL" --date 2024-03-31 --xsd $XSD "$TMP/named.xml" "$TMP/named.pdf"
pdffonts "$TMP/named.pdf" > "$TMP/named.fonts" 2>&1
check "song by family: AR PL UMing" grep -q '+UMingCN' "$TMP/named.fonts"
check "hei by family and style: Noto Sans CJK SC Bold" grep -q '+NotoSansCJKsc-Bold' "$TMP/named.fonts"
check "biaosong by file and face" grep -q '+NotoSerifCJKsc-Regular' "$TMP/named.fonts"
check "𠀀 from the first fallback that has it (HanaMinB)" grep -q '+HanaMinB' "$TMP/named.fonts"
check "named: text back" sh -c "pdftotext '$TMP/named.pdf' - | grep -q '户主蔡𠀀祥'"
check "named: fonts valid" /usr/bin/python3 "$HERE/check_fonts.py" --glyphs '标题民情日记户主蔡𠀀祥' "$TMP/named.pdf"

# 3. a family that is not installed: exit 3, file:line, what there is
cat > "$TMP/missing.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<template title="字体">
  <fonts>
    <font role="song" family="FangSong_GB2312"/>
  </fonts>
  <body><p>正文</p></body>
</template>
XML
"$TOOL" --date 2024-03-31 --xsd $XSD "$TMP/missing.xml" "$TMP/missing.pdf" > /dev/null 2> "$TMP/missing.err"
check "missing family: exit 3" [ $? -eq 3 ]
check "missing family: file and line" grep -q 'missing.xml:4' "$TMP/missing.err"
check "missing family: named, with what to do" grep -q 'FangSong_GB2312.*fc-cache' "$TMP/missing.err"
check "missing family: the installed Chinese families listed" grep -q 'Noto Serif CJK SC' "$TMP/missing.err"
check "missing family: no output" test ! -e "$TMP/missing.pdf"
sed 's/family="FangSong_GB2312"/family="Noto Serif CJK XX" package="fonts-noto-cjk-extra"/' "$TMP/missing.xml" > "$TMP/pkg.xml"
"$TOOL" --date 2024-03-31 --xsd $XSD "$TMP/pkg.xml" "$TMP/pkg.pdf" > /dev/null 2> "$TMP/pkg.err"
check "missing family: the Debian package named" grep -q 'fonts-noto-cjk-extra' "$TMP/pkg.err"

# 4. samples/gbt9704_fonts.xml: without the Windows fonts (optional) the
# free ones stand in; with a 仿宋_GB2312 installed (here AR PL UKai under
# that name, through a fontconfig configuration of the test's own) the
# body is drawn with it
check "GB/T 9704 sample renders" "$TOOL" --date 2024-03-31 --xsd $XSD $S/gbt9704_fonts.xml "$TMP/g.pdf"
pdffonts "$TMP/g.pdf" > "$TMP/g.fonts" 2>&1
check "sample: body in Noto Serif CJK SC when no 仿宋 is installed" grep -q '+NotoSerifCJKsc-Regular' "$TMP/g.fonts"
check "sample: text back" sh -c "pdftotext '$TMP/g.pdf' - | grep -q '蔡𠀀祥'"
mkdir -p "$TMP/fc/fonts"
cp /usr/share/fonts/truetype/arphic/ukai.ttc "$TMP/fc/fonts/fangsong.ttc"
cat > "$TMP/fc/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$TMP/fc/fonts</dir>
  <cachedir>$TMP/fc/cache</cachedir>
  <match target="scan">
    <test name="file"><string>$TMP/fc/fonts/fangsong.ttc</string></test>
    <edit name="family" mode="assign" binding="same"><string>FangSong_GB2312</string><string>仿宋_GB2312</string></edit>
  </match>
</fontconfig>
CONF
check "an installed 仿宋_GB2312 is found by name" sh -c "FONTCONFIG_FILE='$TMP/fc/fonts.conf' fc-list | grep -q '仿宋_GB2312'"
check "GB/T 9704 sample renders with 仿宋_GB2312" env FONTCONFIG_FILE="$TMP/fc/fonts.conf" \
	"$TOOL" --date 2024-03-31 --xsd $XSD $S/gbt9704_fonts.xml "$TMP/g2.pdf"
pdffonts "$TMP/g2.pdf" > "$TMP/g2.fonts" 2>&1
check "sample: the body in 仿宋_GB2312, Noto Serif CJK SC Regular no more" \
	sh -c "! grep -q '+NotoSerifCJKsc-Regular' '$TMP/g2.fonts' && test \$(grep -c '+UKaiCN' '$TMP/g2.fonts') -eq 2"
check "sample: text back with 仿宋_GB2312" sh -c "pdftotext '$TMP/g2.pdf' - | grep -q '户主姓名中的生僻字'"
finish

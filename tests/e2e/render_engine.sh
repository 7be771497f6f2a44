#!/bin/sh
# End-to-end test of the PDF layout engine through build/tools/render_sample:
# a 1,000-row table (every row exactly once, header on every page), clean
# qpdf/pdffonts/pdftotext/mutool output, byte-identical re-renders, a
# template error with file:line, U+20BB7 reported and substituted, and
# documents of many pages: every page, bookmark and footer, and a page tree
# three levels deep; the embedded fonts hb-subset programs with complete
# ToUnicode maps (check_fonts.py), the default Noto CJK fonts, rare
# characters of names drawn from the HanaMin fallbacks, pinyin whose glyphs
# are composites of composites drawn whole; two roles naming one font file
# share one font holding the characters of both.
. tests/e2e/lib.sh
BUILD=${BUILD:-build}
TOOL=$BUILD/tools/render_sample
XSD=templates/template.xsd

cat > "$TMP/rows.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<template title="走访台账">
  <header center="{title}"/>
  <body>
    <title>走访台账</title>
    <heading level="1" number="auto">各村走访明细</heading>
    <table data="villages">
      <column field="id" header="编号" width="1.2"/>
      <column field="township" header="乡镇" width="1.2"/>
      <column field="village" header="村名" width="1"/>
      <column field="cadre" header="驻村干部" width="1.1"/>
      <column field="visits" header="走访次数" width="1" format="int"/>
      <column field="note" header="主要诉求" width="3"/>
      <when test="quota_met = 0" style="alert"/>
    </table>
  </body>
</template>
XML

# 1. 1,000 rows: each id exactly once, the header row on every page
check "render 1000 rows" "$TOOL" --rows 1000 --date 2024-03-31 --xsd $XSD "$TMP/rows.xml" "$TMP/a.pdf"
pages=$(pdfinfo "$TMP/a.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
check "several pages" test "${pages:-0}" -ge 10
pdftotext -layout "$TMP/a.pdf" "$TMP/a.txt" 2> "$TMP/a.err"
check "pdftotext silent" test ! -s "$TMP/a.err"
grep -o 'MQ-[0-9]\{5\}' "$TMP/a.txt" | sort | uniq -c > "$TMP/ids"
check "1000 distinct ids" test "$(wc -l < "$TMP/ids")" -eq 1000
check "each id exactly once" test "$(awk '$1 != 1' "$TMP/ids" | wc -l)" -eq 0
check "first and last rows" grep -q 'MQ-01000' "$TMP/a.txt"
heads=$(grep -c '编号.*乡镇.*村名.*驻村干部.*走访次数.*主要诉求' "$TMP/a.txt")
check "header row on each of $pages pages (found $heads)" test "$heads" -eq "$pages"
check "page X of Y on the last page" grep -q "第 $pages 页 共 $pages 页" "$TMP/a.txt"

# 2. structure, fonts, no reader warnings (mutool prints its own progress
# lines and, in this build, an ICC notice that is not about the file)
check "qpdf --check" qpdf --check "$TMP/a.pdf" > /dev/null
pdffonts "$TMP/a.pdf" > "$TMP/fonts" 2>&1
check "three fonts listed (title, heading, body)" test "$(tail -n +3 "$TMP/fonts" | wc -l)" -eq 3
check "every font embedded and subset" test "$(tail -n +3 "$TMP/fonts" | awk '$(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes"' | wc -l)" -eq 0
mutool draw -F txt -o "$TMP/m.txt" "$TMP/a.pdf" 2> "$TMP/m.err"
check "mutool silent" test "$(grep -v -e 'ICC support is not available' -e '^page ' "$TMP/m.err" | wc -l)" -eq 0
check "mutool extracts Chinese" grep -q '各村走访明细' "$TMP/m.txt"
check "mutool extracts every row" test "$(grep -o 'MQ-[0-9]\{5\}' "$TMP/m.txt" | sort -u | wc -l)" -eq 1000
check "no begincidrange ToUnicode" sh -c "! qpdf --qdf --object-streams=disable '$TMP/a.pdf' - | grep -a -q begincidrange"
# font programs: hb-subset CFF programs holding every glyph drawn, W and
# ToUnicode for exactly the codes shown; the default Noto CJK faces
check_normal "font programs subset and valid" /usr/bin/python3 tests/e2e/check_fonts.py --glyphs '各村走访明细编号乡镇第页共' \
	--fonts NotoSerifCJKsc-Bold,NotoSansCJKsc-Regular,NotoSerifCJKsc-Regular "$TMP/a.pdf"
# 34 pages with the whole font programs were 590 KB
check "34 pages under 250 KB ($(wc -c < "$TMP/a.pdf") bytes)" test "$(wc -c < "$TMP/a.pdf")" -lt 250000

# 3. byte-identical re-render, with --date and with SOURCE_DATE_EPOCH
check "second render" "$TOOL" --rows 1000 --date 2024-03-31 --xsd $XSD "$TMP/rows.xml" "$TMP/b.pdf"
check "byte-identical" cmp -s "$TMP/a.pdf" "$TMP/b.pdf"
SOURCE_DATE_EPOCH=1711843200 "$TOOL" --rows 50 --xsd $XSD "$TMP/rows.xml" "$TMP/e1.pdf" > /dev/null
SOURCE_DATE_EPOCH=1711843200 "$TOOL" --rows 50 --xsd $XSD "$TMP/rows.xml" "$TMP/e2.pdf" > /dev/null
check "SOURCE_DATE_EPOCH byte-identical" cmp -s "$TMP/e1.pdf" "$TMP/e2.pdf"
check "creation date from SOURCE_DATE_EPOCH" sh -c "pdfinfo '$TMP/e1.pdf' | grep -q 'CreationDate:.*Mar 31 00:00:00 2024'"

# 4. a template error names file and line
printf '<?xml version="1.0"?>\n<template>\n  <body>\n    <p>x</p>\n    <tabel data="x"/>\n  </body>\n</template>\n' > "$TMP/bad.xml"
"$TOOL" --xsd $XSD "$TMP/bad.xml" "$TMP/bad.pdf" > /dev/null 2> "$TMP/bad.err"
check "bad template fails with 3" test $? -eq 3
check "error names file:line" grep -q "bad.xml:5:" "$TMP/bad.err"
check "no half-written output" test ! -e "$TMP/bad.pdf"

# 5. characters outside the BMP: 𠮷 (in Noto) and 𠀀 (Extension B, from
# the HanaMinA fallback) print; 𰀀 (Extension G, in no font) is reported
# and drawn visibly as [U+30000]
"$TOOL" --rows 5 --rare --date 2024-03-31 --xsd $XSD "$TMP/rows.xml" "$TMP/r.pdf" > "$TMP/r.out" 2> "$TMP/r.err"
check "warning counted" grep -q 'warnings=1' "$TMP/r.out"
check "warning names set, row, field, code point" grep -q 'U+30000.*"villages" row 2 field "cadre"' "$TMP/r.err"
check "no warning for what a fallback prints" sh -c "! grep -q -e 'U+20000' -e 'U+20BB7' '$TMP/r.err'"
pdftotext "$TMP/r.pdf" - 2>/dev/null | tr -d '\n' > "$TMP/r.txt"
check "rare characters printed, the missing one substituted" grep -q '吉𠮷𠀀\[U+30000\]祥' "$TMP/r.txt"
check_normal "rare: fonts subset and valid, 𠀀 drawn" /usr/bin/python3 tests/e2e/check_fonts.py --glyphs '吉祥𠮷𠀀' "$TMP/r.pdf"
check "rare: HanaMinA embedded" sh -c "pdffonts '$TMP/r.pdf' 2>/dev/null | grep -q '+HanaMinA .*yes *yes *yes'"

# 6. the sample template: bar chart, bookmarks, page X of Y, document info
check "sample renders" "$TOOL" --rows 60 --date 2024-03-31 templates/sample_report.xml "$TMP/s.pdf"
pdftotext "$TMP/s.pdf" "$TMP/s.txt" 2> "$TMP/s.err"
check "sample pdftotext silent" test ! -s "$TMP/s.err"
check "sample total with separators" grep -q '走访群众1,' "$TMP/s.txt"
check "sample date format" grep -q '2024年3月31日' "$TMP/s.txt"
mutool show "$TMP/s.pdf" outline > "$TMP/outline" 2>/dev/null
check "bookmark per heading" grep -q '一、总体情况' "$TMP/outline"
check "bookmark per each section" grep -q '柳树湾乡' "$TMP/outline"
pdfinfo "$TMP/s.pdf" > "$TMP/info" 2>&1
check "info title in Chinese" grep -q 'Title: *清河县城关镇人民政府2024年3月民情日记工作小结' "$TMP/info"
check "info author" grep -q 'Author: *清河县城关镇人民政府' "$TMP/info"
check "info creator" grep -q 'Creator: *minqing ' "$TMP/info"
check_normal "PDF/A-2b structure (XMP = info, output intent, fonts, /ID)" /usr/bin/python3 tests/e2e/check_pdfa.py "$TMP/s.pdf" "$TMP/a.pdf" "$TMP/r.pdf"

# 6b. a table filtered by its outer row (where="township = {township}",
# as the assessment's items under each cadre): under each township's
# heading its own villages only, every village once in all
cat > "$TMP/nested.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<template title="分乡镇村表">
  <body>
    <each data="townships">
      <heading level="2" bookmark="false">乡镇：{township}</heading>
      <table data="villages" where="township = {township}">
        <column field="id" header="编号" width="1"/>
        <column field="township" header="所属乡镇" width="1"/>
      </table>
    </each>
  </body>
</template>
XML
check "nested filter renders" "$TOOL" --rows 400 --townships 7 --date 2024-03-31 --xsd $XSD "$TMP/nested.xml" "$TMP/n.pdf"
pdftotext -layout "$TMP/n.pdf" "$TMP/n.txt" 2>/dev/null
awk '/乡镇：/ { sub(/.*乡镇：/, ""); town = $1; next }
     /MQ-[0-9]+/ { for (i = 1; i < NF; i++) if ($i ~ /^MQ-[0-9]+$/) print $i, ($(i + 1) == town ? "same" : "other") }' \
	"$TMP/n.txt" > "$TMP/n.rows"
check "nested filter: 400 rows, each once" test "$(cut -d' ' -f1 "$TMP/n.rows" | sort -u | wc -l)" -eq 400 -a "$(wc -l < "$TMP/n.rows")" -eq 400
check "nested filter: each row under its own township" test "$(grep -c ' same$' "$TMP/n.rows")" -eq 400
# the rows come round-robin by township, so each township's are spread
# over the set: under each heading they keep the set's order
awk '/乡镇：/ { last = 0; next } /MQ-[0-9]+/ { for (i = 1; i <= NF; i++) if ($i ~ /^MQ-[0-9]+$/) {
	n = substr($i, 4) + 0; if (n <= last) bad++; last = n } } END { exit bad }' "$TMP/n.txt"
check "nested filter: each township's rows in the set's order" test $? -eq 0
# the same filter on <each>, and a value no row has
sed -e 's|<table data="villages" where="township = {township}">|<each data="villages" where="township = {township}"><p>{id} {township}</p></each><table data="villages" where="township = 无此乡{township}">|' \
	"$TMP/nested.xml" > "$TMP/nested_each.xml"
check "nested filter on each renders" "$TOOL" --rows 400 --townships 7 --date 2024-03-31 --xsd $XSD "$TMP/nested_each.xml" "$TMP/ne.pdf"
pdftotext -layout "$TMP/ne.pdf" "$TMP/ne.txt" 2>/dev/null
awk '/乡镇：/ { sub(/.*乡镇：/, ""); town = $1; next }
     /MQ-[0-9]+/ { for (i = 1; i < NF; i++) if ($i ~ /MQ-[0-9]+$/) print $i, ($(i + 1) == town ? "same" : "other") }' \
	"$TMP/ne.txt" > "$TMP/ne.rows"
check "nested filter on each: 400 rows, each once, under its own township" \
	test "$(sort -u "$TMP/ne.rows" | wc -l)" -eq 400 -a "$(grep -c ' same$' "$TMP/ne.rows")" -eq 400

# 7. 300 one-section pages (bench_layout's document): every section once,
# a footer on each page, a bookmark per section on its own page and one per
# heading beneath it, the page tree spread over several nodes
check "render 300 pages" "$TOOL" --rows 300 --townships 10 --date 2024-03-31 --xsd $XSD tests/templates/one_section_pages.xml "$TMP/p.pdf"
check "300 pages: qpdf --check" qpdf --check "$TMP/p.pdf" > /dev/null
check "300 pages in the page tree" test "$(qpdf --show-npages "$TMP/p.pdf" 2>/dev/null)" = 300
pdftotext "$TMP/p.pdf" "$TMP/p.txt" 2> "$TMP/p.err"
check "300 pages: pdftotext silent" test ! -s "$TMP/p.err"
grep -o 'MQ-[0-9]\{5\} [^ ]*走访情况' "$TMP/p.txt" | sort | uniq -c > "$TMP/p.heads"
check "300 distinct section headings" test "$(wc -l < "$TMP/p.heads")" -eq 300
check "each section heading once" test "$(awk '$1 != 1' "$TMP/p.heads" | wc -l)" -eq 0
check "a footer on each of 300 pages" test "$(grep -c '^第 [0-9]* 页 共 300 页$' "$TMP/p.txt")" -eq 300
check "page 300 of 300" grep -q '第 300 页 共 300 页' "$TMP/p.txt"
pdffonts "$TMP/p.pdf" > "$TMP/p.fonts" 2>&1
check "300 pages: fonts embedded, subset, with ToUnicode" test "$(tail -n +3 "$TMP/p.fonts" | awk '$(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes"' | wc -l)" -eq "$(tail -n +3 "$TMP/p.fonts" | wc -l)"
check_normal "300 pages: font programs subset and valid" /usr/bin/python3 tests/e2e/check_fonts.py "$TMP/p.pdf"
mutool show "$TMP/p.pdf" outline > "$TMP/p.outline" 2>/dev/null
check "300 section bookmarks" test "$(grep -c '^[-+|]	"MQ-' "$TMP/p.outline")" -eq 300
check "300 heading bookmarks beneath them" test "$(grep -c '^[-+|]		"MQ-.*走访情况"' "$TMP/p.outline")" -eq 300
check "each section bookmark points at its page" test "$(awk -F'\t' '/^[-+|]\t"MQ-/ {
	split($3, a, "[=&]"); if (a[2] != substr($2, 5, 5) + 0) bad++ } END { print bad + 0 }' "$TMP/p.outline")" -eq 0
check "second 300-page render" "$TOOL" --rows 300 --townships 10 --date 2024-03-31 --xsd $XSD tests/templates/one_section_pages.xml "$TMP/p2.pdf"
check "300 pages byte-identical" cmp -s "$TMP/p.pdf" "$TMP/p2.pdf"

# 8. more than 128 x 128 pages: the page tree has three levels; readers
# find the last pages through it (mutool walks the nodes' /Count)
check "render 16500 pages" "$TOOL" --rows 16500 --townships 2 --date 2024-03-31 --xsd $XSD tests/templates/one_section_pages.xml "$TMP/d.pdf"
check "16500 pages in the page tree" test "$(qpdf --show-npages "$TMP/d.pdf" 2>/dev/null)" = 16500
pdftotext -f 16500 -l 16500 "$TMP/d.pdf" "$TMP/d.txt" 2> "$TMP/d.err"
check "page 16500 of 16500 (pdftotext)" grep -q '第 16500 页 共 16500 页' "$TMP/d.txt"
check "page 16500 holds section MQ-16500" grep -q 'MQ-16500' "$TMP/d.txt"
check "pdftotext silent on page 16500" test ! -s "$TMP/d.err"
mutool draw -F txt -o "$TMP/d.m.txt" "$TMP/d.pdf" 16385,16500 2>/dev/null
check "pages 16385 and 16500 (mutool)" sh -c "grep -q 'MQ-16385' '$TMP/d.m.txt' && grep -q '第 16500 页 共 16500 页' '$TMP/d.m.txt'"

# 9. pinyin: ǖ is ü and a macron, ü is u and a dieresis (composites of
# composites, in the Song and the Kai font); every component is embedded
cat > "$TMP/pinyin.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<template title="拼音">
  <body>
    <p>绿lǜ 女nǚ 驴lǘ 吕lǚ ǖ</p>
    <p style="note">绿lǜ 女nǚ 驴lǘ 吕lǚ ǖ</p>
  </body>
</template>
XML
check "pinyin renders" "$TOOL" --date 2024-03-31 --xsd $XSD "$TMP/pinyin.xml" "$TMP/py.pdf"
check_normal "pinyin: composites and their components embedded" /usr/bin/python3 tests/e2e/check_fonts.py --glyphs 'ǖǘǚǜ绿' "$TMP/py.pdf"
pdftotext "$TMP/py.pdf" "$TMP/py.txt" 2> "$TMP/py.err"
check "pinyin: pdftotext silent" test ! -s "$TMP/py.err"
check "pinyin text in both fonts" test "$(grep -c '绿lǜ 女nǚ 驴lǘ 吕lǚ ǖ' "$TMP/py.txt")" -eq 2
check "pinyin: Song and Kai embedded, subset, with ToUnicode" test "$(pdffonts "$TMP/py.pdf" 2>/dev/null | tail -n +3 | awk '$(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes"' | wc -l)" -eq 2
mutool draw -o "$TMP/py.png" -r 72 "$TMP/py.pdf" 2> "$TMP/py.merr"
check "pinyin: mutool draws silently" test "$(grep -v -e 'ICC support is not available' -e '^page ' "$TMP/py.merr" | wc -l)" -eq 0
# 10. two roles naming one font file and face share one embedded font,
# which holds the characters of both
# A template of a heading and a paragraph whose one <font> names role $1,
# file $2 and face $3.
font_template() {
	cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<template title="字体">
  <fonts>
    <font role="$1" file="$2" face="$3"/>
  </fonts>
  <body>
    <heading level="1">标题甲乙丙</heading>
    <p>正文丁戊己庚</p>
  </body>
</template>
XML
}
font_template hei /usr/share/fonts/truetype/arphic/uming.ttc 0 > "$TMP/same.xml"
check "one font for two roles renders" "$TOOL" --date 2024-03-31 --xsd $XSD "$TMP/same.xml" "$TMP/same.pdf"
check_normal "one font for two roles: glyphs of both" /usr/bin/python3 tests/e2e/check_fonts.py --glyphs '标题甲乙丙正文丁戊己庚' "$TMP/same.pdf"
pdftotext "$TMP/same.pdf" "$TMP/same.txt" 2> "$TMP/same.err"
check "one font for two roles: text of both" sh -c "grep -q '标题甲乙丙' '$TMP/same.txt' && grep -q '正文丁戊己庚' '$TMP/same.txt' && test ! -s '$TMP/same.err'"
# 11. a single font (.ttf, here face 0 of UMing taken out of its
# collection) is loaded as well as a collection's face; it has no face 1
python3 - "$TMP/uming.ttf" <<'PY'
import struct, sys
d = open('/usr/share/fonts/truetype/arphic/uming.ttc', 'rb').read()
off = struct.unpack('>I', d[12:16])[0]
n = struct.unpack('>H', d[off + 4:off + 6])[0]
recs = [struct.unpack('>4sIII', d[off + 12 + 16 * i:off + 28 + 16 * i]) for i in range(n)]
head, body = bytearray(d[off:off + 12]), bytearray()
for tag, cs, o, l in recs:
    head += struct.pack('>4sIII', tag, cs, 12 + 16 * n + len(body), l)
    body += d[o:o + l] + b'\0' * (-l % 4)
open(sys.argv[1], 'wb').write(head + body)
PY
font_template song "$TMP/uming.ttf" 0 > "$TMP/ttf.xml"
check "a .ttf font renders" "$TOOL" --date 2024-03-31 --xsd $XSD "$TMP/ttf.xml" "$TMP/ttf.pdf"
check_normal ".ttf: embedded, subset, valid" /usr/bin/python3 tests/e2e/check_fonts.py --glyphs '正文丁戊己庚' "$TMP/ttf.pdf"
check ".ttf: the UMing face is the one embedded" sh -c "pdffonts '$TMP/ttf.pdf' 2>/dev/null | grep -q 'UMingCN.*yes *yes *yes'"
check ".ttf: text" sh -c "pdftotext '$TMP/ttf.pdf' - 2>&1 | grep -q '正文丁戊己庚'"
font_template song "$TMP/uming.ttf" 1 > "$TMP/ttf1.xml"
"$TOOL" --date 2024-03-31 --xsd $XSD "$TMP/ttf1.xml" "$TMP/ttf1.pdf" > /dev/null 2> "$TMP/ttf1.err"
check ".ttf face 1: refused" test $? -ne 0
check ".ttf face 1: the error names the file and face" grep -q "uming.ttf.*第 1 号字面" "$TMP/ttf1.err"

# bounded rows: max-rows="7" puts at most 7 rows a page; 99 rows would leave
# the last alone on page 15, so page 14 holds 6 and the last page 2;
# max-lines="1" cuts a longer note to one line ending in "…"
sed -e 's|<table data="villages">|<table data="villages" max-rows="7" max-lines="1">|' "$TMP/rows.xml" > "$TMP/bounded.xml"
check "render 99 bounded rows" "$TOOL" --rows 99 --bench --date 2024-03-31 --xsd $XSD "$TMP/bounded.xml" "$TMP/bd.pdf"
pdftotext -layout "$TMP/bd.pdf" - | awk 'BEGIN { RS = "\f" } NF { n = gsub(/MQ-[0-9][0-9][0-9][0-9][0-9]/, "&"); printf "%d ", n }' > "$TMP/bd.n"
check "7 rows a page, 6 before the last two ($(cat "$TMP/bd.n"))" [ "$(cat "$TMP/bd.n")" = "7 7 7 7 7 7 7 7 7 7 7 7 7 6 2 " ]
check "each id once" test "$(pdftotext "$TMP/bd.pdf" - | grep -o 'MQ-[0-9]\{5\}' | sort -u | wc -l)" -eq 99
check "one line a row, cut notes end in …" test "$(pdftotext -layout "$TMP/bd.pdf" - | grep 'MQ-[0-9]' | grep -c '…')" -ge 20
finish

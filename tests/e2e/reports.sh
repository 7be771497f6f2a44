#!/bin/sh
# reports: validate + aggregate samples/, then `minqing render` for the
# year 2024 and for 2024-03; every report's text is compared with the CSVs
# of the same run (check_reports.py: also each 个人考核表 against
# assessment_facts.csv, and every item's points recomputed from those
# facts), the PDFs pass qpdf --check with every font embedded, subset and
# with a ToUnicode map, their fonts hb-subset programs of the default Noto
# CJK and AR PL UKai faces with complete ToUnicode maps (check_fonts.py), and
# rendering again (also with another --jobs) gives byte-identical files.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
S=samples
REF="--registry $S/registry.csv --roster $S/roster.csv --assignments $S/assignments.csv --as-of 2024-12-31"
Y=$TMP/year; M=$TMP/month; D=$TMP/dec

"$MINQING" validate $S/visits_2024.csv $S/visits_township3.xml $S/石桥乡_2024年12月_民情日记.xlsx --registry $S/registry.csv \
	--roster $S/roster.csv --as-of 2024-12-31 --out "$Y" --quiet
check "validate exit 1 (samples hold rejects)" [ $? -eq 1 ]
mkdir -p "$M" "$D" && cp -r "$Y/data" "$M/" && cp -r "$Y/data" "$D/"
check "aggregate 2024" "$MINQING" aggregate --period 2024 $REF --out "$Y" --quiet
check "aggregate 2024-03" "$MINQING" aggregate --period 2024-03 $REF --out "$M" --quiet
check "aggregate 2024-12" "$MINQING" aggregate --period 2024-12 $REF --out "$D" --quiet
check "render 2024 --jobs 2" "$MINQING" render --period 2024 --out "$Y" --next-steps $S/next_steps --jobs 2 --quiet
check "render 2024-03" "$MINQING" render --period 2024-03 --out "$M" --next-steps $S/next_steps --quiet

# names the archive stage packages by
n=$(ls "$Y/reports" | wc -l)
check "year: 3 townships x 12 summaries + 16 ledgers + assessment + quality = 54 files ($n)" [ "$n" -eq 54 ]
for f in 柳林镇_2024年03月_工作小结.pdf 柳林镇_河口村_2024年_台账.pdf 清河县_2024年_年度考核结果.pdf 2024年_数据质量报告.pdf; do
	check "year file $f" [ -s "$Y/reports/$f" ]
done
for f in 石桥乡_2024年03月_工作小结.pdf 石桥乡_山后村_2024年03月_台账.pdf 清河县_2024年03月_考核结果.pdf 2024年03月_数据质量报告.pdf; do
	check "month file $f" [ -s "$M/reports/$f" ]
done
n=$(ls "$M/reports" | wc -l)
check "month: 3 summaries + 16 ledgers + 2 = 21 files ($n)" [ "$n" -eq 21 ]

# pdftotext reads every report silently (its text is kept for the checkers)
check_normal "pdftotext silent on every report" python3 "$HERE/pdfcheck.py" "$Y"/reports/*.pdf "$M"/reports/*.pdf
# figures: every number against the CSVs of the same run
check_normal "month run vs its CSVs" python3 "$HERE/check_reports.py" "$M/data" "$M/reports" 2024-03 2024-03
check_normal "year run, March summaries vs aggregate --period 2024-03" \
	python3 "$HERE/check_reports.py" "$M/data" "$Y/reports" 2024 2024-03
check_normal "year run, December summaries vs aggregate --period 2024-12" \
	python3 "$HERE/check_reports.py" "$D/data" "$Y/reports" 2024 2024-12

# the example case (data these reports were never tuned on): every figure of
# every report of the month and of the year against the CSVs of its run
EX=tests/examples/small-utf8
EXREF="--registry $EX/registry.csv --roster $EX/roster.csv --assignments $EX/assignments.csv --as-of 2024-12-31"
"$MINQING" validate $EX/input/* --registry $EX/registry.csv --roster $EX/roster.csv --as-of 2024-12-31 \
	--out "$TMP/ex" --quiet
check "example: validate exit 1 (it holds rejects)" [ $? -eq 1 ]
for p in 2024-03 2024; do
	mkdir -p "$TMP/ex$p" && cp -r "$TMP/ex/data" "$TMP/ex$p/"
	check "example: aggregate + render $p" sh -c "'$MINQING' aggregate --period $p $EXREF --out '$TMP/ex$p' --quiet &&
		'$MINQING' render --period $p --out '$TMP/ex$p' --quiet"
done
check_normal "example 2024-03: every report vs its CSVs" python3 "$HERE/check_reports.py" "$TMP/ex2024-03/data" "$TMP/ex2024-03/reports" 2024-03 2024-03
check_normal "example 2024: every report vs its CSVs (March summaries)" \
	python3 "$HERE/check_reports.py" "$TMP/ex2024-03/data" "$TMP/ex2024/reports" 2024 2024-03

# --township-reports: an assessment report per township too, holding only
# that township's cadres and teams (check_reports.py checks every such PDF
# it finds); through `minqing run` they go into the township's package
R=$TMP/run
"$MINQING" run --config $S/county.conf --period 2024-03 --township-reports --out "$R" --quiet
check "run 2024-03 --township-reports: exit 1 (samples hold rejects)" [ $? -eq 1 ]
for t in 柳林镇 石桥乡 东岗乡; do
	check "township assessment $t" [ -s "$R/reports/${t}_2024年03月_考核结果.pdf" ]
	unzip -l "$R/archive/${t}_2024年03月_档案包.zip" > "$TMP/zl" 2>&1
	check "$t package holds its assessment report" grep -q "${t}_2024年03月_考核结果.pdf" "$TMP/zl"
done
n=$(ls "$R/reports" | wc -l)
check "month with township reports: 21 + 3 = 24 files ($n)" [ "$n" -eq 24 ]
check_normal "township reports vs the CSVs of the run" python3 "$HERE/check_reports.py" "$R/data" "$R/reports" 2024-03 2024-03
mkdir -p "$TMP/t1" && cp -r "$R/data" "$TMP/t1/"
check "render --township-reports --jobs 1" "$MINQING" render --period 2024-03 --out "$TMP/t1" --unit 清河县乡村振兴局 \
	--next-steps $S/next_steps --township-reports --quiet
check "byte-identical to run's render (--jobs 1 and default)" diff -r "$R/reports" "$TMP/t1/reports"

pdftotext "$M/reports/柳林镇_2024年03月_工作小结.pdf" "$TMP/ml.txt"
# next steps: set in when the township wrote them, left out without a gap otherwise
t=$(pdftotext "$Y/reports/柳林镇_2024年03月_工作小结.pdf" - | tr -d ' \n')
check "next steps in 柳林镇 2024-03" sh -c "echo '$t' | grep -q '六、下一步工作一是对本月诉求办结率偏低的问题'"
check "data quality is 七 after next steps" sh -c "echo '$t' | grep -q '七、数据质量'"
t=$(pdftotext "$Y/reports/柳林镇_2024年04月_工作小结.pdf" - | tr -d ' \n')
check "no next steps in 柳林镇 2024-04" sh -c "! echo '$t' | grep -q '下一步工作' && echo '$t' | grep -q '六、数据质量'"

# next steps saved in GBK (Notepad's and WPS's default) or with a BOM read as UTF-8 are
# set in the same; UTF-16 stops with a message that says how to save the file
mkdir -p "$TMP/nsgbk" "$TMP/nsbom" "$TMP/ns16" "$TMP/mg" "$TMP/mb" "$TMP/m16"
for f in $S/next_steps/*.txt; do
	b=$(basename "$f")
	sed '1s/^\xEF\xBB\xBF//' "$f" | iconv -f UTF-8 -t GBK > "$TMP/nsgbk/$b"
	{ printf '\357\273\277'; sed '1s/^\xEF\xBB\xBF//' "$f"; } > "$TMP/nsbom/$b"
	sed '1s/^\xEF\xBB\xBF//' "$f" | iconv -f UTF-8 -t UTF-16 > "$TMP/ns16/$b"
done
for v in gbk bom; do
	out=$TMP/m$(echo $v | cut -c1); mkdir -p "$out" && cp -r "$M/data" "$out/"
	check "render with next steps in $v" "$MINQING" render --period 2024-03 --out "$out" --next-steps "$TMP/ns$v" --quiet
	pdftotext "$out/reports/柳林镇_2024年03月_工作小结.pdf" "$TMP/m$v.txt"
	check "next steps in $v: the summary's text as from UTF-8" diff "$TMP/m$v.txt" "$TMP/ml.txt"
done
cp -r "$M/data" "$TMP/m16/"
"$MINQING" render --period 2024-03 --out "$TMP/m16" --next-steps "$TMP/ns16" --quiet 2> "$TMP/m16.err"
check "next steps in UTF-16: exit 3" [ $? -eq 3 ]
check "next steps in UTF-16: the file named, how to save it" grep -q "_2024-03.txt: UTF-16 文本.*另存为 UTF-8 或 GBK" "$TMP/m16.err"

# the ledger's landscape pages: every page but a ledger's last, the first
# with its title too, holds 25 to 30 visits (one line a visit, at most 30 a
# page), on the demo and on the example case, month and year
check_normal "ledger: 25 to 30 visits every page but the last" python3 "$HERE/check_ledger_pages.py" --min-pages=150 \
	"$Y"/reports/*台账.pdf "$M"/reports/*台账.pdf "$TMP"/ex2024/reports/*台账.pdf "$TMP"/ex2024-03/reports/*台账.pdf

# PDF health
[ -n "$SANITIZED" ] || for f in "$Y"/reports/*.pdf "$M"/reports/*.pdf; do
	qpdf --check "$f" > "$TMP/qpdf" 2>&1
	check "qpdf --check $(basename "$f")" grep -q "No syntax or stream encoding errors" "$TMP/qpdf"
	pdffonts "$f" 2>/dev/null | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes") { bad = 1 }
		NR > 2 { n++ } END { exit bad || !n }'
	check "fonts embedded, subset, with ToUnicode $(basename "$f")" [ $? -eq 0 ]
done
[ -n "$SANITIZED" ] || for f in "$M"/reports/*.pdf; do
	mutool draw -F txt -o /dev/null "$f" 2> "$TMP/mu.err"
	check "mutool silent $(basename "$f")" [ "$(grep -v -e 'ICC support is not available' -e '^page ' "$TMP/mu.err" | wc -l)" -eq 0 ]
done
check_normal "page breaks of every report (headings, captions)" python3 "$HERE/check_pages.py" "$Y"/reports/*工作小结.pdf \
	"$Y"/reports/*考核结果.pdf "$Y"/reports/*质量报告.pdf "$M"/reports/*工作小结.pdf "$M"/reports/*考核结果.pdf
check_normal "page breaks of every ledger (below its running header)" python3 "$HERE/check_pages.py" --header-lines=1 \
	"$Y"/reports/*台账.pdf "$M"/reports/*台账.pdf
check_normal "GB/T 9704: title 22 pt, body 16 pt, page numbers 14 pt at the outer edge" python3 "$HERE/check_gbt9704.py" \
	"$M"/reports/*工作小结.pdf "$M"/reports/*考核结果.pdf "$Y"/reports/*考核结果.pdf
check_normal "font programs subset and valid in every report, the default fonts only" /usr/bin/python3 "$HERE/check_fonts.py" \
	--fonts NotoSerifCJKsc-Regular,NotoSerifCJKsc-Bold,NotoSansCJKsc-Regular,UKaiCN,HanaMinA,HanaMinB \
	"$Y"/reports/*.pdf "$M"/reports/*.pdf
check_normal "PDF/A-2b structure of every report" /usr/bin/python3 "$HERE/check_pdfa.py" "$Y"/reports/*.pdf "$M"/reports/*.pdf
big=$(for f in "$M"/reports/*台账.pdf; do
	[ "$(pdfinfo "$f" 2>/dev/null | sed -n 's/^Pages: *//p')" = 2 ] && wc -c < "$f"; done | sort -n | tail -1)
# 80 KB was the target before the ledger gained 帮扶措施 and 日志内容 excerpts
# (more distinct characters in the subsets); 110 KB bounds it now
check "two-page ledgers at most 110 KB (largest ${big:-none})" test -n "$big" -a "${big:-0}" -le 112640
f="$M/reports/石桥乡_山后村_2024年03月_台账.pdf"
check "a village ledger under 150 KB ($(wc -c < "$f") bytes; ~490 KB with whole font programs)" \
	[ "$(wc -c < "$f")" -lt 150000 ]

# reproducible: again, with another --jobs, byte-identical
mkdir -p "$TMP/again" && cp -r "$Y/data" "$TMP/again/"
check "render again --jobs 1" "$MINQING" render --period 2024 --out "$TMP/again" --next-steps $S/next_steps --quiet
check "byte-identical re-render" diff -r "$Y/reports" "$TMP/again/reports"

# usage and fatal errors
"$MINQING" render --period 2024-06 --out "$Y" 2>/dev/null
check "figures of another period: exit 2" [ $? -eq 2 ]
"$MINQING" render --period 2024 --out "$TMP/nothing" 2>/dev/null
check "no figures: exit 3" [ $? -eq 3 ]
"$MINQING" render --out "$Y" 2>/dev/null
check "no --period: exit 2" [ $? -eq 2 ]
finish

#!/bin/sh
# Workbooks in and out (README "Workbooks"): the same records as CSV, as
# .xlsx and .xls saved by LibreOffice and as Excel's Unicode text give the
# same accepted records and figures; a clerk's 登记表 (title rows, two more
# sheets, date cells, ids typed as numbers) is read sheet by sheet with
# read = accepted + rejected + dropped per sheet; E013 from a CSV and from a
# workbook; rejects.xlsx and figures.xlsx read back with openpyxl against the
# CSVs; rejects.xlsx fixed and given back is accepted; edge cases written
# by openpyxl and by hand (inline and rich strings, errors, formulas, the
# 1904 system, cells left out).
. tests/e2e/lib.sh
PY=/usr/bin/python3   # Debian's, with python3-openpyxl
WB=tests/workbooks
EX=tests/examples/small-utf8
REF="--registry $EX/registry.csv --roster $EX/roster.csv --assignments $EX/assignments.csv"
# a metric,value row of counts.csv (CRLF rows)
has_count() { tr -d '\r' < "$1" | grep -qx "$2"; }
FIGS="village_summary.csv township_summary.csv county_summary.csv cadre_monthly.csv assessment.csv team_assessment.csv"

# ---- the same records in four forms ----
for f in records.csv records.xlsx records.xls records.txt; do
	$MINQING validate $WB/$f --registry $EX/registry.csv --roster $EX/roster.csv --as-of 2024-12-31 \
		--out "$TMP/$f" --quiet 2> "$TMP/$f.log"
	check "$f: validate exits 1 (the records hold rejects)" test $? -eq 1
	check "$f: 650 records read" has_count "$TMP/$f/data/counts.csv" "records_read,650"
	mkdir -p "$TMP/agg_$f/data"
	cp "$TMP/$f/data/accepted.csv" "$TMP/agg_$f/data/"
	$MINQING aggregate --period 2024 $REF --as-of 2024-12-31 --out "$TMP/agg_$f" 2>> "$TMP/$f.log"
	check "$f: aggregate exits 0" test $? -eq 0
done
for f in records.xlsx records.xls records.txt; do
	check "$f: accepted.csv byte-identical to the CSV's" cmp -s "$TMP/$f/data/accepted.csv" "$TMP/records.csv/data/accepted.csv"
	for g in $FIGS; do
		check "$f: $g identical to the CSV's" cmp -s "$TMP/agg_$f/data/$g" "$TMP/agg_records.csv/data/$g"
	done
	# the same rejects, by record_id and code (lines differ: a sheet row is not a CSV line)
	cut -d, -f3-4 "$TMP/$f/data/rejects.csv" | sort > "$TMP/$f.rej"
	cut -d, -f3-4 "$TMP/records.csv/data/rejects.csv" | sort > "$TMP/csv.rej"
	check "$f: the same rejects as the CSV" cmp -s "$TMP/$f.rej" "$TMP/csv.rej"
done
check "records.xlsx: source is file:sheet" grep -q "^records.xlsx:records,[0-9]*,R" "$TMP/records.xlsx/data/rejects.csv"
check "records.xls: source is file:sheet" grep -q "^records.xls:records,[0-9]*,R" "$TMP/records.xls/data/rejects.csv"
check "records.txt read as tab-separated UTF-16" has_count "$TMP/records.txt/data/counts.csv" "format:records.txt,TSV UTF-16"
check "records.xlsx read as XLSX" has_count "$TMP/records.xlsx/data/counts.csv" "format:records.xlsx,XLSX"
# line = the sheet's row: R20240100202 is on row 101 of the sheet (header on row 1)
row=$($PY -c "
import csv; rows=list(csv.reader(open('$WB/records.csv',encoding='utf-8-sig')))
print([r[0] for r in rows].index('R20240100202') + 1)")
check "records.xlsx: line of R20240100202 is its sheet row $row" \
	grep -q "^records.xlsx:records,$row,R20240100202,E011" "$TMP/records.xlsx/data/rejects.csv"

# ---- a clerk's 登记表 ----
$MINQING validate $WB/clerk.xlsx --as-of 2024-12-31 --out "$TMP/clerk" > "$TMP/clerk.out" 2>&1
check "clerk.xlsx: exits 1 (one E013)" test $? -eq 1
check "clerk.xlsx: 5 records on 登记表, the title rows skipped" \
	grep -q "clerk.xlsx:登记表: 5 条记录 records = 4 接受 accepted + 1 退回 rejected + 0 舍弃 dropped" "$TMP/clerk.out"
check "clerk.xlsx: the sheet without a header is listed, not read" \
	grep -q "clerk.xlsx:说明: .*no header row" "$TMP/clerk.out"
check "clerk.xlsx: the hidden sheet is listed, not read" grep -q "clerk.xlsx:2023年旧表: .*hidden sheet" "$TMP/clerk.out"
check "clerk.xlsx: counts.csv names every sheet" grep -q "^format:clerk.xlsx:说明,not read" "$TMP/clerk/data/counts.csv"
check "clerk.xlsx: the 18-digit id typed as a number is E013" \
	grep -q "^clerk.xlsx:登记表,6,1.30701198001011E+17,E013,record_id" "$TMP/clerk/data/rejects.csv"
check "clerk.xlsx: E013 says how to keep ids as text" grep -q "设置单元格格式为“文本”" "$TMP/clerk/data/rejects.csv"
check "clerk.xlsx: a date cell in yyyy\"年\"m\"月\"d\"日\" reads as the date, 4800.5 as written, TRUE as 是" \
	grep -q "^X0001,2024-03-05,,石桥乡,河口村,,C0101,王强,,130701010001,张三,3,脱贫户,入户走访,,,,,,,是,,4800.5," "$TMP/clerk/data/accepted.csv"
check "clerk.xlsx: a household id typed as a number of 12 digits is its digits" \
	grep -q ",130701010002,李四,5," "$TMP/clerk/data/accepted.csv"
check "clerk.xlsx: the record after the empty row is read (row 9)" grep -q "^X0005,2024-03-09," "$TMP/clerk/data/accepted.csv"
check "clerk.xlsx: nothing of the hidden sheet" sh -c "! grep -q X9999 '$TMP/clerk/data/accepted.csv'"

# ---- E013 from a CSV ----
cat > "$TMP/e013.csv" <<'CSV'
record_id,visit_date,township,village,cadre_id,cadre_name,household_id,householder,household_type,visit_mode,signed
R1,2024-03-01,石桥乡,河口村,C1,王强,1.30722E+17,张三,脱贫户,电话,是
2.5e3,2024-03-01,石桥乡,河口村,C1,王强,H2,李四,脱贫户,电话,是
R3,2024-03-01,石桥乡,河口村,1E+05,王强,H3,赵五,脱贫户,电话,是
R4,2024-03-01,石桥乡,河口村,C1,王强,000125,钱六,脱贫户,电话,否
CSV
$MINQING validate "$TMP/e013.csv" --as-of 2024-12-31 --out "$TMP/e013" --quiet 2> "$TMP/e013.log"
check "E013 CSV: exits 1" test $? -eq 1
check "E013 CSV: household_id 1.30722E+17" grep -q "^e013.csv,2,R1,E013,household_id" "$TMP/e013/data/rejects.csv"
check "E013 CSV: record_id 2.5e3" grep -q "^e013.csv,3,2.5e3,E013,record_id" "$TMP/e013/data/rejects.csv"
check "E013 CSV: cadre_id 1E+05" grep -q "^e013.csv,4,R3,E013,cadre_id" "$TMP/e013/data/rejects.csv"
check "E013 CSV: 000125 is an id like any other" grep -q "^R4,.*,000125," "$TMP/e013/data/accepted.csv"
check "E013 CSV: counted in counts.csv" has_count "$TMP/e013/data/counts.csv" "E013,3"

# ---- rejects.xlsx: the rows of rejects.csv, all text, the field filled ----
$MINQING validate $WB/clerk.xlsx $WB/records.xlsx "$TMP/e013.csv" --as-of 2024-12-31 --out "$TMP/rx" --quiet 2> "$TMP/rx.log"
check "rejects.xlsx: written" test -f "$TMP/rx/data/rejects.xlsx"
$PY tests/e2e/check_workbooks.py rejects "$TMP/rx/data" > "$TMP/rx.check"
check "rejects.xlsx: cells equal rejects.csv, all text, header frozen, the field at fault filled" test $? -eq 0
head -5 "$TMP/rx.check" >&2
$MINQING validate $WB/clerk.xlsx $WB/records.xlsx "$TMP/e013.csv" --as-of 2024-12-31 --out "$TMP/rx2" --quiet 2>/dev/null
check "rejects.xlsx: byte-identical on a re-run" cmp -s "$TMP/rx/data/rejects.xlsx" "$TMP/rx2/data/rejects.xlsx"

# ---- round trip: fix rejects.xlsx, give it back ----
$PY tests/e2e/check_workbooks.py fix "$TMP/rx/data/rejects.xlsx" "$TMP/fixed.xlsx" \
	"1.30701198001011E+17=记录编号=X0003" "R1=户编号=130722198001011234" "R20240300168=家庭人口=3" \
	"R20240600202=走访事项=饮水安全"
check "round trip: rejects.xlsx edited" test $? -eq 0
$MINQING validate $WB/clerk.xlsx $WB/records.xlsx "$TMP/e013.csv" "$TMP/fixed.xlsx" --as-of 2024-12-31 \
	--out "$TMP/rt" --quiet 2> "$TMP/rt.log"
for id in X0003 R1 R20240300168 R20240600202; do
	check "round trip: the fixed $id is accepted" grep -q "^$id," "$TMP/rt/data/accepted.csv"
done
check "round trip: the 18-digit household id kept as text" grep -q "^R1,.*,130722198001011234," "$TMP/rt/data/accepted.csv"
check "round trip: the rows left as they were are rejected again" \
	grep -q "^fixed.xlsx:退回记录,[0-9]*,R20240100202,E011" "$TMP/rt/data/rejects.csv"
# the same edit saved by LibreOffice (committed; made by make_workbooks.sh)
if [ -f $WB/rejects_fixed_lo.xlsx ]; then
	$MINQING validate $WB/rejects_fixed_lo.xlsx --as-of 2024-12-31 --out "$TMP/lo" --quiet 2> "$TMP/lo.log"
	check "round trip through LibreOffice: the fixed record is accepted" grep -q "^R1,.*,130722198001011234," "$TMP/lo/data/accepted.csv"
fi

# ---- figures.xlsx against the figure CSVs ----
check "figures.xlsx: written by aggregate" test -f "$TMP/agg_records.csv/data/figures.xlsx"
$PY tests/e2e/check_workbooks.py figures "$TMP/agg_records.csv/data" > "$TMP/fig.check"
check "figures.xlsx: six sheets equal the CSVs, numbers as numbers, rates as percentages, frozen, filtered" test $? -eq 0
head -5 "$TMP/fig.check" >&2
check "figures.xlsx: identical from the .xlsx input" cmp -s "$TMP/agg_records.xlsx/data/figures.xlsx" "$TMP/agg_records.csv/data/figures.xlsx"

# ---- edge cases no spreadsheet program writes on request ----
$PY - "$TMP/edge.xlsx" <<'PY'
import sys, zipfile
head = ["record_id", "visit_date", "township", "village", "cadre_id", "cadre_name", "household_id",
        "householder", "household_type", "visit_mode", "signed", "per_capita_income"]
def col(i):
    return chr(ord("A") + i)
cells = "".join(f'<c r="{col(i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(head))
sheet = f'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1">{cells}</row>
<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="1"><v>45352</v></c><c r="C2" t="s"><v>1</v></c><c r="D2" t="inlineStr"><is><r><t>河</t></r><r><t>口村</t></r></is></c><c r="E2" t="str"><f>"C"&amp;"1"</f><v>C1</v></c><c r="F2" t="s"><v>2</v></c><c r="G2"><v>130701010001</v></c><c r="H2" t="inlineStr"><is><t>张三</t></is></c><c r="I2" t="inlineStr"><is><t>脱贫户</t></is></c><c r="J2" t="inlineStr"><is><t>电话</t></is></c><c r="K2" t="b"><v>1</v></c><c r="L2" t="e"><v>#N/A</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>E2</t></is></c><c r="B3" s="2"><v>43890.75</v></c><c r="C3" t="s"><v>1</v></c><c r="D3" t="inlineStr"><is><t>河口村</t></is></c><c r="E3" t="inlineStr"><is><t>C1</t></is></c><c r="F3" t="s"><v>2</v></c><c r="G3"><v>1234567890123456</v></c><c r="H3" t="inlineStr"><is><t>李四</t></is></c><c r="I3" t="inlineStr"><is><t>脱贫户</t></is></c><c r="J3" t="inlineStr"><is><t>电话</t></is></c><c r="K3" t="b"><v>0</v></c><c r="L3"><v>0.1</v></c></row>
<row r="4"><c r="A4" t="inlineStr"><is><t>E3</t></is></c><c r="ZZZZZZ4"><v>1</v></c><c r="B4" t="s"><v>99</v></c></row>
</sheetData></worksheet>'''
strings = '''<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="999999999">
<si><r><t>E</t></r><r><rPr><b/></rPr><t>1</t></r><rPh><t>ignored</t></rPh></si><si><t>石桥乡</t></si><si><t xml:space="preserve"> 王强 </t></si></sst>'''
styles = '''<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="176"/><xf numFmtId="14"/></cellXfs></styleSheet>'''
wbx = '''<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr date1904="%s"/><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>'''
rels = '''<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="/xl/styles.xml"/></Relationships>'''
for path, d1904 in ((sys.argv[1], "0"), (sys.argv[1].replace(".xlsx", "1904.xlsx"), "1")):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", wbx % d1904)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", strings)
        z.writestr("xl/styles.xml", styles)
PY
$MINQING validate "$TMP/edge.xlsx" --as-of 2024-12-31 --out "$TMP/edge" --quiet 2> "$TMP/edge.log"
check "edge.xlsx: rich text joined without its phonetic run, date cell, formula's cached value, spaces kept for trimming, TRUE, #N/A empty" \
	grep -q "^E1,2024-03-01,,石桥乡,河口村,,C1,王强,,130701010001,张三,,脱贫户,电话,,,,,,,是,,," "$TMP/edge/data/accepted.csv"
check "edge.xlsx: a 16-digit number in household_id is E013" grep -q "^edge.xlsx:表1,3,E2,E013,household_id" "$TMP/edge/data/rejects.csv"
check "edge.xlsx: built-in date format 14 with a time: the day (2020-02-29)" grep -q "^edge.xlsx:表1,3,E2,.*,2020-02-29," "$TMP/edge/data/rejects.csv"
check "edge.xlsx: an absurd column and a string index past the table give no crash, the row is rejected" \
	grep -q "^edge.xlsx:表1,4,E3,E002" "$TMP/edge/data/rejects.csv"
$MINQING validate "$TMP/edge1904.xlsx" --as-of 2024-12-31 --out "$TMP/edge1904" --quiet 2> /dev/null
check "edge1904.xlsx: the 1904 date system (45352 is 2028-03-02, after the run date: E008)" \
	grep -q "^edge1904.xlsx:表1,2,E1,E008" "$TMP/edge1904/data/rejects.csv"
# ---- a workbook of many batches: gen_xlsx (libxlsxwriter) against the CSV ----
# 5,000 records: shared strings, date cells, numbers; the sheet's parsing
# thread hands them over in several batches, and the checks see them as
# they see the CSV's (only the line differs: the CSV's notes span lines)
BIG="$TMP/big"
mkdir -p "$BIG"
${BUILD:-build}/tools/gen_visits --records 5000 --seed 7 --out "$BIG" > /dev/null
${BUILD:-build}/tools/gen_xlsx "$BIG/visits.csv" "$BIG/visits.xlsx" > /dev/null
check "gen_xlsx writes the workbook" test $? -eq 0
for f in visits.csv visits.xlsx; do
	$MINQING validate "$BIG/$f" --registry "$BIG/registry.csv" --roster "$BIG/roster.csv" --as-of 2024-12-31 \
		--out "$BIG/o_$f" --quiet 2>> "$BIG/log"
done
check "gen_xlsx workbook: 5,000 records read from 走访记录" has_count "$BIG/o_visits.xlsx/data/counts.csv" "read:visits.xlsx:走访记录,5000"
check "gen_xlsx workbook: accepted.csv byte-identical to the CSV's" \
	cmp -s "$BIG/o_visits.csv/data/accepted.csv" "$BIG/o_visits.xlsx/data/accepted.csv"
$PY - "$BIG/o_visits.csv/data/rejects.csv" "$BIG/o_visits.xlsx/data/rejects.csv" <<'PY'
import csv, sys
a, b = ([r[2:] for r in csv.reader(open(p, encoding="utf-8-sig", newline=""))] for p in sys.argv[1:])
sys.exit(0 if a == b and len(a) > 1 else 1)
PY
check "gen_xlsx workbook: the same rejects as the CSV's (source and line aside)" test $? -eq 0

# 县区 is optional: some of these records name none and no registry gives
# one, so their villages' county is empty; the run still renders every
# report, that county's assessment as 县区未填
"$MINQING" run $WB/records.xlsx $WB/clerk.xlsx $WB/records.xls --period 2024 --as-of 2024-12-31 \
	--out "$TMP/nocounty" --quiet 2> "$TMP/nocounty.log"
st=$?
check "a county no record names: run exits 0 or 1 (exit $st: $(head -c 300 "$TMP/nocounty.log"))" test $st -le 1
check "a county no record names: its assessment is 县区未填_2024年_年度考核结果.pdf" \
	test -f "$TMP/nocounty/reports/县区未填_2024年_年度考核结果.pdf"
check "a county no record names: the named county's report too" test -f "$TMP/nocounty/reports/河阳县_2024年_年度考核结果.pdf"
pdftotext -layout "$TMP/nocounty/reports/县区未填_2024年_年度考核结果.pdf" "$TMP/nocounty.txt" 2>/dev/null
check_normal "a county no record names: its report says （县区未填） where the name goes, and signs with it" \
	sh -c "tr -d ' \n' < '$TMP/nocounty.txt' | grep -q '本次考核对象为（县区未填）驻村帮扶干部' && grep -q '填报单位：（县区未填）' '$TMP/nocounty.txt'"
finish

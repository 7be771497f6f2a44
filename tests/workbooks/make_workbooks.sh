#!/bin/sh
# Makes the committed workbook fixtures of tests/workbooks (run once by hand;
# make check reads the results and needs no LibreOffice):
#   records.csv    the example case's first-half records, without the three
#                  that are broken as CSV (E001), UTF-8 with BOM
#   records.xlsx   records.csv opened and saved by LibreOffice Calc
#   records.xls    the same as Excel 97-2003
#   records.txt    the same as Excel's "Unicode text": tab-separated UTF-16LE
#   rejects_fixed_lo.xlsx  minqing's rejects.xlsx of a CSV whose household id
#                  was turned into 1.30722E+17, the id typed again as text in
#                  the cell and saved by LibreOffice Calc (needs build/minqing)
#   clerk.xlsx     a clerk's 登记表 (title row, Chinese headers, date cells, a
#                  household id typed as a number, a TRUE/FALSE column, an id
#                  of 18 digits typed as a number, a second sheet without a
#                  header, a hidden sheet), drafted with openpyxl and saved by
#                  LibreOffice Calc, as a clerk's copy round-trips through it
set -eu
cd "$(dirname "$0")"
SRC=../examples/small-utf8/input/visits_2024H1.csv
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$SRC" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), strict=False))
head, body = rows[0], rows[1:]
keep = [r for r in body if len(r) == len(head) and not any('"' in c and c.count('"') % 2 for c in r)]
# the three broken as CSV, and R20240600203 and R20240200201 whose long notes
# FreeXL 1.0.6 cannot read back from an .xls (README "Workbooks")
keep = [r for r in keep if r[0] not in ("R20240600200", "R20240400204", "R20240600207", "R20240600203", "R20240200201")]
with open("records.csv", "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows([head] + keep)
PY
/usr/bin/python3 - "$TMP/clerk.xlsx" <<'PY'
import sys, datetime
from openpyxl import Workbook
wb = Workbook()
ws = wb.active
ws.title = "登记表"
ws.append(["石桥乡2024年3月民情日记登记表"])
ws.merge_cells("A1:H1")
ws.append(["填报单位：石桥乡人民政府", None, None, None, "填报日期：2024年4月2日"])
head = ["记录编号", "走访日期", "乡镇", "行政村", "干部编号", "干部姓名", "户编号", "户主姓名",
        "家庭人口", "户类型", "走访方式", "受访人签字", "人均纯收入", "日志内容"]
ws.append(head)
rows = [
    ["X0001", datetime.date(2024, 3, 5), "石桥乡", "河口村", "C0101", "王强", 130701010001, "张三", 3, "脱贫户", "入户走访", True, 4800.5, "3月5日入户走访，了解春耕情况。"],
    ["X0002", datetime.date(2024, 3, 6), "石桥乡", "河口村", "C0101", "王强", 130701010002, "李四", 5, "一般农户", "电话", False, 12000, "电话询问用水情况。"],
    [130701198001011234, datetime.date(2024, 3, 7), "石桥乡", "河口村", "C0101", "王强", 130701010003, "赵五", 2, "监测户", "入户走访", True, None, "编号被当成数字输入。"],
    ["X0004", datetime.date(2024, 3, 8), "石桥乡", "河口村", "C0101", "王强", "H0001", "钱六", 4, "低保户", "座谈", "是", 3000, "日期单元格格式为中文日期。"],
]
for r in rows:
    ws.append(r)
for row in ws.iter_rows(min_row=4, max_row=7, min_col=2, max_col=2):
    for c in row:
        c.number_format = 'yyyy"年"m"月"d"日"'
ws.append([None] * 14)
ws.append(["X0005", datetime.date(2024, 3, 9), "石桥乡", "河口村", "C0101", "王强", "H0002", "孙七", 1, "特困户", "入户走访", "否", None, "空行之后的记录。"])
ws.cell(row=9, column=2).number_format = "yyyy/m/d"
notes = wb.create_sheet("说明")
notes.append(["本表按县民政局要求填报。"])
notes.append(["户编号请填 18 位数字，设置为文本格式。"])
old = wb.create_sheet("2023年旧表")
old.append(head)
old.append(["X9999", datetime.date(2023, 12, 1), "石桥乡", "河口村", "C0101", "王强", "H9", "周八", 1, "脱贫户", "电话", "是", None, "隐藏表中的记录。"])
old.sheet_state = "hidden"
wb.save(sys.argv[1])
PY
cp records.csv "$TMP/records.csv"
soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx --outdir "$TMP/x" "$TMP/records.csv" >/dev/null 2>&1
soffice --headless --infilter="CSV:44,34,76,1" --convert-to xls --outdir "$TMP/x" "$TMP/records.csv" >/dev/null 2>&1
soffice --headless --infilter="CSV:44,34,76,1" --convert-to 'txt:Text - txt - csv (StarCalc):9,34,65535' \
	--outdir "$TMP/x" "$TMP/records.csv" >/dev/null 2>&1
soffice --headless --convert-to xlsx --outdir "$TMP/x" "$TMP/clerk.xlsx" >/dev/null 2>&1
cat > "$TMP/e013.csv" <<'CSV'
record_id,visit_date,township,village,cadre_id,cadre_name,household_id,householder,household_type,visit_mode,signed
R1,2024-03-01,石桥乡,河口村,C1,王强,1.30722E+17,张三,脱贫户,电话,是
CSV
../../build/minqing validate "$TMP/e013.csv" --as-of 2024-12-31 --out "$TMP/v" --quiet || true
/usr/bin/python3 ../e2e/check_workbooks.py fix "$TMP/v/data/rejects.xlsx" "$TMP/rejects_fixed_lo.xlsx" \
	"R1=户编号=130722198001011234"
mkdir -p "$TMP/lo"
soffice --headless --convert-to xlsx --outdir "$TMP/lo" "$TMP/rejects_fixed_lo.xlsx" >/dev/null 2>&1
cp "$TMP/x/records.xlsx" "$TMP/x/records.xls" "$TMP/x/records.txt" "$TMP/x/clerk.xlsx" "$TMP/lo/rejects_fixed_lo.xlsx" .
ls -l records.csv records.xlsx records.xls records.txt clerk.xlsx rejects_fixed_lo.xlsx

#!/bin/sh
# Inputs by content and read once (README "Input formats"): pipes, process
# substitution, /dev/stdin and `-` read every record; a device, a FIFO
# nobody writes into, a PDF, an image, an archive, an encrypted workbook and
# a ZIP that is no workbook are refused whole with exit 3 and the previous
# outputs untouched; a folder yields only the kinds we read and lists the
# rest; UTF-16 XML; empty and white-space-only inputs are named as empty.
. tests/e2e/lib.sh
WB=tests/workbooks
has_count() { tr -d '\r' < "$1" | grep -qx "$2"; }
V="--as-of 2024-12-31 --quiet"

# ---- read once: pipes and standard input ----
$MINQING validate $WB/records.csv $V --out "$TMP/file" 2>/dev/null
check "a file: 650 records" has_count "$TMP/file/data/counts.csv" "records_read,650"
bash -c "'$MINQING' validate <(cat $WB/records.csv) $V --out '$TMP/procsub'" 2>/dev/null
check "<(cat x.csv): every record read" cmp -s "$TMP/procsub/data/accepted.csv" "$TMP/file/data/accepted.csv"
cat $WB/records.csv | $MINQING validate /dev/stdin $V --out "$TMP/devstdin" 2>/dev/null
check "cat x.csv | validate /dev/stdin: every record read" cmp -s "$TMP/devstdin/data/accepted.csv" "$TMP/file/data/accepted.csv"
cat $WB/records.csv | $MINQING validate - $V --out "$TMP/dash" 2>/dev/null
check "cat x.csv | validate -: every record read" cmp -s "$TMP/dash/data/accepted.csv" "$TMP/file/data/accepted.csv"
check "cat x.csv | validate -: 650 records" has_count "$TMP/dash/data/counts.csv" "records_read,650"
cat $WB/records.xlsx | $MINQING validate - $V --out "$TMP/xlsxpipe" 2>/dev/null
check "a workbook through a pipe" cmp -s "$TMP/xlsxpipe/data/accepted.csv" "$TMP/file/data/accepted.csv"
cat $WB/records.xls | $MINQING validate - $V --out "$TMP/xlspipe" 2>/dev/null
check "an .xls through a pipe" cmp -s "$TMP/xlspipe/data/accepted.csv" "$TMP/file/data/accepted.csv"
mkfifo "$TMP/fifo"
cat $WB/records.txt > "$TMP/fifo" &
writer=$!
$MINQING validate "$TMP/fifo" $V --out "$TMP/fifo_out" 2>/dev/null
check "a FIFO with a writer: every record (UTF-16 text)" cmp -s "$TMP/fifo_out/data/accepted.csv" "$TMP/file/data/accepted.csv"
kill $writer 2>/dev/null # still there when validate never opened the FIFO: the test fails, not hangs
wait

python3 -c "
import csv, sys
rows = csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline=''))
w = csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline=''), delimiter='\t', lineterminator='\r\n')
w.writerows(rows)" $WB/records.csv "$TMP/records.tsv"
$MINQING validate "$TMP/records.tsv" $V --out "$TMP/tsv" 2>/dev/null
check "tab-separated UTF-8 (notes with commas and quotes): every record" cmp -s "$TMP/tsv/data/accepted.csv" "$TMP/file/data/accepted.csv"
check "tab-separated UTF-8: format named" has_count "$TMP/tsv/data/counts.csv" "format:records.tsv,TSV UTF-8"

# ---- refused whole: exit 3, the previous outputs untouched ----
cp -r "$TMP/file" "$TMP/prev"
refused() {   # refused DESCRIPTION FILE TEXT: exit 3, message with TEXT, prev/ unchanged
	$MINQING validate "$2" $V --out "$TMP/prev" 2> "$TMP/refused.log"
	check "$1: exit 3" test $? -eq 3
	check "$1: the message says what it is" grep -q "$3" "$TMP/refused.log"
	check "$1: one message, not a pile of rejects" test "$(wc -l < "$TMP/refused.log")" -eq 1
	check "$1: previous outputs untouched" diff -r "$TMP/prev" "$TMP/file"
}
printf '%%PDF-1.4\n%%\342\343\317\323\n1 0 obj\n<<>>\nendobj\n' > "$TMP/visits.csv"
refused "a PDF named .csv" "$TMP/visits.csv" "looks like a PDF document.*save it as .xlsx or CSV"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR' > "$TMP/scan.png"
refused "a PNG" "$TMP/scan.png" "a PNG image"
gzip -c $WB/records.csv > "$TMP/records.csv.gz"
refused "a gzip" "$TMP/records.csv.gz" "a gzip archive"
(cd "$TMP" && printf 'x' > a.txt && python3 -c "import zipfile; zipfile.ZipFile('notbook.xlsx','w').write('a.txt')")
refused "a ZIP that is no workbook" "$TMP/notbook.xlsx" "a ZIP archive, not an Excel workbook"
# an encrypted workbook: an OLE2 container holding EncryptedPackage (as Excel writes one)
python3 - "$TMP/locked.xlsx" <<'PY'
import sys
head = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
name = "EncryptedPackage".encode("utf-16-le")
open(sys.argv[1], "wb").write(head + bytes(512) + name + bytes(4096))
PY
refused "an encrypted workbook" "$TMP/locked.xlsx" "encrypted (password-protected) workbook"
head -c 4096 /dev/urandom > "$TMP/noise.csv"
refused "random bytes" "$TMP/noise.csv" "a binary file"
refused "/dev/zero" /dev/zero "a device, not a file"
mkfifo "$TMP/silent"
refused "a FIFO nobody writes into (5 s)" "$TMP/silent" "nothing arrived within 5 s"

# ---- a folder: the kinds we read, the rest listed ----
mkdir -p "$TMP/folder"
cp $WB/records.xlsx "$TMP/folder/"
printf '说明：本文件夹是2024年的记录。\n' > "$TMP/folder/README.txt"
cp "$TMP/visits.csv" "$TMP/folder/report.pdf"
$MINQING validate "$TMP/folder" --as-of 2024-12-31 --out "$TMP/fo" > "$TMP/fo.log" 2>&1
check "a folder: exit 1 (the records' rejects only)" test $? -eq 1
check "a folder: the workbook read" cmp -s "$TMP/fo/data/accepted.csv" "$TMP/file/data/accepted.csv"
check "a folder: README.txt listed as not read" grep -q "README.txt: .*not read" "$TMP/fo.log"
check "a folder: the PDF listed as not read" grep -q "report.pdf: .*not read" "$TMP/fo.log"
check "a folder: no junk rejects" test "$(tr -d '\r' < "$TMP/fo/data/counts.csv" | grep -c '^rejected,22$')" -eq 1

# ---- UTF-16 XML, empty inputs ----
sed 's/encoding="UTF-8"/encoding="UTF-16"/' samples/visits_township3.xml | iconv -f UTF-8 -t UTF-16 > "$TMP/utf16.xml"
check "the UTF-16 XML has a BOM" test "$(head -c 2 "$TMP/utf16.xml" | od -An -tx1 | tr -d ' ')" = "fffe"
$MINQING validate samples/visits_township3.xml $V --out "$TMP/x8" 2>/dev/null
$MINQING validate "$TMP/utf16.xml" $V --out "$TMP/x16" 2>/dev/null
check "UTF-16 XML: the same accepted records as UTF-8" cmp -s "$TMP/x16/data/accepted.csv" "$TMP/x8/data/accepted.csv"
check "UTF-16 XML: format named" has_count "$TMP/x16/data/counts.csv" "format:utf16.xml,XML UTF-16"
: > "$TMP/empty.csv"
printf ' \r\n\t\n' > "$TMP/blank.csv"
$MINQING validate "$TMP/empty.csv" "$TMP/blank.csv" $WB/records.csv --as-of 2024-12-31 --out "$TMP/em" > "$TMP/em.log" 2>&1
check "empty inputs: the run goes on (exit 1 for the records' rejects)" test $? -eq 1
check "an empty file is named as empty" grep -q "empty.csv: 空文件，没有记录 / empty file" "$TMP/em.log"
check "a white-space-only file is named as empty" grep -q "blank.csv: 空文件，没有记录 / empty file" "$TMP/em.log"
check "counts.csv: empty" has_count "$TMP/em/data/counts.csv" "format:blank.csv,empty"
finish

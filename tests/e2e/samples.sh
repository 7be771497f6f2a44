#!/bin/sh
# samples/ is what tests/gen_samples.py writes, its encodings are what the
# README promises, and minqing validate rejects exactly the listed records.
. tests/e2e/lib.sh

# the committed files are the generator's output, byte for byte (Debian's
# python3: the workbook is written with python3-openpyxl)
/usr/bin/python3 tests/gen_samples.py --out "$TMP/gen" > "$TMP/gen.log" 2>&1
check "gen_samples runs" test $? -eq 0
for f in visits_2024.csv visits_township3.xml 石桥乡_2024年12月_民情日记.xlsx registry.csv roster.csv assignments.csv \
	 expected_rejects.csv expected_warnings.csv expected_summary.txt; do
	check "samples/$f equals the generator's output" cmp -s "samples/$f" "$TMP/gen/$f"
done
check "README lists every expected fault" test ! -s "$TMP/gen.log"

# GB18030 + CRLF + no BOM; iconv fails only at the two bytes of R2024100224
csv=samples/visits_2024.csv
check "no BOM" test "$(head -c 3 "$csv" | od -An -tx1 | tr -d ' ')" != "efbbbf"
check "header is GB18030 Chinese" sh -c "head -1 '$csv' | iconv -f GB18030 -t UTF-8 | grep -q '^记录编号,走访日期,'"
check "rows end in CRLF" test "$(head -1 "$csv" | od -An -c | tr -d ' \n' | tail -c 4)" = '\r\n'
pos=$(iconv -f GB18030 -t UTF-8 "$csv" 2>&1 >/dev/null | sed -n 's/.*position \([0-9]*\).*/\1/p')
want=$(grep -abo "$(printf '\200\377')" "$csv" | head -1 | cut -d: -f1)
check "iconv stops at the invalid bytes ($pos = $want)" test -n "$pos" -a "$pos" = "$want"
check "the invalid bytes are in R2024100224" sh -c "head -c $want '$csv' | tail -c 3000 | tr '\r' '\n' | grep -a '^R2024' | tail -1 | grep -q '^R2024100224,'"
LC_ALL=C sed "s/$(printf '\200\377')//" "$csv" > "$TMP/fixed.csv"
check "the rest converts" sh -c "iconv -f GB18030 -t UTF-8 '$TMP/fixed.csv' > /dev/null"
check "two all-empty rows" test "$(grep -ac "^,,,,,,,,,,,,,,,,,,,,,,,$(printf '\r')\$" "$csv")" -eq 2
check "XML is well-formed" xmllint --noout samples/visits_township3.xml

# minqing validate finds exactly the deliberate faults
if [ -x "$MINQING" ]; then
	"$MINQING" validate samples/visits_2024.csv samples/visits_township3.xml samples/石桥乡_2024年12月_民情日记.xlsx \
		--registry samples/registry.csv --roster samples/roster.csv --as-of 2024-12-31 \
		--out "$TMP/out" > "$TMP/validate.log" 2>&1
	check "validate exits 1 (some rejected)" test $? -eq 1
	ids() { python3 -c 'import csv,sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""))
print("\n".join(sorted(r["record_id"] + "," + r["code"] for r in rows)))' "$1"; }
	check "rejects are the expected ones" sh -c "[ \"\$(tail -n +2 samples/expected_rejects.csv | sort)\" = \"$(ids "$TMP/out/data/rejects.csv")\" ]"
	check "warnings are the expected ones" sh -c "[ \"\$(tail -n +2 samples/expected_warnings.csv | sort)\" = \"$(ids "$TMP/out/data/warnings.csv")\" ]"
	read_n=$(sed -n 's/^read //p' samples/expected_summary.txt)
	acc=$(sed -n 's/^accepted //p' samples/expected_summary.txt)
	check "summary says $read_n read" grep -q "records_read: $read_n\$" "$TMP/validate.log"
	check "accepted.csv has $acc records" test "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""))))' "$TMP/out/data/accepted.csv")" -eq "$acc"
else
	fail "no minqing binary at $MINQING"
fi
finish

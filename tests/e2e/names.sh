#!/bin/sh
# No valid name fails a run, and no file or member name is one Windows
# refuses: townships and villages with / : ? * " < > |, a trailing dot, 91
# characters, a character outside the BMP, a device name, two villages
# that clean to the same file name, a cadre whose only village is unknown,
# and a village with 20,000 visits in a month (a long ledger). Each run
# exits 0 or 1 with every report written; the reports keep the real names.
. tests/e2e/lib.sh

python3 tests/e2e/gen_names.py "$TMP/in" 20000
IN=$TMP/in
$MINQING run "$IN/visits.csv" --registry "$IN/registry.csv" --roster "$IN/roster.csv" \
	--assignments "$IN/assignments.csv" --period 2024-03 --as-of 2024-03-31 --out "$TMP/o" --quiet 2> "$TMP/log"
st=$?
check "run exits 0 or 1 (exit $st: $(head -c 300 "$TMP/log"))" test $st -le 1
O=$TMP/o
# 2 monthly summaries, 8 + 4 ledgers, the county's assessment, the data-quality report,
# and 2 weekly checks (the run date, the 31st, still falls inside March)
check "every report written ($(ls "$O/reports" | wc -l))" test "$(ls "$O/reports" | wc -l)" -eq 18
check "a package per township and the county" test "$(ls "$O/archive" | wc -l)" -eq 3

check "every name in reports/, archive/ and the packages is Windows-safe" python3 - "$O" <<'PYEOF'
import os, sys, unicodedata, zipfile
out = sys.argv[1]
DEVICES = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}
def bad(name):
    if not name or name[-1] in ". " or len(name.encode()) > 255:
        return "end or length"
    if any(c in name for c in '\\/:*?"<>|') or any(ord(c) < 32 for c in name):
        return "character"
    if name.split(".")[0].rstrip(" ").upper() in DEVICES:
        return "device"
    if unicodedata.normalize("NFC", name) != name:
        return "not NFC"
names = []
for d in ("reports", "archive", "data"):
    for n in os.listdir(os.path.join(out, d)):
        names.append(n)
        if n.endswith(".zip"):
            for m in zipfile.ZipFile(os.path.join(out, d, n)).namelist():
                names.extend(m.split("/"))
lower = {}
for n in os.listdir(os.path.join(out, "reports")):
    lower.setdefault(n.lower(), []).append(n)
problems = [(n, bad(n)) for n in names if bad(n)]
problems += [(v, "clash without case") for v in lower.values() if len(v) > 1]
for p in problems:
    print("unsafe:", p)
sys.exit(1 if problems else 0)
PYEOF

check "北/洼村's ledger under a full-width name" test -s "$O/reports/东：岗乡_北／洼村_2024年03月_台账.pdf"
check "后营村? and 星*村 cleaned" test -s "$O/reports/东：岗乡_后营村？_2024年03月_台账.pdf" -a -s "$O/reports/东：岗乡_星＊村_2024年03月_台账.pdf"
check "a device name gets no device file" test -s "$O/reports/石桥乡_CON_2024年03月_台账.pdf"
check "北/洼村 and 北／洼村 of one township: two ledgers" test -s "$O/reports/石桥乡_北／洼村_2024年03月_台账.pdf" -a \
	-s "$O/reports/石桥乡_北／洼村_2024年03月_台账 (2).pdf"
long=$(ls "$O/reports" | grep '北洼村山河' | head -1)
check "the 91-character village's ledger: cut with a suffix ($long)" sh -c 'printf "%s" "$1" | grep -q "~[0-9a-f]\{8\}\.pdf$" && test $(printf "%s" "$1" | wc -c) -le 200' _ "$long"
check "the long ledger keeps the whole name in its text" sh -c 'pdftotext "$1" - | tr -d "\n " | grep -q "$2"' _ "$O/reports/$long" \
	"$(python3 -c 'print("".join("北洼村山河"[i % 5] for i in range(90)) + "村")')"
pdftotext "$O/reports/东：岗乡_北／洼村_2024年03月_台账.pdf" "$TMP/l.txt"
check "the ledger's title keeps the real name 北/洼村" grep -q '东:岗乡北/洼村' "$TMP/l.txt"
# a dot inside a file name is no trailing dot: kept (test_safename covers the end)
pdftotext "$O/reports/东：岗乡_前进村._2024年03月_台账.pdf" "$TMP/d.txt"
check "trailing dot of 前进村.: its ledger and title" grep -q '前进村\.' "$TMP/d.txt"
pdftotext "$O/reports/2024年03月_数据质量报告.pdf" "$TMP/q.txt"
check "the unknown village is reported (E009)" grep -q 'E009' "$TMP/q.txt"
check "the cadre of the unknown village is rejected, not lost" sh -c 'grep -c "无名村" "$1" | grep -qx 2' _ "$O/data/rejects.csv"
check "outside the BMP: 𠀀家村's ledger" test -s "$O/reports/东：岗乡_𠀀家村_2024年03月_台账.pdf"
check "outside the BMP: drawn or listed as [U+20000]" sh -c \
	'pdftotext "$1" - | grep -q "𠀀家村" || grep -q "U+20000" "$2"' _ "$O/reports/东：岗乡_𠀀家村_2024年03月_台账.pdf" "$TMP/q.txt"
# its first and last pages only: pdftotext takes ~40 ms a page of it
LONG="$O/reports/石桥乡_长账村_2024年03月_台账.pdf"
pages=$(pdfinfo "$LONG" | sed -n 's/^Pages: *//p')
check "the long ledger: hundreds of pages ($pages)" test "${pages:-0}" -ge 200
pdftotext -l 2 "$LONG" "$TMP/long.txt"
check "the long ledger: its visits" test "$(grep -c '了解务工情况\|入户走访' "$TMP/long.txt")" -ge 1
pdftotext -f $((pages - 2)) "$LONG" "$TMP/long_end.txt"
check "the long ledger has its last household" grep -q '户主799' "$TMP/long_end.txt"
for z in "$O"/archive/*.zip; do
	check "$(basename "$z") verifies" sh -c '"$1" verify "$2" > /dev/null' _ "$MINQING" "$z"
done
check "the township package holds its cleaned reports" sh -c 'unzip -Z1 "$1" | grep -q "data/报告/东：岗乡_北／洼村_2024年03月_台账.pdf"' _ "$O/archive/东：岗乡_2024年03月_档案包.zip"

# the same run again: byte-identical names and files
$MINQING run "$IN/visits.csv" --registry "$IN/registry.csv" --roster "$IN/roster.csv" \
	--assignments "$IN/assignments.csv" --period 2024-03 --as-of 2024-03-31 --out "$TMP/o2" --quiet 2>/dev/null
sums() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
sums "$O" > "$TMP/s1"
sums "$TMP/o2" > "$TMP/s2"
check "a second run gives the same files" cmp -s "$TMP/s1" "$TMP/s2"
finish

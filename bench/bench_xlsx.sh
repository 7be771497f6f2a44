#!/bin/sh
# Workbook benchmark (issue 10): a seeded .xlsx of RECORDS records (default
# 1,000,000; gen_visits' records written by build/tools/gen_xlsx through
# libxlsxwriter: shared strings, dates as date cells, sizes and incomes as
# numbers) through `minqing validate`, beside openpyxl's read-only mode
# iterating the same file (what a Python office script would use). Reports
# records/s and peak RSS of both. Targets: >= 10x openpyxl's records/s,
# >= 150,000 records/s, peak RSS <= 100 MB beyond the shared strings. A
# missed target prints MISSED; MQ_BENCH_STRICT=1 makes it fail. Not part of
# make check: libxlsxwriter holds every cell until it writes, so making the
# 1,000,000-record workbook takes about 3 GB and a few minutes, and openpyxl
# reads it for half an hour.
BENCH=xlsx
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3   # Debian's, with python3-openpyxl
gen_records 11 "$T" || exit 1
/usr/bin/time -f "%e %M" -o "$T/gen.time" "$BUILD/tools/gen_xlsx" "$T/visits.csv" "$T/visits.xlsx" > /dev/null || exit 1
rm -f "$T/visits.csv"
sync   # as gen_records: the workbook's writeback is not the reader's cost
bytes=$(wc -c < "$T/visits.xlsx")
strings=$(unzip -l "$T/visits.xlsx" xl/sharedStrings.xml | awk 'NR == 4 { print $1 }')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -f "%e %U %S %M" -o "$T/val.time" "$MINQING" validate "$T/visits.xlsx" \
	--registry "$T/registry.csv" --roster "$T/roster.csv" --as-of 2024-12-31 --out "$T/out" --quiet 2> "$T/val.log"
rc=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
[ $rc -le 1 ] || { echo "bench_xlsx: minqing validate failed ($rc)"; cat "$T/val.log"; exit 1; }
read_n=$(sed -n 's/^records_read,//p' "$T/out/data/counts.csv" | tr -d '\r')
/usr/bin/time -f "%e %U %S %M" -o "$T/py.time" $PY -c '
import sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1], read_only=True)
n = sum(1 for row in wb.worksheets[0].iter_rows(values_only=True)) - 1
print(n)' "$T/visits.xlsx" > "$T/py.out" || exit 1
awk -v n="$N" -v read_n="${read_n:-0}" -v py_n="$(cat "$T/py.out")" -v bytes="$bytes" -v strings="${strings:-0}" \
    -v strict="${MQ_BENCH_STRICT:-0}" -v load="$load_before / $load_after" '
	FILENAME ~ /gen/ { gw = $1 }
	FILENAME ~ /val/ { vw = $1; vcpu = $2 + $3; vrss = $4 / 1024 }
	FILENAME ~ /py/  { pw = $1; pcpu = $2 + $3; prss = $4 / 1024 }
	END {
		printf "bench_xlsx: %d records, workbook %.1f MB (shared strings %.1f MB unpacked), written by gen_xlsx in %.1f s\n", n, bytes / 1e6, strings / 1e6, gw
		printf "  minqing validate:        %.2f s, %.0f records/s (%.2f s CPU, %.0f records per CPU second), peak RSS %.1f MB (%d records read)\n", vw, n / vw, vcpu, n / vcpu, vrss, read_n
		printf "  openpyxl read-only rows: %.2f s, %.0f records/s (%.2f s CPU, %.0f records per CPU second), peak RSS %.1f MB (%d rows)\n", pw, n / pw, pcpu, n / pcpu, prss, py_n
		printf "  ratio: %.1fx wall, %.1fx per CPU second\n", pw / vw, pcpu / vcpu
		printf "  load average (1, 5, 15 min) before / after minqing: %s (wall times mean little under load: compare CPU seconds)\n", load
		bad = 0
		if (read_n != n) { printf "  MISSED: read %d of %d records\n", read_n, n; bad = 1 }
		if (pw / vw < 10) { printf "  MISSED: %.1fx < 10x openpyxl\n", pw / vw; bad = 1 }
		if (n / vw < 150000) { printf "  MISSED: %.0f records/s < 150,000\n", n / vw; bad = 1 }
		if (vrss > 100 + 2 * strings / 1048576) { printf "  MISSED: peak RSS %.1f MB > 100 MB beyond the shared strings\n", vrss; bad = 1 }
		exit bad && strict
	}' "$T/gen.time" "$T/val.time" "$T/py.time"

#!/bin/sh
# make demo: the whole job on samples/ — the year 2024 and the month 2024-03 —
# then says where the CSVs, reports and packages are.
set -u
BUILD=${BUILD:-build}
MINQING=$BUILD/minqing
status=0
for period in 2024 2024-03; do
	echo "=== minqing run --config samples/county.conf --period $period"
	$MINQING run --config samples/county.conf --period $period --out out/$period
	rc=$?
	# 1 means some records were rejected (the samples hold deliberate faults)
	if [ $rc -gt 1 ]; then status=$rc; fi
	echo
done
[ $status -eq 0 ] || { echo "demo failed (exit $status)"; exit $status; }
echo "=== 输出 / outputs"
for period in 2024 2024-03; do
	echo "out/$period/data/      数据表 / figure CSVs, accepted.csv, rejects.csv, warnings.csv"
	if [ -d out/$period/reports ]; then
		echo "out/$period/reports/   报告 / PDF reports:"
		ls out/$period/reports | sed 's/^/    /' | head -12
		n=$(ls out/$period/reports | wc -l)
		[ "$n" -gt 12 ] && echo "    … ($n in all)"
	fi
	echo "out/$period/archive/   档案包 / packages:"
	ls out/$period/archive | sed 's/^/    /'
	echo "  检查 / check one: $MINQING verify out/$period/archive/*.zip"
done

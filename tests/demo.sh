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
# a second assessment of the year with the county's own rules (联村联户)
echo "=== minqing run --config samples/county.conf --period 2024 --rubric samples/lianculianhu_rubric.xml"
$MINQING run --config samples/county.conf --period 2024 --rubric samples/lianculianhu_rubric.xml \
	--out out/2024-联村联户
rc=$?
if [ $rc -gt 1 ]; then status=$rc; fi
echo
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
echo "out/2024-联村联户/      联村联户考核细则下的年度考核 / the year assessed with samples/lianculianhu_rubric.xml:"
echo "    data/assessment.csv (item_talks, item_lectures, item_village_days …), reports/*_年度考核结果.pdf"

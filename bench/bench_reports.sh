#!/bin/sh
# Reports benchmark (issue 5): a generated county-year (build/tools/gen_visits,
# 20 townships × 15 villages) through validate + aggregate, then every
# report rendered with `minqing render --period 2024 --jobs $JOBS`. Prints
# total pages, seconds (wall and CPU), pages/s and peak RSS. Targets on a
# 2-core machine: >= 300 pages/s (wall), peak RSS <= 200 MB; a missed
# target is printed as MISSED, and fails the script with MQ_BENCH_STRICT=1.
# RECORDS (default 1000000) and JOBS (default 2) override.
BUILD=${BUILD:-build}
MINQING=${MINQING:-$BUILD/minqing}
GEN=$BUILD/tools/gen_visits
RECORDS=${RECORDS:-1000000}
JOBS=${JOBS:-2}
[ -x "$GEN" ] && [ -x "$MINQING" ] || { echo "bench_reports: build first (make all)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/mq_bench_reports.XXXXXX")
trap 'rm -rf "$T"' EXIT
d=$T/d
mkdir -p "$d"
echo "bench_reports: generating $RECORDS records, validate, aggregate …"
"$GEN" --records "$RECORDS" --seed 7 --townships 20 --villages 15 --out "$d" > /dev/null || exit 1
ref="--registry $d/registry.csv --roster $d/roster.csv --assignments $d/assignments.csv --as-of 2024-12-31"
"$MINQING" validate "$d/visits.csv" --registry "$d/registry.csv" --roster "$d/roster.csv" \
	--as-of 2024-12-31 --out "$d/out" --quiet
[ $? -le 1 ] || { echo "bench_reports: validate failed"; exit 1; }
"$MINQING" aggregate --period 2024 $ref --out "$d/out" --quiet || { echo "bench_reports: aggregate failed"; exit 1; }
/usr/bin/time -f "%e %U %S %M" -o "$T/time" "$MINQING" render --period 2024 --out "$d/out" \
	--jobs "$JOBS" 2> "$T/stderr" || { echo "bench_reports: render failed:"; cat "$T/stderr"; exit 1; }
read -r wall usr sys rss < "$T/time"
pages=$(sed -n 's/.* \([0-9]*\) 页 pages.*/\1/p' "$T/stderr")
files=$(ls "$d/out/reports" | wc -l)
awk -v p="$pages" -v f="$files" -v w="$wall" -v u="$usr" -v s="$sys" -v r="$rss" -v n="$RECORDS" -v j="$JOBS" 'BEGIN {
	pps = w > 0 ? p / w : p; mb = r / 1024; cpu = u + s; ppc = cpu > 0 ? p / cpu : p;
	printf "bench_reports: %d records, %d files, %d pages in %.2f s wall (%.2f s CPU, --jobs %d) = %.0f pages/s (%.0f pages per CPU second); peak RSS %.1f MB\n", n, f, p, w, cpu, j, pps, ppc, mb;
	ok = pps >= 300 && mb <= 200;
	if (!ok) printf "bench_reports: MISSED target (>= 300 pages/s, <= 200 MB)\n";
	exit !ok }'
rc=$?
[ "${MQ_BENCH_STRICT:-0}" = 1 ] && exit $rc
exit 0

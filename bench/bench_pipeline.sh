#!/bin/sh
# Pipeline benchmark: generated records (build/tools/gen_visits) through
# validate + aggregate + assess for the year 2024 in one process, as
# `minqing run` chains them, without its report and archive stages
# (build/tools/data_half; bench_run.sh measures the whole run). Reports MB/s, records/s
# and peak RSS per size. Targets (issue 3): >= 200 MB/s at every size, peak
# RSS <= 150 MB at 1,000,000 records and <= 1 GB at 10,000,000. A missed
# target is printed as MISSED; with MQ_BENCH_STRICT=1 it fails the script.
# RECORDS overrides the sizes (e.g. RECORDS=200000 for a quick look).
BUILD=${BUILD:-build}
MINQING=${MINQING:-$BUILD/minqing}
GEN=$BUILD/tools/gen_visits
export MINQING_TEMPLATES=${MINQING_TEMPLATES:-$(pwd)/templates}
RECORDS=${RECORDS:-"1000000 10000000"}
[ -x "$GEN" ] || { echo "bench_pipeline: $GEN missing (make all)"; exit 1; }
[ -x "$MINQING" ] || { echo "bench_pipeline: $MINQING missing (make all)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/mq_bench_pipeline.XXXXXX")
trap 'rm -rf "$T"' EXIT
missed=0

# wall, user+sys seconds and peak RSS (KB) of one command, appended to $T/times
timed() {
	/usr/bin/time -f "%e %U %S %M" -o "$T/time" "$@" > /dev/null 2> "$T/stderr"
	rc=$?
	[ $rc -le 1 ] || { echo "bench_pipeline: $* failed ($rc):"; tail -5 "$T/stderr"; exit 1; }
	grep -v "^Command" "$T/time" >> "$T/times"
}

for n in $RECORDS; do
	d="$T/d$n"
	mkdir -p "$d"
	"$GEN" --records "$n" --seed 7 --out "$d" > /dev/null || exit 1
	bytes=$(wc -c < "$d/visits.csv")
	ref="--registry $d/registry.csv --roster $d/roster.csv --assignments $d/assignments.csv"
	: > "$T/times"
	how="validate+aggregate+assess"
	timed "$BUILD/tools/data_half" "$d/out" 2024 2024-12-31 "$d/registry.csv" "$d/roster.csv" \
		"$d/assignments.csv" "$d/visits.csv"
	test -s "$d/out/data/assessment.csv" || { echo "bench_pipeline: no assessment.csv"; exit 1; }
	awk -v n="$n" -v bytes="$bytes" -v how="$how" -v strict="${MQ_BENCH_STRICT:-0}" '
		{ wall += $1; cpu += $2 + $3; if ($4 > rss) rss = $4 }
		END {
			mbs = bytes / 1e6 / wall; rss_mb = rss / 1024
			limit = n <= 1000000 ? 150 : 1024
			printf "bench_pipeline %s: %d records, %.0f MB in %.2f s wall (%.2f s CPU): %.1f MB/s, %.0f records/s, peak RSS %.1f MB\n", \
				how, n, bytes / 1e6, wall, cpu, mbs, n / wall, rss_mb
			bad = 0
			if (mbs < 200) { printf "  MISSED: %.1f MB/s < 200 MB/s\n", mbs; bad = 1 }
			if (rss_mb > limit) { printf "  MISSED: peak RSS %.1f MB > %d MB\n", rss_mb, limit; bad = 1 }
			exit bad && strict
		}' "$T/times" || missed=1
	rm -rf "$d"
done
exit $missed

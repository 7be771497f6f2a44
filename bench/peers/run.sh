#!/bin/sh
# make bench-peers: minqing's data half (build/tools/data_half: validate +
# aggregate + assess, as `minqing run` chains them) beside DuckDB's 2-thread
# group-bys (duckdb_groupby.mjs) on the same generated CSV, runs alternating,
# and the libcsv parse-only floor (build/tools/csv_floor). Prints the median
# wall times, the ratio DuckDB time / minqing time (> 1: minqing is faster)
# and both peak RSS figures. Targets (issue 15): ratio >= 1.0 at 1,000,000 and
# 10,000,000 records, minqing's peak RSS <= 85 MB and <= 340 MB. MISSED marks
# a target not reached; MQ_BENCH_STRICT=1 makes that fail the script.
# RECORDS and RUNS override the sizes and the runs per tool.
BUILD=${BUILD:-build}
RECORDS=${RECORDS:-"1000000 10000000"}
RUNS=${RUNS:-3}
PEERS=$BUILD/peers
# data_half finds the templates of this checkout
export MINQING_TEMPLATES=${MINQING_TEMPLATES:-$(pwd)/templates}
HERE=$(dirname "$0")
for t in data_half gen_visits csv_floor; do
	[ -x "$BUILD/tools/$t" ] || { echo "bench-peers: $BUILD/tools/$t missing (make all)"; exit 1; }
done
command -v node > /dev/null && command -v npm > /dev/null ||
	{ echo "bench-peers: node and npm missing (make deps-peers)"; exit 1; }

# DuckDB's Node package, pinned in package.json, installed once into build/peers
mkdir -p "$PEERS" || exit 1
cp "$HERE/package.json" "$HERE/duckdb_groupby.mjs" "$PEERS/" || exit 1
if [ ! -d "$PEERS/node_modules/@duckdb/node-api" ]; then
	(cd "$PEERS" && npm install --no-audit --no-fund --loglevel=error) ||
		{ echo "bench-peers: npm install failed"; exit 1; }
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/mq_bench_peers.XXXXXX")
trap 'rm -rf "$T"' EXIT
missed=0

# wall seconds and peak RSS (KB) of one command, appended to the file $1; $2 is
# the highest exit status that is not a failure (data_half exits 1 when it
# rejected records; a failed DuckDB must never be timed as a result)
timed() {
	out=$1; ok=$2; shift 2
	/usr/bin/time -f "%e %M" -o "$T/time" "$@" > "$T/stdout" 2> "$T/stderr"
	rc=$?
	[ $rc -le "$ok" ] || { echo "bench-peers: $* failed ($rc):"; tail -5 "$T/stderr"; exit 1; }
	grep -v "^Command" "$T/time" >> "$out"
}

for n in $RECORDS; do
	d="$T/d$n"
	mkdir -p "$d/duck" || exit 1
	"$BUILD/tools/gen_visits" --records "$n" --seed 7 --out "$d" > /dev/null && sync || exit 1
	bytes=$(wc -c < "$d/visits.csv")
	: > "$T/mq"; : > "$T/duck"; : > "$T/floor"
	timed "$T/floor" 0 "$BUILD/tools/csv_floor" "$d/visits.csv"
	i=0
	while [ $i -lt "$RUNS" ]; do
		rm -rf "$d/out"
		timed "$T/mq" 1 "$BUILD/tools/data_half" "$d/out" 2024 2024-12-31 "$d/registry.csv" \
			"$d/roster.csv" "$d/assignments.csv" "$d/visits.csv"
		timed "$T/duck" 0 node "$PEERS/duckdb_groupby.mjs" "$d/visits.csv" 2024-12-31 2 "$d/duck"
		duck_records=$(sed -n 's/^duckdb: \([0-9]*\) records$/\1/p' "$T/stdout")
		i=$((i + 1))
	done
	median() { sort -n "$1" | awk '{ w[NR] = $1; if ($2 > rss) rss = $2 } END { printf "%s %d", w[int((NR + 1) / 2)], rss }'; }
	set -- $(median "$T/mq") $(median "$T/duck") $(median "$T/floor")
	awk -v n="$n" -v bytes="$bytes" -v mq="$1" -v mqrss="$2" -v du="$3" -v durss="$4" \
	    -v fl="$5" -v dr="$duck_records" -v strict="${MQ_BENCH_STRICT:-0}" -v runs="$RUNS" 'BEGIN {
		ratio = du / mq; mqmb = mqrss / 1024; dumb = durss / 1024
		printf "bench-peers %d records (%.0f MB), median of %d runs each, alternating:\n", n, bytes / 1e6, runs
		printf "  minqing validate+aggregate+assess: %.2f s (%.0f MB/s), peak RSS %.1f MB\n", mq, bytes / 1e6 / mq, mqmb
		printf "  DuckDB 2 threads, group-bys only:  %.2f s (%.0f MB/s), peak RSS %.1f MB, %d records read (malformed rows skipped)\n", du, bytes / 1e6 / du, dumb, dr
		printf "  libcsv parse only (floor):         %.2f s (%.0f MB/s)\n", fl, bytes / 1e6 / fl
		printf "  ratio DuckDB time / minqing time:  %.2f\n", ratio
		limit = n <= 1000000 ? 85 : 340; bad = 0
		if (ratio < 1.0) { printf "  MISSED: ratio %.2f < 1.0\n", ratio; bad = 1 }
		if (mqmb > limit) { printf "  MISSED: peak RSS %.1f MB > %d MB\n", mqmb, limit; bad = 1 }
		exit bad && strict
	}' || missed=1
	rm -rf "$d"
done
exit $missed

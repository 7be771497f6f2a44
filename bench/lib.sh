# lib.sh — the start of the benchmarks on generated records, sourced with
# BENCH set to the benchmark's name: BUILD, MINQING, N (RECORDS=N, default
# 1,000,000), T (a temporary folder, removed on exit) and gen_records.
BUILD=${BUILD:-build}
MINQING=${MINQING:-$BUILD/minqing}
N=${RECORDS:-1000000}
T=$(mktemp -d "${TMPDIR:-/tmp}/mq_bench_$BENCH.XXXXXX")
trap 'rm -rf "$T"' EXIT

# gen_records SEED DIR: N records (and the reference files) into DIR.
# The files are synced, so the command measured next does not pay for
# writing back the generator's half gigabyte.
gen_records() {
	"$BUILD/tools/gen_visits" --records "$N" --seed "$1" --out "$2" > /dev/null && sync
}

#!/bin/sh
# Validate benchmark (issue 2): a seeded 1,000,000-record CSV (~510 MB,
# notes of 20–200 characters) through `minqing validate`, against the floor
# of libcsv parsing the same file and doing nothing else (build/tools/
# csv_floor). Reports MB/s, records/s, peak RSS and the duplicate-id index
# size per record. Targets: >= 250 MB/s, peak RSS <= 50 MB plus the index.
# A missed target prints MISSED; MQ_BENCH_STRICT=1 makes it fail.
# RECORDS=N changes the size.
BENCH=validate
. "$(dirname "$0")/lib.sh"
gen_records 11 "$T" || exit 1
bytes=$(wc -c < "$T/visits.csv")
cat "$T/visits.csv" > /dev/null  # into the page cache for both runs

/usr/bin/time -f "%e %U %S %M" -o "$T/floor.time" "$BUILD/tools/csv_floor" "$T/visits.csv" > /dev/null || exit 1
/usr/bin/time -f "%e %U %S %M" -o "$T/val.time" "$MINQING" validate "$T/visits.csv" \
	--registry "$T/registry.csv" --roster "$T/roster.csv" --as-of 2024-12-31 --out "$T/out" \
	--quiet --verbose 2> "$T/val.log"
rc=$?
[ $rc -le 1 ] || { echo "bench_validate: minqing validate failed ($rc)"; cat "$T/val.log"; exit 1; }
index=$(sed -n 's/.*index: \([0-9]*\) bytes.*/\1/p' "$T/val.log")
accepted=$(sed -n 's/^accepted,//p' "$T/out/data/counts.csv" | tr -d '\r')
awk -v bytes="$bytes" -v n="$N" -v index_bytes="${index:-0}" -v accepted="${accepted:-1}" \
    -v strict="${MQ_BENCH_STRICT:-0}" '
	FILENAME ~ /floor/ { fw = $1; fc = $2 + $3 }
	FILENAME ~ /val/   { vw = $1; vc = $2 + $3; rss = $4 / 1024 }
	END {
		mb = bytes / 1e6
		printf "bench_validate: %d records, %.0f MB\n", n, mb
		printf "  libcsv parse only: %.2f s wall, %.2f s CPU: %.0f MB/s\n", fw, fc, mb / fw
		printf "  minqing validate:  %.2f s wall, %.2f s CPU: %.0f MB/s (%.0f MB/s per CPU second), %.0f records/s, peak RSS %.1f MB\n", \
			vw, vc, mb / vw, mb / vc, n / vw, rss
		printf "  duplicate-id index: %.1f MB, %.1f bytes per accepted record\n", index_bytes / 1048576, index_bytes / accepted
		bad = 0
		if (mb / vw < 250) { printf "  MISSED: %.0f MB/s < 250 MB/s\n", mb / vw; bad = 1 }
		if (rss > 50 + index_bytes / 1048576) { printf "  MISSED: peak RSS %.1f MB > 50 MB + index\n", rss; bad = 1 }
		exit bad && strict
	}' "$T/floor.time" "$T/val.time"

#!/bin/sh
# End-to-end benchmark (issue 6): `minqing run` on a generated county-year
# (1,000,000 records by default, RECORDS=N to change) with --verbose, which
# prints the seconds and share of each stage; then the same stages run
# alone (validate, aggregate, render, archive) on the same data. Targets:
# the whole run costs at most 1.2× the sum of the stages alone, packaging
# at least 100 MB/s of payload, and (issue 15) the run of 1,000,000 records
# takes at most 20 s on the 2-core machine. The machine may be shared: the
# CPU seconds of the run are printed beside its wall time. A missed target prints MISSED;
# MQ_BENCH_STRICT=1 makes it fail.
BENCH=run
. "$(dirname "$0")/lib.sh"
gen_records 5 "$T/in" || exit 1
REF="--registry $T/in/registry.csv --roster $T/in/roster.csv --assignments $T/in/assignments.csv"
ARGS="--period 2024 --as-of 2024-12-31"

secs() { /usr/bin/time -f "%e %M %U %S" -o "$T/time" "$@" > /dev/null 2>> "$T/log"; rc=$?
	[ $rc -le 1 ] || { echo "bench_run: $* failed ($rc)" >&2; tail "$T/log" >&2; exit 1; }; grep -v "^Command" "$T/time"; }

whole=$(secs "$MINQING" run "$T/in/visits.csv" $REF $ARGS --out "$T/run" --verbose)
grep -A8 '^用时 / time' "$T/log" | sed 's/^/  /'
v=$(secs "$MINQING" validate "$T/in/visits.csv" --registry "$T/in/registry.csv" --roster "$T/in/roster.csv" \
	--as-of 2024-12-31 --out "$T/alone" --quiet)
a=$(secs "$MINQING" aggregate $REF $ARGS --out "$T/alone" --quiet)
r=$(secs "$MINQING" render --period 2024 --out "$T/alone" --quiet)
cp "$T/run/data/run.txt" "$T/alone/data/" 2>/dev/null
z=$(secs "$MINQING" archive --period 2024 --out "$T/alone")
# payload = the octets of every package's Payload-Oxum (a county and its
# townships each carry their files)
payload=$(for z in "$T"/alone/archive/*.zip; do unzip -p "$z" '*/bag-info.txt'; done |
	sed -n 's/^Payload-Oxum: \([0-9]*\)\..*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
echo "$whole|$v|$a|$r|$z|$payload|$N" | awk -F'|' -v strict="${MQ_BENCH_STRICT:-0}" '{
	split($1, w, " "); split($2, v, " "); split($3, a, " "); split($4, r, " "); split($5, z, " ")
	sum = v[1] + a[1] + r[1] + z[1]
	printf "bench_run: %d records: minqing run %.2f s (%.2f s CPU), peak RSS %.0f MB; target at 1,000,000: <= 20 s\n", \
		$7, w[1], w[3] + w[4], w[2] / 1024
	printf "  stages alone: validate %.2f s, aggregate+assess %.2f s, render %.2f s, archive %.2f s = %.2f s\n", \
		v[1], a[1], r[1], z[1], sum
	printf "  run / sum of stages alone: %.2f (target <= 1.2)\n", w[1] / sum
	printf "  packaging: %.0f MB of payload (all packages) in %.2f s: %.0f MB/s (target >= 100)\n", $6 / 1e6, z[1], $6 / 1e6 / z[1]
	bad = 0
	if ($7 >= 1000000 && w[1] > 20) { print "  MISSED: run > 20 s"; bad = 1 }
	if (w[1] > 1.2 * sum) { print "  MISSED: run > 1.2 x stages"; bad = 1 }
	if ($6 / 1e6 / z[1] < 100) { print "  MISSED: packaging < 100 MB/s"; bad = 1 }
	exit bad && strict }'

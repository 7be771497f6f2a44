#!/bin/sh
# build/tools/gen_visits: deterministic, township ranges and per-county files
# hold exactly the records of a full run, the summary counts what it wrote,
# and minqing validate agrees with the deliberate faults it reports.
. tests/e2e/lib.sh
GEN=${BUILD:-build}/tools/gen_visits
[ -x "$GEN" ] || { fail "no $GEN"; finish; exit 1; }
N=30000
args="--records $N --seed 42 --townships 6 --villages 5 --households-per-village 200"

"$GEN" $args --out "$TMP/a" > "$TMP/a.out"
check "gen_visits exits 0" test $? -eq 0
"$GEN" $args --out "$TMP/b" > /dev/null
for f in visits.csv registry.csv roster.csv assignments.csv; do
	check "$f is the same for the same seed" cmp -s "$TMP/a/$f" "$TMP/b/$f"
done
"$GEN" --records $N --seed 43 --townships 6 --villages 5 --households-per-village 200 --out "$TMP/c" > /dev/null
check "another seed gives other records" sh -c "! cmp -s '$TMP/a/visits.csv' '$TMP/c/visits.csv'"

check "canonical header" sh -c "head -1 '$TMP/a/visits.csv' | grep -q '^record_id,visit_date,county,township,village,village_group,cadre_id,'"
rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))-1)' "$TMP/a/visits.csv")
check "$N records written ($rows)" test "$rows" -eq $N
check "summary says read $N" grep -qx "read $N" "$TMP/a/expected_summary.txt"
bytes=$(wc -c < "$TMP/a/visits.csv")
check "about 500 bytes a record ($bytes bytes)" test "$bytes" -gt $((N * 420)) -a "$bytes" -lt $((N * 600))
check "registry has 30 villages" test "$(tail -n +2 "$TMP/a/registry.csv" | wc -l)" -eq 30
check "roster has 120 cadres" test "$(tail -n +2 "$TMP/a/roster.csv" | wc -l)" -eq 120

# two township ranges = the full run, record for record
"$GEN" $args --township-range 1-2 --out "$TMP/r1" > /dev/null
"$GEN" $args --township-range 3-6 --out "$TMP/r2" > /dev/null
for f in visits.csv registry.csv roster.csv assignments.csv; do
	tail -n +2 "$TMP/a/$f" | sort > "$TMP/full.s"
	cat "$TMP/r1/$f" "$TMP/r2/$f" | grep -v '^record_id,\|^county,\|^cadre_id,' | sort > "$TMP/parts.s"
	check "ranges 1-2 + 3-6 hold the $f of the full run" cmp -s "$TMP/full.s" "$TMP/parts.s"
done
check "range 1-2 holds only townships 01-02" sh -c "! tail -n +2 '$TMP/r1/visits.csv' | grep -a '^R010[3-9]' | grep -q ."

# one file per county = the same records as one file
"$GEN" --records 20000 --seed 5 --counties 3 --townships 4 --villages 3 --out "$TMP/w" > /dev/null
"$GEN" --records 20000 --seed 5 --counties 3 --townships 4 --villages 3 --split-by-county --out "$TMP/s" > /dev/null
check "three county files" test "$(ls "$TMP/s"/visits_*.csv | wc -l)" -eq 3
tail -n +2 "$TMP/w/visits.csv" | sort > "$TMP/w.s"
for f in "$TMP/s"/visits_*.csv; do tail -n +2 "$f"; done | sort > "$TMP/s.s"
check "county files hold the records of the single file" cmp -s "$TMP/w.s" "$TMP/s.s"
one=$(ls "$TMP/s"/visits_*.csv | head -1)
county=$(basename "$one" .csv | sed 's/^visits_//')
check "each county file holds one county ($county)" test "$(python3 -c 'import csv,sys
r = csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""))
print(len({x["county"] for x in r}))' "$one")" -eq 1

check "usage error exits 2" sh -c "'$GEN' --records 5 --out '$TMP/x' --township-range 3-99 2>/dev/null; test \$? -eq 2"

# the validator finds exactly the faults the generator reports
if [ -x "$MINQING" ]; then
	"$MINQING" validate "$TMP/a/visits.csv" --registry "$TMP/a/registry.csv" \
		--roster "$TMP/a/roster.csv" --as-of 2024-12-31 --out "$TMP/v" > "$TMP/v.log" 2>&1
	for k in accepted rejected; do
		n=$(sed -n "s/^$k //p" "$TMP/a/expected_summary.txt")
		check "validate: $k $n" grep -q "$k: $n\$" "$TMP/v.log"
	done
	for code in E001 E002 E003 E004 E005 E006 E007 E008 E009 E011 E012; do
		n=$(sed -n "s/^$code //p" "$TMP/a/expected_summary.txt")
		[ "$n" -gt 0 ] || continue
		check "validate: $code $n" grep -q "^ *$code: $n " "$TMP/v.log"
	done
	n=$(sed -n 's/^dropped //p' "$TMP/a/expected_summary.txt")
	check "validate: dropped $n" grep -q "dropped_duplicates: $n\$" "$TMP/v.log"
fi
finish

#!/bin/sh
# Scale-out: the example's accepted records split into two shards,
# aggregated in parallel (GNU parallel -j2) into partial state files and
# merged, give byte-identical CSVs to one run over all of them; a partial of
# another period or a damaged one is refused.
. tests/e2e/lib.sh
EX=${MQ_EXAMPLE:-tests/examples/small-utf8}
FILES="village_summary.csv township_summary.csv county_summary.csv cadre_monthly.csv assessment.csv team_assessment.csv assessment_facts.csv"
REF="--registry $EX/registry.csv --roster $EX/roster.csv --assignments $EX/assignments.csv"
export EX REF MINQING TMP

$MINQING validate "$EX/input/visits_1307_T01.xml" "$EX/input/visits_2024H1.csv" "$EX/input/visits_2024H2.csv" \
	--registry "$EX/registry.csv" --roster "$EX/roster.csv" --as-of 2024-12-31 --out "$TMP/all" --quiet 2> /dev/null
check "validate wrote accepted.csv" test -s "$TMP/all/data/accepted.csv"

# alternate records between the shards, so every village and cadre is split
python3 - "$TMP" <<'PY'
import csv, os, sys
tmp = sys.argv[1]
with open(f"{tmp}/all/data/accepted.csv", encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
for i in (0, 1):
    os.makedirs(f"{tmp}/shard{i}/data", exist_ok=True)
    with open(f"{tmp}/shard{i}/data/accepted.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(rows[0])
        w.writerows(rows[1 + i::2])
PY
check "shards split" test -s "$TMP/shard1/data/accepted.csv"

for p in 2024 2024-Q1; do
	$MINQING aggregate --period $p $REF --as-of 2024-12-31 --out "$TMP/all" --quiet 2> /dev/null
	mkdir -p "$TMP/single$p"
	for f in $FILES; do cp "$TMP/all/data/$f" "$TMP/single$p/"; done
	parallel -j2 --halt now,fail=1 \
		"\$MINQING aggregate --period $p \$REF --as-of 2024-12-31 --partial \$TMP/{}.$p.part --out \$TMP/{} --quiet" \
		::: shard0 shard1
	check "parallel aggregate --partial ($p) exits 0" test $? -eq 0
	check "partial is zlib-compressed after its header" sh -c \
		"head -c 8 '$TMP/shard0.$p.part' | grep -q MQPART1 && test \"\$(tail -c +13 '$TMP/shard0.$p.part' | head -c 1 | od -An -tx1 | tr -d ' ')\" = 78"
	$MINQING merge "$TMP/shard0.$p.part" "$TMP/shard1.$p.part" --period $p $REF --out "$TMP/merged$p" --quiet 2> "$TMP/merge.log"
	check "merge ($p) exits 0" test $? -eq 0
	$MINQING merge "$TMP/shard1.$p.part" "$TMP/shard0.$p.part" --period $p $REF --out "$TMP/merged_rev$p" --quiet 2> /dev/null
	for f in $FILES; do
		check "$p $f: merged = single run, byte for byte" cmp -s "$TMP/single$p/$f" "$TMP/merged$p/data/$f"
		check "$p $f: merge order does not matter" cmp -s "$TMP/single$p/$f" "$TMP/merged_rev$p/data/$f"
	done
	check "$p: cadre_monthly has rows" test "$(wc -l < "$TMP/merged$p/data/cadre_monthly.csv")" -gt 19
done

# a merge tree: two partials merged into a partial, then merged alone
$MINQING merge "$TMP/shard0.2024.part" "$TMP/shard1.2024.part" --period 2024 $REF --partial "$TMP/both.part" --quiet 2> /dev/null
check "merge --partial exits 0" test $? -eq 0
$MINQING merge "$TMP/both.part" --period 2024 $REF --out "$TMP/tree" --quiet 2> /dev/null
for f in $FILES; do
	check "merge tree $f = single run" cmp -s "$TMP/single2024/$f" "$TMP/tree/data/$f"
done

# refused: another period, another run date, a damaged file
$MINQING merge "$TMP/shard0.2024.part" --period 2024-Q1 $REF --out "$TMP/x" 2> "$TMP/err1.log"
check "partial of another period is refused (exit 3)" test $? -eq 3
check "the message names the periods" grep -q "2024-Q1" "$TMP/err1.log"
$MINQING merge "$TMP/shard0.2024.part" --period 2024 --as-of 2024-11-30 $REF --out "$TMP/x" 2> /dev/null
check "partial of another run date is refused" test $? -eq 3
head -c 2000 "$TMP/shard0.2024.part" > "$TMP/cut.part"
$MINQING merge "$TMP/cut.part" --period 2024 $REF --out "$TMP/x" 2> "$TMP/err2.log"
check "a truncated partial is refused" test $? -eq 3
check "nothing written after a refused merge" test ! -e "$TMP/x/data/assessment.csv"
finish

#!/bin/sh
# The accounting identity at scale: 100,000 generated records (seed 7) with
# about 0.1 % planted faults and 0.01 % exact duplicates. Every record is
# accepted, rejected or dropped (read = accepted + rejected + dropped), the
# counts are the ones the generator planted, and the output files hold
# exactly that many rows (counted as CSV records: notes may hold line breaks).
. tests/e2e/lib.sh
GEN=${BUILD:-build}/tools/gen_visits
[ -x "$MINQING" ] || { fail "no minqing binary at $MINQING"; finish; exit 1; }
[ -x "$GEN" ] || { fail "no generator at $GEN"; finish; exit 1; }

"$GEN" --records 100000 --seed 7 --out "$TMP/g" > "$TMP/gen.log" 2>&1
check "gen_visits runs" test $? -eq 0
"$MINQING" validate "$TMP/g/visits.csv" --registry "$TMP/g/registry.csv" --roster "$TMP/g/roster.csv" \
	--as-of 2024-12-31 --out "$TMP/out" > "$TMP/validate.log" 2>&1
status=$?
check "validate exits 1 (planted rejects)" test "$status" -eq 1
[ "$status" -eq 1 ] || sed 's/^/   | /' "$TMP/validate.log" | tail -20 >&2

python3 - "$TMP/out/data" "$TMP/g/expected_summary.txt" > "$TMP/identity.txt" <<'PY'
import csv, sys
d, summary = sys.argv[1], sys.argv[2]
def rows(name):
    with open(f"{d}/{name}", encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))
counts = {r[0]: r[1] for r in rows("counts.csv")[1:]}
n = lambda k: int(counts.get(k, "-1"))
problems = []
read, acc, rej, drop = n("records_read"), n("accepted"), n("rejected"), n("dropped_duplicates")
if read != acc + rej + drop:
    problems.append(f"records_read {read} != accepted {acc} + rejected {rej} + dropped {drop}")
names = {"read": "records_read", "accepted": "accepted", "rejected": "rejected",
         "dropped": "dropped_duplicates"}
planted = {}
for line in open(summary, encoding="utf-8"):
    k, v = line.split()
    planted[k] = int(v)
for k, v in planted.items():
    metric = names.get(k, k)
    if k == "bytes":
        continue
    if n(metric) != v:
        problems.append(f"{metric} = {n(metric)}, the generator planted {v}")
if planted.get("read") != 100000:
    problems.append(f"generator summary says read {planted.get('read')}, expected 100000")
if n("W006") != drop:
    problems.append(f"W006 {n('W006')} != dropped_duplicates {drop}")
if sum(n("E%03d" % i) for i in range(1, 13)) != rej:
    problems.append("per-code rejects do not add up to rejected")
a = rows("accepted.csv")
if len(a) - 1 != acc:
    problems.append(f"accepted.csv has {len(a) - 1} records, counts say {acc}")
r = rows("rejects.csv")
if len(r) - 1 != rej:
    problems.append(f"rejects.csv has {len(r) - 1} records, counts say {rej}")
w = rows("warnings.csv")
if sum(1 for x in w[1:] if x[3] == "W006") != drop:
    problems.append("warnings.csv W006 rows != dropped_duplicates")
ids = [x[0] for x in a[1:]]
if len(set(ids)) != len(ids):
    problems.append(f"accepted.csv repeats {len(ids) - len(set(ids))} record ids")
if problems:
    print("\n".join(problems))
PY
check "counts match the generator and the files, read = accepted + rejected + dropped" test ! -s "$TMP/identity.txt"
[ -s "$TMP/identity.txt" ] && sed 's/^/   /' "$TMP/identity.txt" >&2
for log in "$TMP"/*.log; do
	check "no sanitizer report in $(basename "$log")" sh -c "! grep -qE 'Sanitizer|runtime error:' '$log'"
done
finish

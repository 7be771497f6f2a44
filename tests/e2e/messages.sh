#!/bin/sh
# Messages that name the cause: an unknown template field is a template
# error (exit 3, file:line, the field named), never a "—" in an official
# text; Ctrl-C during render stops before the next document and leaves the
# previous reports; --config naming a missing file is fatal (run_pipeline.sh).
. tests/e2e/lib.sh

python3 tests/e2e/gen_names.py "$TMP/in" 20000
IN=$TMP/in
$MINQING run "$IN/visits.csv" --registry "$IN/registry.csv" --roster "$IN/roster.csv" \
	--period 2024-03 --as-of 2024-03-31 --out "$TMP/o" --quiet 2>/dev/null
check "the run for the messages exits 1" test $? -eq 1
rsum() { (cd "$1" && find reports -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum); }
before=$(rsum "$TMP/o")

# an unknown template field
mkdir -p "$TMP/t"
cp templates/* "$TMP/t/"
line=$(grep -n '共开展民情走访{visits|int}次' "$TMP/t/monthly_summary.xml" | cut -d: -f1)
sed -i 's/共开展民情走访{visits|int}次/共开展民情走访{no_such_field|int}次/' "$TMP/t/monthly_summary.xml"
$MINQING render --period 2024-03 --out "$TMP/o" --templates "$TMP/t" --quiet 2> "$TMP/err"
check "an unknown template field: exit 3" test $? -eq 3
check "the message names the template and its line ($line)" grep -q "monthly_summary.xml:$line" "$TMP/err"
check "the message names the field" grep -q "{no_such_field}" "$TMP/err"
check "the previous reports are unchanged" test "$(rsum "$TMP/o")" = "$before"

# a template or its schema that cannot be read: the cause, and no libxml2
# "I/O warning" on stderr
rm "$TMP/t/monthly_summary.xml"
$MINQING render --period 2024-03 --out "$TMP/o" --templates "$TMP/t" --quiet 2> "$TMP/err"
check "a missing template: exit 3" test $? -eq 3
check "a missing template: named with its cause" grep -q "monthly_summary.xml.*no such file or directory" "$TMP/err"
check "a missing template: no I/O warning of libxml2" sh -c '! grep -q "I/O warning" "$1"' _ "$TMP/err"
cp templates/monthly_summary.xml "$TMP/t/"
rm "$TMP/t/template.xsd"
$MINQING render --period 2024-03 --out "$TMP/o" --templates "$TMP/t" --quiet 2> "$TMP/err"
check "a missing template schema: exit 3, named, no I/O warning" sh -c \
	'test $2 -eq 3 && grep -q "template.xsd.*no such file or directory" "$1" && ! grep -q "I/O warning" "$1"' _ "$TMP/err" $?

# Ctrl-C (SIGINT) during render: stops at the next document
$MINQING render --period 2024-03 --out "$TMP/o" --quiet 2> "$TMP/int.err" &
pid=$!
# once its first report is written the render is under way (a fixed wait
# could outlast a fast render)
i=0
while [ $i -lt 1000 ] && ! ls "$TMP"/o/.minqing.tmp.*/reports/*.pdf > /dev/null 2>&1; do
	sleep 0.01
	i=$((i + 1))
done
kill -INT $pid 2>/dev/null
t0=$(date +%s)
wait $pid
st=$?
t1=$(date +%s)
check "render stopped by Ctrl-C exits 3 ($st)" test $st -eq 3
check "and says it was interrupted" grep -q "interrupted" "$TMP/int.err"
check "within a few seconds ($((t1 - t0)) s)" test $((t1 - t0)) -le 5
check "the previous reports are unchanged" test "$(rsum "$TMP/o")" = "$before"
check "no staging folder left" test -z "$(ls -A "$TMP/o" | grep minqing.tmp)"
# 100,000 unknown columns: the first five named, then one line
python3 - "$TMP/wide.csv" <<'EOF'
import csv, sys
h = ("record_id,visit_date,county,township,village,village_group,cadre_id,cadre_name,cadre_unit,household_id,"
     "householder,household_size,household_type,visit_mode,topics,demand,measure,due_date,status,closed_date,"
     "signed,satisfaction,per_capita_income,notes").split(",")
w = csv.writer(open(sys.argv[1], "w", newline="", encoding="utf-8"))
w.writerow(h + ["x%d" % i for i in range(100000)])
w.writerow(["R1", "2024-03-02", "县", "乡", "村", "", "C1", "张三", "", "H1", "李四", "3", "脱贫户", "入户走访"] + [""] * 6
           + ["是", "", "", ""] + [""] * 100000)
EOF
$MINQING validate "$TMP/wide.csv" --out "$TMP/w" 2> "$TMP/wide.err"
check "100,000 unknown columns: five named" test "$(grep -c 'unknown column "' "$TMP/wide.err")" -eq 5
check "100,000 unknown columns: then one line for the rest" test "$(grep -c 'more unknown columns' "$TMP/wide.err")" -eq 1
finish

#!/bin/sh
# The duplicate check reads the first copy of an id back from accepted.csv
# (validate_out.c, values_same): from the file once its rows have been
# handed to the writer, from memory before. Duplicates and id conflicts
# whose first copy lies either way, past rows with quotes, commas and line
# breaks in a cell (the row scan must respect quotes), and a field present
# but empty after normalising against the same field absent. Again with
# accepted.csv past its first 64 KB written from a buffer of its own
# (files.h, O_DIRECT where the disk takes it), which the read-back must
# flush first.
. tests/e2e/lib.sh
H=record_id,visit_date,county,township,village,cadre_id,cadre_name,household_id,householder,household_size,household_type,visit_mode,signed,topics,notes
row() { # id topics notes
	printf '%s,2024-03-02,张北县,油篓沟乡,玻璃彩村,C1,王晓东,H1,于占峰,5,脱贫户,入户走访,是,%s,%s\r\n' "$1" "$2" "$3"
}
long='"走访记录, ""重点户""
第二行'$(printf '%0200d' 0)'"'
{
	echo "$H"
	row D1 '；' ''                      # line 2: topics present, empty once normalised
	row D1 '' ''                        # line 3: topics absent: E006
	row D2 基本医疗 "$long"             # line 4 (two lines)
	i=0
	while [ $i -lt 3000 ]; do           # lines 6, 8, … 6004: about 1 MB of rows
		row "F$i" 基本医疗 "$long"
		i=$((i + 1))
	done
	row D2 基本医疗 "$long"             # W006: the first copy in the file
	row D2 基本医疗 "${long%\"}改\""    # E006: one more character
	row F2999 基本医疗 "$long"          # W006: the first copy still in memory
	row F1500 '基本医疗;吃穿' "$long"   # E006
	row D1 ' 、 ' ''                    # W006: topics present and empty again
} > "$TMP/dups.csv"

for mode in thread same staged; do
	env=
	[ "$mode" = same ] && env="MQ_TEST_NO_WRITER_THREAD=1"
	[ "$mode" = staged ] && env="MQ_TEST_OUT_KEEP=65536"
	env $env "$MINQING" validate "$TMP/dups.csv" --as-of 2024-12-31 --out "$TMP/$mode" --quiet > /dev/null 2>&1
	check "validate ($mode): exit 1 (rejects)" test $? -eq 1
done
W=$TMP/thread/data/warnings.csv
R=$TMP/thread/data/rejects.csv
check "three duplicates dropped" test "$(grep -c ',W006,' "$W")" -eq 3
check "three id conflicts rejected" test "$(grep -c ',E006,' "$R")" -eq 3
check "D2's first copy found at line 4" grep -q ',D2,W006,.*dups.csv line 4: dropped' "$W"
check "F2999's first copy found at line 6004" grep -q ',F2999,W006,.*dups.csv line 6004: dropped' "$W"
check "D1 with topics present and empty: dropped against line 2" grep -q ',D1,W006,.*dups.csv line 2: dropped' "$W"
check "D1 with topics absent: E006 against line 2" grep -q ',D1,E006,.*line 2' "$R"
check "D2 changed: E006" grep -q ',D2,E006,' "$R"
check "F1500 changed: E006" grep -q ',F1500,E006,' "$R"
for f in accepted.csv rejects.csv warnings.csv; do
	check "$f the same with the writes on the records' thread" cmp -s "$TMP/thread/data/$f" "$TMP/same/data/$f"
	check "$f the same with the writes staged past 64 KB" cmp -s "$TMP/thread/data/$f" "$TMP/staged/data/$f"
done
finish

#!/bin/sh
# Page breaks (issue 11): tests/templates/pagination.xml pushed down the
# page by every height from 0 to 720 points in steps of 24: a paragraph
# keeps two lines on each side of a break, a heading and a table caption
# never end a page (they go with the table's header and two rows), no page
# holds only a heading (the heading before sections that start pages goes
# with the first; a heading goes with a paragraph of three lines, which
# cannot split two and two), a table's last row never stands alone, and a table of
# three rows is never split.
. tests/e2e/lib.sh
BUILD=${BUILD:-build}
TOOL=$BUILD/tools/render_sample
HERE=$(cd "$(dirname "$0")" && pwd)
# under the sanitizers every fourth position (the same engine code runs)
step=24; [ -n "$SANITIZED" ] && step=96
want=$((720 / step + 1))
bad_para=0; bad_rows=0; bad_pages=0; n=0
for h in $(seq 0 $step 720); do
	sed "s/SPACE/$h/" tests/templates/pagination.xml > "$TMP/p.xml"
	"$TOOL" --rows 7 --townships 2 --xsd templates/template.xsd "$TMP/p.xml" "$TMP/p.pdf" > /dev/null || { bad_pages=$((bad_pages + 1)); continue; }
	n=$((n + 1))
	pdftotext -layout "$TMP/p.pdf" "$TMP/p.txt"
	# lines of the paragraph on each page: 0 or at least 2
	awk 'BEGIN { RS = "\f" } { c = 0; n = split($0, l, "\n"); for (i = 1; i <= n; i++) if (l[i] ~ /段/) c++;
		if (c == 1) bad = 1 } END { exit bad }' "$TMP/p.txt" || { bad_para=$((bad_para + 1)); echo "orphan or widow at $h" >&2; }
	# the last row shares its page with the one before
	awk 'BEGIN { RS = "\f" } /MQ-00007/ && !/MQ-00006/ { bad = 1 } END { exit bad }' "$TMP/p.txt" ||
		{ bad_rows=$((bad_rows + 1)); echo "last row alone at $h" >&2; }
	python3 "$HERE/check_pages.py" "$TMP/p.pdf" > "$TMP/cp.log" || { bad_pages=$((bad_pages + 1)); echo "at $h:" >&2; cat "$TMP/cp.log" >&2; }
done
# a table of three rows is never split (2 + 1 leaves the last alone, 1 + 2 the header with one)
split3=0
for h in $(seq 0 $step 720); do
	sed "s/SPACE/$h/" tests/templates/pagination.xml > "$TMP/p.xml"
	"$TOOL" --rows 3 --townships 1 --xsd templates/template.xsd "$TMP/p.xml" "$TMP/p.pdf" > /dev/null
	pdftotext -layout "$TMP/p.pdf" "$TMP/p.txt"
	awk 'BEGIN { RS = "\f" } { n = gsub(/MQ-0000/, "&"); if (n && n != 3) bad = 1 } END { exit bad }' "$TMP/p.txt" ||
		{ split3=$((split3 + 1)); echo "three rows split at $h" >&2; }
done
check "$want positions rendered ($n)" [ "$n" -eq "$want" ]
check "a three-row table stays whole ($split3 split)" [ "$split3" -eq 0 ]
check "paragraphs: two lines each side of a break ($bad_para bad)" [ "$bad_para" -eq 0 ]
check "a table's last row never alone ($bad_rows bad)" [ "$bad_rows" -eq 0 ]
check "headings and captions never end a page, no page of headings only ($bad_pages bad)" [ "$bad_pages" -eq 0 ]
finish

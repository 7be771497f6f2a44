#!/bin/sh
# Where templates come from: --templates (or the config file's templates),
# then $XDG_DATA_HOME/minqing/templates, then the installed ones; a
# ./templates in the current folder is never used. `minqing templates
# --copy DIR` writes the installed templates out and overwrites nothing.
set -u
. tests/e2e/lib.sh
E=$(pwd)/tests/examples/small-utf8
REPO=$(pwd)
unset MINQING_TEMPLATES
export XDG_DATA_HOME="$TMP/xdg"
N=$(ls templates | wc -l)

check "templates --copy" sh -c "'$MINQING' templates --copy '$TMP/copy' > '$TMP/copy.out' 2>/dev/null"
check "every installed template copied ($N files)" test "$(ls "$TMP/copy" | wc -l)" = "$N"
check "the copies equal the shipped files" diff -r templates "$TMP/copy"
check "the copied paths on stdout" grep -q "$TMP/copy/rubric.xml" "$TMP/copy.out"
echo "<edited/>" > "$TMP/copy/rubric.xml"
"$MINQING" templates --copy "$TMP/copy" > /dev/null 2> "$TMP/again.err"
check "a second copy is refused (exit 2)" test $? = 2
check "… and says what exists" grep -q "already exists" "$TMP/again.err"
check "… and overwrites nothing" grep -qx "<edited/>" "$TMP/copy/rubric.xml"

# the figures once, then render them with each set of templates
"$MINQING" run "$E"/input/visits_1307_T01.xml "$E"/input/visits_2024H1.csv "$E"/input/visits_2024H2.csv \
	--registry "$E/registry.csv" --roster "$E/roster.csv" --assignments "$E/assignments.csv" \
	--period 2024-03 --as-of 2024-12-31 --out "$TMP/out" --quiet
edited() { # DIR MARK: a whole templates folder whose monthly summary says MARK
	mkdir -p "$1" && cp templates/* "$1/" &&
	sed -i "s/分村情况/分村情况$2/" "$1/monthly_summary.xml"
}
summary_text() {
	pdftotext "$(ls "$TMP"/out/reports/*工作小结.pdf | head -1)" - 2>/dev/null
}
render() { (cd "$WORK" && "$MINQING" render --period 2024-03 --out "$TMP/out" --quiet "$@"); }
WORK=$TMP/work
# a ./templates in the current folder with a broken monthly summary
mkdir -p "$WORK/templates" && echo "not xml" > "$WORK/templates/monthly_summary.xml"

check "render from a folder with a broken ./templates" render
check "… uses the shipped templates" eval 'summary_text | grep -q 分村情况'
edited "$XDG_DATA_HOME/minqing/templates" XDG
check "render with templates in \$XDG_DATA_HOME/minqing/templates" render
check "… uses the office's edited copy" eval 'summary_text | grep -q 分村情况XDG'
edited "$TMP/opt" OPT
check "render --templates DIR" render --templates "$TMP/opt"
check "… wins over \$XDG_DATA_HOME" eval 'summary_text | grep -q 分村情况OPT'
printf 'templates = opt\n' > "$TMP/minqing.conf"
check "render --config with templates = opt" render --config "$TMP/minqing.conf"
check "… wins over \$XDG_DATA_HOME too" eval 'summary_text | grep -q 分村情况OPT'
rm -rf "$XDG_DATA_HOME"
check "render without the XDG folder" render
check "… back to the shipped templates" eval 'summary_text | grep -q 分村情况 && ! summary_text | grep -q 分村情况OPT'

# minqing templates shows the order and the file each name resolves to
edited "$XDG_DATA_HOME/minqing/templates" XDG
(cd "$WORK" && "$MINQING" templates > "$TMP/show.out")
check "templates lists the XDG folder third" grep -q "3\. .*$XDG_DATA_HOME/minqing/templates" "$TMP/show.out"
check "templates shows the XDG copy in use" grep -q "monthly_summary.xml *$XDG_DATA_HOME/minqing/templates/monthly_summary.xml" "$TMP/show.out"
check "templates never shows ./templates" sh -c "! grep -q '$WORK/templates' '$TMP/show.out'"
check "templates --copy with an argument is a usage error" sh -c "'$MINQING' templates extra 2>/dev/null; test \$? = 2"
finish

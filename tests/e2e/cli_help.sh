#!/bin/sh
# Every command answers --help and -h with exit 0, and README's synopsis,
# `minqing --help`, each command's --help, both man pages and the bash
# completion agree: all are made from the table in pipeline/cli/cli.c.
. "$(dirname "$0")/lib.sh"
BUILD=${BUILD:-build}
CMDS="run validate aggregate merge render archive verify"

for c in $CMDS; do
	"$MINQING" "$c" --help > "$TMP/help_$c" 2>&1
	check "$c --help exits 0" test $? -eq 0
	"$MINQING" "$c" -h > "$TMP/h_$c" 2>&1
	check "$c -h exits 0" test $? -eq 0
	check "$c -h and --help print the same" cmp -s "$TMP/help_$c" "$TMP/h_$c"
	check "$c --help shows its synopsis" grep -q "^  minqing $c" "$TMP/help_$c"
done
"$MINQING" --help > "$TMP/help" 2>&1
check "minqing --help exits 0" test $? -eq 0
"$MINQING" > /dev/null 2>&1
check "minqing alone is a usage error (2)" test $? -eq 2
"$MINQING" validate --no-such-option x.csv > /dev/null 2>&1
check "an unknown option is a usage error (2)" test $? -eq 2

# README's synopsis is minqing --help's, line for line
python3 - "$TMP/help" README.md "$TMP" <<'PY' || fail "README synopsis, --help and the man pages agree"
import re, subprocess, sys
help_text = open(sys.argv[1], encoding="utf-8").read()
syn = help_text.split("用法 / usage:\n")[1].split("\n\n")[0].splitlines()
syn = [l.strip() for l in syn]
readme = open(sys.argv[2], encoding="utf-8").read()
block = readme.split("## Command line / 命令行\n\n")[1].split("\n\n")[0].splitlines()
block = [l.strip() for l in block]
if block != syn:
    sys.exit("README synopsis differs from minqing --help:\n" + "\n".join(block) + "\n---\n" + "\n".join(syn))
# every command's own --help shows the same synopsis lines
cmds = {}
cur = None
for l in syn:
    m = re.match(r"minqing (\S+)", l)
    if m:
        cur = m.group(1)
        cmds[cur] = []
    cmds[cur].append(l)
for c, lines in cmds.items():
    if c == "--help":
        continue
    own = open(f"{sys.argv[3]}/help_{c}", encoding="utf-8").read()
    own_syn = [l.strip() for l in own.split("用法 / usage:\n")[1].split("选项 / options:")[0].splitlines() if l.strip()]
    if own_syn != lines:
        sys.exit(f"{c} --help synopsis differs: {own_syn} vs {lines}")
    # and lists each option of its synopsis
    for opt in re.findall(r"--[a-z-]+", " ".join(lines)):
        if not re.search("^  " + opt + r"\b", own, re.M):
            sys.exit(f"{c} --help does not explain {opt}")
PY
ok

# the man pages (rendered by man) hold the same synopsis, every command and
# option, the exit statuses, files and an example
for page in "$BUILD/man/minqing.1" "$BUILD/man/zh_CN/minqing.1"; do
	check "$page exists" test -s "$page"
	MANWIDTH=200 man -l "$page" 2> /dev/null | sed 's/‐/-/g' > "$TMP/man.txt"
	check "$page renders" test -s "$TMP/man.txt"
	python3 - "$TMP/help" "$TMP/man.txt" <<'PY' || fail "$page agrees with minqing --help"
import re, sys
help_text = open(sys.argv[1], encoding="utf-8").read()
man = re.sub(r"\s+", " ", open(sys.argv[2], encoding="utf-8").read())
syn = help_text.split("用法 / usage:\n")[1].split("\n\n")[0]
for entry in re.split(r"\n(?=  minqing)", syn):
    want = re.sub(r"\s+", " ", entry).strip()
    if want not in man:
        sys.exit(f"man page lacks synopsis: {want}")
for opt in set(re.findall(r"--[a-z-]+", syn)) - {"--version"}:
    if man.count(opt) < 2:
        sys.exit(f"man page does not explain {opt}")
for sec in (["EXIT STATUS", "FILES", "EXAMPLE"], ["退出码", "文件", "示例"]):
    if all(s in man for s in sec):
        break
else:
    sys.exit("man page lacks exit status, files or example")
PY
	ok
done
check "the Chinese man page is in Chinese" grep -q "报告期" "$BUILD/man/zh_CN/minqing.1"

# bash completion: commands, each command's options, the period forms
comp="$BUILD/bash-completion/minqing"
complete_words() { # COMP words... → the completions, one a line
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _minqing; printf "%s\n" "${COMPREPLY[@]}"' "$comp" "$@"
}
for c in $CMDS; do
	complete_words minqing "" | grep -qx "$c"; check "completion offers $c" test $? -eq 0
	for opt in $(grep -o -- '--[a-z-]*' "$TMP/help_$c" | sort -u); do
		complete_words minqing "$c" "${opt%?}" | grep -qx -- "$opt"
		check "completion: $c $opt" test $? -eq 0
	done
done
y=$(date +%Y)
for p in "$y" "$y-Q2" "$y-04"; do
	complete_words minqing run --period "" | grep -qx "$p"; check "completion: --period offers $p" test $? -eq 0
done
complete_words minqing validate --encoding "" | grep -qx gb18030; check "completion: --encoding values" test $? -eq 0
finish

#!/bin/sh
# Progress in every stage, under a real terminal (script(1) gives the
# program a pty for stderr while stdout goes to a file): validate by input
# bytes, aggregate by figure rows written, assess by bytes hashed and read
# into the workbook, render by pages, archive by bytes packaged, each with
# a percentage short of 100 and a time left that is an estimate (not 0:00),
# the line redrawn with \r and cleared (ESC [K), a done line per stage
# without the old "left". Not on a terminal: plain lines. --quiet: nothing.
# The run summary is on stdout.
set -u
. tests/e2e/lib.sh
GEN=${BUILD:-build}/tools/gen_visits
# under the sanitizers fewer records still last long enough to redraw; nine
# cadres a village give the aggregate and assess stages rows to count
# (aggregate and assess last a tenth of a second or so: they draw once)
N=20000; case ${BUILD:-build} in *build-san*) N=8000 ;; esac # ASan
"$GEN" --records $N --seed 5 --townships 2 --cadres-per-village 9 --out "$TMP/g" > /dev/null 2>&1
check "gen_visits" test -s "$TMP/g/visits.csv"
G=$TMP/g
ARGS="$G/visits.csv --registry $G/registry.csv --roster $G/roster.csv --assignments $G/assignments.csv --period 2024-03 --as-of 2024-12-31 --jobs 2"
tty_run() { # TYPESCRIPT STDOUT CMD...: runs CMD with stderr on a pty
	ts=$1 out=$2; shift 2
	script -q -e -c "$* > $out" "$ts" > /dev/null 2>&1 < /dev/null
}

tty_run "$TMP/run.ts" "$TMP/run.out" "$MINQING" run $ARGS --out "$TMP/o1"
check "run on a terminal exits 1 (planted rejects)" test $? = 1
check "progress on the terminal: every stage moves, with time left" python3 - "$TMP/run.ts" <<'PY'
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
body = raw[raw.index("\n") + 1:]                     # after script's header line
bad = []
# every redraw starts at column 0 and clears the line: \r then ESC[K (or \r\n: a newline on a tty)
for m in re.finditer(r"\r(?!\x1b\[K|\n)", body):
    bad.append("a \\r redraw without ESC[K at %d" % m.start())
lines = [l for l in re.split(r"[\r\n]+", body) if l.startswith("\x1b[K")]
prog = re.compile(r"\x1b\[K(\S+ \S+) +(\d+)%  .*  剩余 left (\d+:\d\d(?::\d\d)?(?:\.\d+)?|--:--)$")
def seconds(left):  # "M:SS", "H:MM:SS", "0:SS.d", "0:00.dd"; None for "--:--"
    if left == "--:--":
        return None
    s = 0.0
    for part in left.split(":"):
        s = s * 60 + float(part)
    return s
seen = {}
for l in lines:
    m = prog.match(l)
    if m:
        seen.setdefault(m.group(1), []).append((int(m.group(2)), m.group(3)))
# a short stage (aggregate, assess) draws once: as soon as it has a rate,
# 10 ms after it starts; one done in under 0.05 s (fast disk) cannot draw
def took(stage):
    m = [re.search(r"完成 done  ([0-9.]+) 秒", l) for l in lines if l.startswith("\x1b[K%s  完成 done" % stage)]
    return float(m[0].group(1)) if m and m[0] else None
for stage, need in (("校验 validate", 1), ("汇总 aggregate", 1), ("考核 assess", 1),
                    ("报告 render", 2), ("归档 archive", 2)):
    got = seen.get(stage, [])
    t = took(stage)
    if not got and need == 1 and t == 0.0 and stage != "校验 validate":
        print("%s: done in under 0.05 s, no draw expected" % stage)
        continue
    if t is not None and t < 0.5 and need > 1:  # five draws a second at most
        print("%s: done in %.1f s, one draw is enough" % (stage, t))
        need = 1
    # aggregate and assess draw once; done in under 0.5 s, that one
    # estimate may round to 0:00.00
    short = stage in ("汇总 aggregate", "考核 assess") and t is not None and t < 0.5
    if short:
        print("%s: done in %.2f s, its one estimate may be 0:00" % (stage, t))
    pcts = sorted(set(p for p, _ in got))
    if len(pcts) < need:
        bad.append("%s: percentages %r" % (stage, pcts))
    # a percentage under way with an estimate that is not the placeholder nor 0:00
    if not short and not any(0 < p < 100 and (seconds(left) or 0) > 0 for p, left in got):
        bad.append("%s: no percentage between 0 and 100 with a time left: %r" % (stage, got[:5]))
    if [p for p, _ in got] != sorted(p for p, _ in got) or any(p > 100 for p in pcts):
        bad.append("%s: percentages out of order %r" % (stage, [p for p, _ in got]))
for stage in ("校验 validate", "汇总 aggregate", "考核 assess", "报告 render", "归档 archive"):
    done = [l for l in lines if l.startswith("\x1b[K%s  完成 done" % stage)]
    if len(done) != 1:
        bad.append("%s: done lines %r" % (stage, done))
    elif "left" in done[0] or "剩余" in done[0]:
        bad.append("%s: done line keeps the time left: %r" % (stage, done[0]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
check "the summary is on stdout" grep -q "读取 records_read: $N" "$TMP/run.out"
check "the summary has no progress in it" sh -c "! grep -q '[[:cntrl:]]\[K' '$TMP/run.out' && ! grep -q '剩余' '$TMP/run.out'"
check "the summary names the packages" grep -q "档案包 / packages" "$TMP/run.out"
check "the terminal got no summary" sh -c "! grep -q 'records_read' '$TMP/run.ts'"

# validate alone shows progress too
tty_run "$TMP/val.ts" "$TMP/val.out" "$MINQING" validate $G/visits.csv --registry $G/registry.csv --as-of 2024-12-31 --out "$TMP/v"
check "validate alone: a progress line" grep -aq "校验 validate  *[0-9]*%" "$TMP/val.ts"
check "validate alone: a done line" grep -aq "校验 validate  完成 done" "$TMP/val.ts"
check "validate alone: the summary on stdout" grep -q "读取 records_read: $N" "$TMP/val.out"
# aggregate, render and archive alone
tty_run "$TMP/agg.ts" "$TMP/agg.out" "$MINQING" aggregate --period 2024-03 --registry $G/registry.csv --roster $G/roster.csv --assignments $G/assignments.csv --as-of 2024-12-31 --out "$TMP/v"
check "aggregate alone: progress by input bytes" grep -aq "汇总 aggregate  *[0-9]*%" "$TMP/agg.ts"
tty_run "$TMP/ren.ts" "$TMP/ren.out" "$MINQING" render --period 2024-03 --out "$TMP/v" --jobs 1
check "render alone: progress by pages" grep -aq "报告 render  *[0-9]*%  [0-9]* 页 pages" "$TMP/ren.ts"
tty_run "$TMP/arc.ts" "$TMP/arc.out" "$MINQING" archive --period 2024-03 --out "$TMP/v"
check "archive alone: progress by bytes" grep -aq "归档 archive  *[0-9]*%  [0-9.]* MB" "$TMP/arc.ts"

# --quiet on a terminal: nothing
tty_run "$TMP/quiet.ts" "$TMP/quiet.out" "$MINQING" validate $G/visits.csv --as-of 2024-12-31 --out "$TMP/o2" --quiet
check "--quiet: no progress on the terminal" sh -c "! grep -aq -e '校验' -e '完成' -e '%' '$TMP/quiet.ts'"
check "--quiet: no summary" test ! -s "$TMP/quiet.out"

# not a terminal: plain lines, no redraws
"$MINQING" run $ARGS --out "$TMP/o3" > "$TMP/plain.out" 2> "$TMP/plain.err"
check "plain: a line per stage start" grep -q "^minqing: 报告 render …$" "$TMP/plain.err"
check "plain: a done line per stage" test "$(grep -c '完成 done' "$TMP/plain.err")" = 5
check "plain: no \\r or ESC" sh -c "! grep -q '[[:cntrl:]]' '$TMP/plain.err'"
check "plain: the summary on stdout" grep -q "读取 records_read: $N" "$TMP/plain.out"
check "the outputs do not depend on the terminal" diff -r "$TMP/o1/data" "$TMP/o3/data"
finish

#!/bin/sh
# Fault injection in the output layer (MINQING_TEST_FAULT, core/error.h):
# each output-writing call of a small run (open, write, fsync, close,
# rename, the PDF and ZIP writers' writes, the folder swaps) fails in turn
# with ENOSPC, EIO or EROFS, or the process is killed there (SIGKILL). Each
# time: exit 3 with a message naming the file and the cause, the previous
# outputs byte-identical, nothing left behind (a killed run's leftovers go
# with the next run). Where tmpfs can be mounted (root), a real full disk
# at several levels. A second run into a folder in use is refused. With
# --jobs 1: points are counted per process, and --jobs forks and threads.
. tests/e2e/lib.sh

python3 tests/e2e/gen_names.py "$TMP/in" small
IN=$TMP/in
# fsync is slow on a shared disk: the sweep runs in a tmpfs when it can
W=$TMP/w
mkdir -p "$W"
MOUNTED=0
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256m tmpfs "$W" 2>/dev/null; then
	MOUNTED=1
fi
cleanup() { [ $MOUNTED = 1 ] && umount "$W" 2>/dev/null; [ -n "$FULL" ] && umount "$FULL" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
run() { $MINQING run "$IN/visits.csv" --registry "$IN/registry.csv" --roster "$IN/roster.csv" \
	--period 2024-03 --as-of 2024-03-31 --jobs 1 --out "$1" --quiet; }
sums() { (cd "$1" && find data reports archive -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
# only the three parts and no temporary file in them (the lock goes with its run)
clean() { test "$(ls -A "$1" | tr '\n' ' ')" = "archive data reports " &&
	  test -z "$(find "$1" -name '*.tmp.*')"; }

# the previous outputs: a run whose inputs differ, so old and new differ
sed 's/户主/住户/' "$IN/visits.csv" > "$IN/old.csv"
$MINQING run "$IN/old.csv" --registry "$IN/registry.csv" --roster "$IN/roster.csv" --period 2024-03 \
	--as-of 2024-03-31 --out "$W/ref" --quiet 2>/dev/null
sums "$W/ref" > "$TMP/old.sums"
run "$W/new" 2>/dev/null
sums "$W/new" > "$TMP/new.sums"
grep " data/" "$TMP/new.sums" > "$TMP/new.data"
check "old and new outputs differ" sh -c "! cmp -s '$TMP/old.sums' '$TMP/new.sums'"
cp -a "$W/ref" "$W/count"
n=$(MINQING_TEST_FAULT=count run "$W/count" 2>&1 >/dev/null | sed -n 's/^fault points: //p')
check "the output layer has fault points ($n)" test "${n:-0}" -gt 100

# the points: a spread over the run (each error in turn), and each of the
# last 15 (the commit: the staged files' syncfs, folder fsyncs, journal,
# swaps) with every error
# Under the sanitizers the reader's thread runs at another pace, so points
# over the run are numbered differently from one run to the next: there
# only the commit's points (numbered the same way) are swept, each with
# one of the errors in turn (the normal leg tries every error at each).
C=15 # the commit's points
spread=${FAULT_SPREAD:-15}
case ${BUILD:-build} in *san*) spread=0; echo "faults: the spread over the run SKIPPED under sanitizers" ;; esac
step=$(( spread ? (n - C) / spread + 1 : n ))
errs="ENOSPC EIO EROFS"
cases=$(k=0; i=1; while [ $spread -gt 0 ] && [ $i -le $((n - C)) ]; do
		set -- $errs; shift $((k % 3)); echo "$i:$1"; i=$((i + step)); k=$((k + 1)); done
	for i in $(seq $((n - C + 1)) "$n"); do
		if [ -n "$SANITIZED" ]; then set -- $errs; shift $((i % 3)); echo "$i:$1"
		else for e in $errs; do echo "$i:$e"; done; fi
	done)
fails=0 tried=0
for c in $cases; do
	p=${c%%:*} e=${c#*:}
	case $e in ENOSPC) cause='磁盘空间不足 / no space left on device' ;;
		   EIO) cause='磁盘读写错误 / input/output error' ;;
		   EROFS) cause='只读文件系统 / read-only file system' ;; esac
	rm -rf "$W/o"
	cp -a "$W/ref" "$W/o"
	MINQING_TEST_FAULT=$c run "$W/o" 2> "$TMP/err"
	st=$?
	tried=$((tried + 1))
	what="$e at point $p"
	[ $st -eq 3 ] || { fail "$what: exit $st, want 3"; fails=$((fails + 1)); continue; }
	grep -qF "$cause" "$TMP/err" || { fail "$what: the cause is not named: $(cat "$TMP/err")"; fails=$((fails + 1)); }
	grep -q "$W/o" "$TMP/err" || { fail "$what: no file named: $(cat "$TMP/err")"; fails=$((fails + 1)); }
	! grep -q '\.minqing\.tmp\.' "$TMP/err" || { fail "$what: the staging folder named, not the output's path: $(cat "$TMP/err")"; fails=$((fails + 1)); }
	sums "$W/o" | cmp -s - "$TMP/old.sums" || { fail "$what: the previous outputs changed"; fails=$((fails + 1)); }
	clean "$W/o" || { fail "$what: left behind: $(ls -A "$W/o"; find "$W/o" -name '*.tmp.*')"; fails=$((fails + 1)); }
done
check "every injected error ($tried cases of $n points): exit 3, file (its final path) and cause named, old outputs whole, nothing left" test $fails -eq 0

# killed at points of the run and at each point of the commit: the old or
# the new outputs whole once the next command in the folder has run
fails=0 tried=0
# (under the sanitizers every other point of the commit, odd and even in turn by build)
kills=$(i=1; while [ $i -le $((n - C)) ]; do echo $i; i=$((i + step * 3)); done
	for i in $(seq $((n - C + 1)) "$n"); do
		case ${BUILD:-build} in *build-san*) [ $((i % 2)) = 0 ] || continue ;; *ubsan*) [ $((i % 2)) = 1 ] || continue ;; esac
		echo $i
	done)
for p in $kills; do
	rm -rf "$W/o"
	cp -a "$W/ref" "$W/o"
	MINQING_TEST_FAULT=$p:KILL run "$W/o" 2>/dev/null
	st=$?
	tried=$((tried + 1))
	[ $st -eq 137 ] || { fail "KILL at $p: exit $st"; fails=$((fails + 1)); continue; }
	run "$W/o" 2>/dev/null
	sums "$W/o" | cmp -s - "$TMP/new.sums" || { fail "KILL at $p: the next run's outputs differ"; fails=$((fails + 1)); }
	clean "$W/o" || { fail "KILL at $p: the next run left: $(ls -A "$W/o")"; fails=$((fails + 1)); }
done
check "killed at $tried points: the next run gives whole outputs and removes the leftovers" test $fails -eq 0
# killed between two swaps of the commit (data/ swapped, reports/ not yet):
# the journal lets the next command complete the commit (roll forward)
rm -rf "$W/o"; cp -a "$W/ref" "$W/o"
MINQING_TEST_FAULT=$((n - 2)):KILL run "$W/o" 2>/dev/null
sums "$W/o" > "$TMP/mix.sums"
check "a kill between two swaps leaves a journal" test -n "$(ls "$W/o"/.minqing.tmp.*/.commit 2>/dev/null)"
check "a kill between two swaps: data/ is the new one" sh -c 'grep " data/" "$1" | cmp -s - "$2"' _ "$TMP/mix.sums" "$TMP/new.data"
$MINQING render --period 2024-03 --jobs 1 --out "$W/o" --quiet 2>/dev/null
sums "$W/o" > "$TMP/o.sums"
check "render after it completes the commit: the new outputs whole" cmp -s "$TMP/o.sums" "$TMP/new.sums"
check "and removes the staging folder" clean "$W/o"

# one run per folder: a second run while the first holds the lock is refused
rm -rf "$W/o"
cp -a "$W/ref" "$W/o"
python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1] + "/.minqing.lock", os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)' "$W/o" "$TMP/locked" &
holder=$!
i=0; while [ ! -e "$TMP/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
run "$W/o" 2> "$TMP/err"
st=$?
kill $holder 2>/dev/null; wait $holder 2>/dev/null
check "a second run into a folder in use exits 3 ($st)" test $st -eq 3
check "and says another run is writing there" grep -q "another minqing run is writing to this output folder" "$TMP/err"
sums "$W/o" > "$TMP/o.sums"
check "and leaves the outputs alone" cmp -s "$TMP/o.sums" "$TMP/old.sums"
# a staging folder of another PID namespace (the same PID as ours, alive) is
# still removed: the lock tells, not the PID
mkdir -p "$W/o/.minqing.tmp.1/data"
run "$W/o" 2>/dev/null
check "a stale staging folder named after a live PID is removed" clean "$W/o"

# standalone render on a failure: the previous reports whole, never a mix
rm -rf "$W/o"; cp -a "$W/new" "$W/o"
cp "$W/ref/data/accepted.csv" "$W/o/data/accepted.csv"   # the reports will differ
rsum() { (cd "$1" && find reports -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum); }
before=$(rsum "$W/o")
rn=$(MINQING_TEST_FAULT=count $MINQING render --period 2024-03 --jobs 1 --out "$W/o" --quiet 2>&1 | sed -n 's/^fault points: //p')
check "render rendered other reports" test "$(rsum "$W/o")" != "$before"
rm -rf "$W/o"; cp -a "$W/new" "$W/o"
cp "$W/ref/data/accepted.csv" "$W/o/data/accepted.csv"
MINQING_TEST_FAULT=$((rn / 2)):ENOSPC $MINQING render --period 2024-03 --jobs 1 --out "$W/o" --quiet 2> "$TMP/err"
check "render on a full disk exits 3" test $? -eq 3
check "render names the cause" grep -q "no space left on device" "$TMP/err"
check "render names the final path, not the staging folder" sh -c '! grep -q "\.minqing\.tmp\." "$1" && grep -q "$2/reports" "$1"' _ "$TMP/err" "$W/o"
check "render leaves the previous reports whole" test "$(rsum "$W/o")" = "$before"
check "render leaves no staging folder" clean "$W/o"

# a real full disk: a tmpfs just larger than the previous outputs, at several levels
if [ "$(id -u)" = 0 ]; then
	size=$(du -sk "$W/ref" | cut -f1)
	FULL=$TMP/full
	mkdir -p "$FULL"
	fails=0 levels=0
	for pct in 110 140 170 185; do
		kb=$((size * pct / 100))
		mount -t tmpfs -o size=${kb}k tmpfs "$FULL" 2>/dev/null || { fails=-1; break; }
		cp -a "$W/ref" "$FULL/o"
		run "$FULL/o" 2> "$TMP/err"
		st=$?
		levels=$((levels + 1))
		if [ $st -ne 3 ]; then
			fail "full disk at ${kb} KB: exit $st"; fails=$((fails + 1))
		else
			grep -qF '磁盘空间不足 / no space left on device' "$TMP/err" || { fail "full disk: $(cat "$TMP/err")"; fails=$((fails + 1)); }
			sums "$FULL/o" | cmp -s - "$TMP/old.sums" || { fail "full disk at ${kb} KB: outputs changed"; fails=$((fails + 1)); }
			clean "$FULL/o" || { fail "full disk at ${kb} KB: left $(ls -A "$FULL/o")"; fails=$((fails + 1)); }
		fi
		umount "$FULL"
	done
	FULL=
	if [ $fails -lt 0 ]; then
		echo "SKIPPED: real full disk (mount -t tmpfs refused)"
	else
		check "a real full disk at $levels levels: exit 3, cause named, old outputs whole" test $fails -eq 0
	fi
else
	echo "SKIPPED: real full disk (needs root for mount -t tmpfs)"
fi
finish

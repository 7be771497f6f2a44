#!/bin/sh
# The layering rules of the code map (tests/e2e/layers.py: includes go
# down the layers, third-party headers only in their owner, no private
# library state), and every header compiles included twice.
. "$(dirname "$0")/lib.sh"
python3 tests/e2e/layers.py > "$TMP/layers.txt" 2>&1
check "layers.py finds no problem" test $? -eq 0
[ -s "$TMP/layers.txt" ] && grep -v '^layers: ok' "$TMP/layers.txt" >&2
# mq_buf.data is never NULL (core/buf.h): no buffer starts zeroed
if grep -rnE 'struct mq_buf [^;(]*= *\{ *(0|\{ *0|\.cap)|\(struct mq_buf\) *\{ *0' pipeline tests/unit tests/fuzz tests/tools >&2; then
	fail "an mq_buf starts zeroed: use MQ_BUF_INIT, MQ_BUF_INIT_CAP or mq_buf_init"; else ok; fi
CFLAGS="-std=c11 -D_GNU_SOURCE -Iinclude $(pkg-config --cflags libxml-2.0 2>/dev/null)"
for h in $(find include pipeline -name '*.h' | sort); do
	case $h in include/*) inc=${h#include/} ;; *) inc=$(pwd)/$h ;; esac
	printf '#include "%s"\n#include "%s"\nint mq_twice;\n' "$inc" "$inc" > "$TMP/twice.c"
	if ${CC:-cc} $CFLAGS -fsyntax-only "$TMP/twice.c" 2> "$TMP/twice.err"; then ok; else
		fail "$h compiles included twice"; cat "$TMP/twice.err" >&2; fi
done
finish

#!/bin/sh
# Makes the GB18030 inputs of the cases under DIR (a scratch copy): every
# NAME.gb18030-src (UTF-8 text, LF) becomes NAME in GB18030 with CRLF and no
# BOM, as Excel on a Chinese Windows writes it; the marker <BAD> becomes the
# bytes 0x80 0xFF, which are not GB18030. Kept as UTF-8 in git so the inputs
# stay readable and diffable.
set -e
find "${1:?usage: make_gb18030.sh DIR}" -name '*.gb18030-src' | while read -r f; do
	sed 's/$/\r/' "$f" | iconv -f UTF-8 -t GB18030 | LC_ALL=C sed "s/<BAD>/$(printf '\200\377')/g" > "${f%.gb18030-src}"
done

# Shared helpers for end-to-end scripts: source it, call ok/die, end with finish.
MINQING=${MINQING:-$(pwd)/build/minqing}
# Debian's python3 (it has openpyxl and pikepdf) and tools first: a version
# manager's python3 shim earlier on PATH costs a second of CPU per call
PATH=/usr/bin:/bin:$PATH; export PATH
E2E_PASS=0; E2E_FAIL=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mq_e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PDFTEXT_CACHE=$TMP/.pdftext; export PDFTEXT_CACHE # pdfcheck.py: each PDF read once
ok()   { E2E_PASS=$((E2E_PASS+1)); }
fail() { E2E_FAIL=$((E2E_FAIL+1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() { d=$1; shift; if "$@"; then ok; else fail "$d"; fi; }
# Checks that only read outputs back with other programs (pdftotext over
# every report, pikepdf, fontTools, qpdf, mutool) run in the normal leg.
# Under the sanitizers (a build folder named *san*) the same code writes
# the same bytes, and those readers are not what is under test there.
case ${BUILD:-build} in *san*) SANITIZED=1 ;; *) SANITIZED= ;; esac
E2E_SKIP=0
# check_normal DESCRIPTION COMMAND...: check, in the normal leg only
check_normal() { if [ -n "$SANITIZED" ]; then E2E_SKIP=$((E2E_SKIP+1)); else check "$@"; fi; }
finish() {
	[ "$E2E_SKIP" -gt 0 ] && echo "$E2E_SKIP output checks left to the normal leg"
	echo "$E2E_PASS passed, $E2E_FAIL failed"; [ "$E2E_FAIL" -eq 0 ]
}

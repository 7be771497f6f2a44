"""pdfcheck.py — what the PDF checkers (check_reports.py, check_pages.py,
check_gbt9704.py, check_pdfa.py, check_fonts.py) share: check() counts a
check and prints a failure, finish() prints "N passed, N failed" and exits
1 on a failure, pdftotext() runs poppler's pdftotext, problems() ends a
checker that collects problem lines. Run as a program, `pdfcheck.py PDF...`
checks that pdftotext reads each PDF silently (and fills the cache the
checkers then read from)."""
import hashlib, json, os, subprocess, sys

passed = failed = 0

def check(cond, what):
    """Counts one check; prints "FAIL: what" when cond is false."""
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)

def finish():
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

def pdftotext(pdf, mode, strict=False):
    """The text of pdf from `pdftotext MODE` (-layout, -bbox); with strict,
    a check that pdftotext ran cleanly (exit 0, nothing on stderr). With
    $PDFTEXT_CACHE (a folder of the test's own, lib.sh sets it) the result
    is kept by the file's digest: poppler spends ~40 ms a page on our PDF/A
    output intent, and a test often reads the same report twice."""
    cache = os.environ.get("PDFTEXT_CACHE")
    if cache:
        with open(pdf, "rb") as f:
            key = hashlib.sha256(f.read()).hexdigest() + mode
        path = os.path.join(cache, key)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                rc, err, out = json.load(f)
            if strict:
                check(rc == 0 and err == "", f"pdftotext clean: {pdf}: {err[:200]}")
            return out
    p = subprocess.run(["pdftotext", mode, pdf, "-"], capture_output=True, text=True)
    if strict:
        check(p.returncode == 0 and p.stderr == "", f"pdftotext clean: {pdf}: {p.stderr[:200]}")
    if cache:
        os.makedirs(cache, exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump([p.returncode, p.stderr, p.stdout], f)
        os.replace(path + ".tmp", path)
    return p.stdout

def problems(errs, summary, npdfs):
    """Prints each problem line, then summary; the exit status: 1 on a
    problem or when no PDF was given."""
    for x in errs:
        print(x)
    print(summary)
    return 1 if errs or npdfs < 1 else 0


if __name__ == "__main__":
    for pdf in sys.argv[1:]:
        pdftotext(pdf, "-layout", strict=True)
    check(len(sys.argv) > 1, "a PDF given")
    finish()

"""pdfcheck.py — what the PDF checkers (check_reports.py, check_pages.py,
check_gbt9704.py, check_pdfa.py, check_fonts.py) share: check() counts a
check and prints a failure, finish() prints "N passed, N failed" and exits
1 on a failure, pdftotext() runs poppler's pdftotext, problems() ends a
checker that collects problem lines."""
import subprocess, sys

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
    a check that pdftotext ran cleanly (exit 0, nothing on stderr)."""
    p = subprocess.run(["pdftotext", mode, pdf, "-"], capture_output=True, text=True)
    if strict:
        check(p.returncode == 0 and p.stderr == "", f"pdftotext clean: {pdf}: {p.stderr[:200]}")
    return p.stdout

def problems(errs, summary, npdfs):
    """Prints each problem line, then summary; the exit status: 1 on a
    problem or when no PDF was given."""
    for x in errs:
        print(x)
    print(summary)
    return 1 if errs or npdfs < 1 else 0

#!/bin/sh
# archive + verify end to end: packages built from a hand-made run folder
# (CSV, PDF, run.txt, inputs with Chinese names) are opened with unzip,
# bsdtar and python3's zipfile, re-made byte for byte, verified, tampered
# with (one PDF byte, a file removed or added) and hostile ZIPs refused.
. tests/e2e/lib.sh

OUT=$TMP/out
mkdir -p "$OUT/data" "$OUT/reports" "$TMP/inputs"

# ---- a run folder as the earlier stages write it ----
python3 - "$OUT" "$TMP/inputs" <<'EOF'
import sys, os
out, inputs = sys.argv[1], sys.argv[2]
BOM = "\ufeff"
def csv(name, header, rows):
    with open(os.path.join(out, "data", name), "w", encoding="utf-8", newline="") as f:
        f.write(BOM + ",".join(header) + "\r\n")
        for r in rows:
            f.write(",".join(r) + "\r\n")
csv("township_summary.csv", ["period", "county", "township", "visits"],
    [["2024-03", "张北县", "油篓沟乡", "3"], ["2024-03", "张北县", "小二台镇", "1"]])
csv("county_summary.csv", ["period", "county", "visits"], [["2024-03", "张北县", "4"]])
csv("village_summary.csv", ["period", "county", "township", "village", "visits"],
    [["2024-03", "张北县", "油篓沟乡", "玻璃彩村", "2"], ["2024-03", "张北县", "油篓沟乡", "德胜村", "1"],
     ["2024-03", "张北县", "小二台镇", "小二台村", "1"]])
# accepted.csv: a diary with a comma, a quote and a line break in one cell
csv("accepted.csv", ["record_id", "visit_date", "county", "township", "village", "notes"],
    [["R1", "2024-03-02", "张北县", "油篓沟乡", "玻璃彩村", '"走访，""双孢菇""\r\n第二行"'],
     ["R2", "2024-03-03", "张北县", "小二台镇", "小二台村", "正常"],
     ["R3", "2024-03-04", "张北县", "油篓沟乡", "德胜村", '"油篓沟乡,小二台镇"'],
     ["R4", "2024-03-05", "张北县", "油篓沟乡", "玻璃彩村", ""]])
csv("rejects.csv", ["source", "line", "record_id", "code", "field", "message"],
    [["visits.csv", "7", "R9", "E003", "visit_date", "日期无效"]])
csv("warnings.csv", ["source", "line", "record_id", "code", "field", "message"], [])
csv("cadre_monthly.csv", ["period", "month", "cadre_id", "cadre_name", "township", "village", "diaries"],
    [["2024-03", "2024-03", "C1", "王晓东", "油篓沟乡", "玻璃彩村", "3"],
     ["2024-03", "2024-03", "C2", "李明", "小二台镇", "小二台村", "1"]])

def pdf(path, text):
    # a small valid PDF with a correct xref table
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"]
    stream = ("BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text).encode()
    objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    body, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        body += b"%010d 00000 n \n" % off
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    open(path, "wb").write(body)
for name in ["油篓沟乡_2024年03月_工作小结", "油篓沟乡_玻璃彩村_2024年03月_台账", "油篓沟乡_德胜村_2024年03月_台账",
             "小二台镇_2024年03月_工作小结", "小二台镇_小二台村_2024年03月_台账",
             "张北县_2024年03月_考核结果", "2024年03月_数据质量报告"]:
    pdf(os.path.join(out, "reports", name + ".pdf"), name.encode("unicode_escape").decode())
# the render stage's index: whose each report is (reports.h)
with open(os.path.join(out, "reports", ".minqing-index.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("scope,township,file\r\n")
    for name in sorted(os.listdir(os.path.join(out, "reports"))):
        if name.endswith(".pdf"):
            town = name.split("_")[0]
            scope = "all" if "数据质量" in name else "county" if town == "张北县" else "township"
            f.write("%s,%s,%s\r\n" % (scope, town if scope == "township" else "", name))
open(os.path.join(inputs, "走访记录 三月.csv"), "w").write("record_id\nR1\n")
open(os.path.join(inputs, "visits.xml"), "w").write("<visits version='1'/>\n")
EOF
sha() { sha256sum "$1" | cut -d' ' -f1; }
{
	echo "period=2024-03"; echo "as_of=2024-03-31"; echo "records_read=6"; echo "accepted=4"
	echo "rejected=1"; echo "dropped=1"; echo "unit=张北县乡村振兴局"
	printf 'input=%s\t%s\n' "$TMP/inputs/走访记录 三月.csv" "$(sha "$TMP/inputs/走访记录 三月.csv")"
	printf 'input=%s\t%s\n' "$TMP/inputs/visits.xml" "$(sha "$TMP/inputs/visits.xml")"
} > "$OUT/data/run.txt"

A=$OUT/archive
YL=$A/油篓沟乡_2024年03月_档案包.zip
XE=$A/小二台镇_2024年03月_档案包.zip
CO=$A/张北县_2024年03月_档案包.zip

check "archive runs" "$MINQING" archive --period 2024-03 --out "$OUT" --with-inputs > "$TMP/archive.out" 2>&1
cat "$TMP/archive.out"
check "three packages, nothing else" test "$(ls -A "$A" | wc -l)" -eq 3
check "township package" test -s "$YL"
check "second township package" test -s "$XE"
check "county package" test -s "$CO"
check "archive names what it wrote" grep -q "油篓沟乡_2024年03月_档案包.zip" "$TMP/archive.out"

# ---- real clients ----
for z in "$YL" "$XE" "$CO"; do
	check "unzip -t $(basename "$z")" sh -c 'unzip -t "$1" | grep -q "No errors detected"' _ "$z"
done
bsdtar -tf "$YL" > "$TMP/bsdtar.txt" 2>&1
# each package holds its bag in one folder named like the package
R=油篓沟乡_2024年03月_档案包
check "bsdtar lists the Chinese names" grep -qx "$R/data/报告/油篓沟乡_2024年03月_工作小结.pdf" "$TMP/bsdtar.txt"
check "bsdtar lists an input with a space" grep -qx "$R/data/原始输入/走访记录 三月.csv" "$TMP/bsdtar.txt"
check "every member under the package's folder" test -z "$(grep -v "^$R/" "$TMP/bsdtar.txt")"

check "python zipfile: flags, names, contents" python3 - "$YL" "$XE" "$CO" "$TMP/inputs" <<'EOF'
import sys, zipfile, hashlib, os
yl, xe, co, inputs = sys.argv[1:5]
def fail(msg):
    print("python check failed:", msg); sys.exit(1)
class Bag:
    # a package read inside its one top-level folder, named like the package
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        self.root = os.path.basename(path)[:-4] + "/"
        for n in self.z.namelist():
            if not n.startswith(self.root): fail("outside the folder: " + n)
    def namelist(self): return [n[len(self.root):] for n in self.z.namelist()]
    def infolist(self): return self.z.infolist()
    def getinfo(self, n): return self.z.getinfo(self.root + n)
    def read(self, n): return self.z.read(self.root + n)
    def testzip(self): return self.z.testzip()
for path in (yl, xe, co):
    z = Bag(path)
    if z.testzip() is not None: fail("testzip " + path)
    names = z.namelist()
    for i in z.infolist():
        if not i.flag_bits & 0x800: fail("no UTF-8 flag on " + i.filename)
        if i.date_time != (2024, 3, 31, 0, 0, 0): fail("timestamp %r" % (i.date_time,))
        if i.extra: fail("extra field on " + i.filename)
    tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt"]
    if names[-5:] != tags: fail("tag files order %r" % names[-5:])
    payload = names[:-5]
    if payload != sorted(payload, key=lambda s: s.encode()): fail("payload order")
    info = z.read("bag-info.txt").decode()
    size = sum(z.getinfo(n).file_size for n in payload)
    if "Payload-Oxum: %d.%d\n" % (size, len(payload)) not in info: fail("Payload-Oxum in " + info)
    for line in ["Bagging-Date: 2024-03-31", "Source-Organization: 张北县乡村振兴局", "Period: 2024-03",
                 "Records-Read: 6", "Records-Accepted: 4", "Records-Rejected: 1", "Bag-Software-Agent: minqing "]:
        if line not in info: fail("bag-info lacks " + line)
    for n in ("走访记录 三月.csv", "visits.xml"):
        digest = hashlib.sha256(open(os.path.join(inputs, n), "rb").read()).hexdigest()
        if "Input-File: %s %s\n" % (digest, n) not in info: fail("Input-File " + n)
    man = z.read("manifest-sha256.txt").decode().splitlines()
    want = ["%s  %s" % (hashlib.sha256(z.read(n)).hexdigest(), n) for n in payload]
    if man != want: fail("manifest-sha256 %r" % man)
    man = z.read("manifest-sha512.txt").decode().splitlines()
    if man != ["%s  %s" % (hashlib.sha512(z.read(n)).hexdigest(), n) for n in payload]: fail("manifest-sha512")
    tm = z.read("tagmanifest-sha256.txt").decode().splitlines()
    if tm != ["%s  %s" % (hashlib.sha256(z.read(n)).hexdigest(), n)
              for n in ("bag-info.txt", "bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt")]: fail("tagmanifest")
    if z.read("bagit.txt") != b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n": fail("bagit.txt")
    for n in payload:
        i = z.getinfo(n)
        if n.endswith(".pdf") and i.compress_type != zipfile.ZIP_STORED and i.compress_size >= i.file_size: fail("pdf grew")
z = Bag(yl)
names = set(z.namelist())
for n in ["data/报告/油篓沟乡_2024年03月_工作小结.pdf", "data/报告/油篓沟乡_玻璃彩村_2024年03月_台账.pdf",
          "data/报告/油篓沟乡_德胜村_2024年03月_台账.pdf", "data/报告/2024年03月_数据质量报告.pdf",
          "data/数据/accepted.csv", "data/数据/rejects.csv", "data/数据/warnings.csv",
          "data/数据/village_summary.csv", "data/数据/township_summary.csv", "data/数据/cadre_monthly.csv",
          "data/原始输入/走访记录 三月.csv", "data/原始输入/visits.xml"]:
    if n not in names: fail("township package lacks " + n)
for n in ["data/报告/小二台镇_2024年03月_工作小结.pdf", "data/报告/张北县_2024年03月_考核结果.pdf",
          "data/数据/county_summary.csv"]:
    if n in names: fail("township package holds " + n)
acc = z.read("data/数据/accepted.csv").decode("utf-8")
if not acc.startswith("\ufeffrecord_id,visit_date,county,township,village,notes\r\n"): fail("accepted header")
rows = acc.split("\r\n")
ids = [r.split(",")[0] for r in rows[1:] if r.startswith("R")]
if ids != ["R1", "R3", "R4"]: fail("accepted rows %r" % ids)
if '"走访，""双孢菇""\r\n第二行"' not in acc: fail("quoted cell not copied verbatim")
vs = z.read("data/数据/village_summary.csv").decode()
if "小二台" in vs or vs.count("\r\n") != 3: fail("village_summary filter: %r" % vs)
if b"R9" not in z.read("data/数据/rejects.csv"): fail("rejects")
x = Bag(xe)
acc = x.read("data/数据/accepted.csv").decode()
if [r.split(",")[0] for r in acc.split("\r\n")[1:] if r] != ["R2"]: fail("second township accepted")
if "data/报告/油篓沟乡_2024年03月_工作小结.pdf" in x.namelist(): fail("other township's report")
c = Bag(co)
cn = c.namelist()
if len([n for n in cn if n.startswith("data/报告/")]) != 7: fail("county reports")
if c.read("data/数据/accepted.csv").count(b"\r\nR") != 4: fail("county accepted")
if "data/数据/county_summary.csv" not in cn: fail("county summary")
EOF

# extracted PDFs are intact
mkdir "$TMP/x"
(cd "$TMP/x" && unzip -q "$YL")
check "extract here gives one folder, named like the package" test "$(ls -A "$TMP/x")" = "$R"
check "extracted PDF passes qpdf --check" qpdf --check "$TMP/x/$R/data/报告/油篓沟乡_2024年03月_工作小结.pdf" > /dev/null
check "extracted PDF is the original" cmp -s "$TMP/x/$R/data/报告/2024年03月_数据质量报告.pdf" "$OUT/reports/2024年03月_数据质量报告.pdf"

# ---- byte-identical re-run (inputs touched: timestamps must not leak) ----
sha256sum "$A"/*.zip > "$TMP/first.sha"
sleep 1; touch "$OUT"/reports/*.pdf "$OUT"/data/*.csv
check "archive re-runs" "$MINQING" archive --period 2024-03 --out "$OUT" --with-inputs > /dev/null 2>&1
check "re-run is byte-identical" sha256sum -c --quiet "$TMP/first.sha"
check "no temporary files left" test "$(ls -A "$A" | wc -l)" -eq 3

# ---- verify ----
"$MINQING" verify "$YL" "$XE" "$CO" > "$TMP/v.out" 2>&1; rc=$?
cat "$TMP/v.out"
check "verify passes (exit 0)" test $rc -eq 0
check "verify says valid" test "$(grep -c '有效 / valid' "$TMP/v.out")" -eq 3

vfail() { # vfail DESCRIPTION WANT_EXIT PATTERN ZIP...: verify must exit WANT and print PATTERN
	d=$1; want=$2; pat=$3; shift 3
	"$MINQING" verify "$@" > "$TMP/vf.out" 2>&1; rc=$?
	if [ $rc -eq "$want" ] && grep -q -- "$pat" "$TMP/vf.out"; then ok; else
		fail "$d (exit $rc, want $want, pattern $pat)"; cat "$TMP/vf.out" >&2; fi
}

# one byte of a payload PDF changed, CRC kept consistent: only the manifest sees it
python3 - "$YL" "$TMP/altered.zip" <<'EOF'
import sys, zipfile
src, dst = sys.argv[1:3]
zi = zipfile.ZipFile(src)
with zipfile.ZipFile(dst, "w") as zo:
    for i in zi.infolist():
        data = zi.read(i)
        if i.filename.endswith("/data/报告/油篓沟乡_德胜村_2024年03月_台账.pdf"):
            data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
        zo.writestr(i, data)
EOF
vfail "altered PDF fails, named" 1 "被改动 / altered: data/报告/油篓沟乡_德胜村_2024年03月_台账.pdf (sha256" "$TMP/altered.zip"
check "altered PDF: sha512 mismatch too" grep -q "台账.pdf (sha512" "$TMP/vf.out"
check "altered PDF: nothing else reported" test "$(grep -c '^  ' "$TMP/vf.out")" -eq 2

# one byte flipped in the stored ZIP data: the CRC check names the member
python3 - "$YL" "$TMP/crc.zip" <<'EOF'
import sys, zipfile
src, dst = sys.argv[1:3]
raw = bytearray(open(src, "rb").read())
i = zipfile.ZipFile(src).getinfo("油篓沟乡_2024年03月_档案包/data/报告/2024年03月_数据质量报告.pdf")
start = i.header_offset + 30 + len(i.filename.encode()) + 40
raw[start] ^= 0x20
open(dst, "wb").write(raw)
EOF
vfail "flipped byte fails, named" 1 "损坏 / damaged: data/报告/2024年03月_数据质量报告.pdf" "$TMP/crc.zip"
# the local header names a member differently from the central directory
# (a streaming extractor believes the local one): refused, both names told
python3 - "$YL" "$TMP" <<'EOF'
import sys, zipfile
src, tmp = sys.argv[1:3]
raw = open(src, "rb").read()
i = zipfile.ZipFile(src).getinfo("油篓沟乡_2024年03月_档案包/bagit.txt")
at = i.header_offset + 30
n = len(i.filename.encode())
evil = bytearray(raw)
evil[at:at + n] = (b"../../e.x" + b"x" * n)[:n]
open(tmp + "/localname.zip", "wb").write(evil)
flip = bytearray(raw)
flip[at + 2] ^= 0x01
open(tmp + "/localflip.zip", "wb").write(flip)
EOF
vfail "local header name differs: refused" 1 "is named ../../e.x" "$TMP/localname.zip"
vfail "one flipped byte in a local name: refused" 1 "in its local header: refused" "$TMP/localflip.zip"
# members that share bytes: data/b.txt's local header and data lie inside
# data/a.txt's stored data (names consistent, sizes small): refused
python3 - "$TMP/overlap.zip" <<'EOF'
import struct, sys, zlib
def local(name, data):
    return struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0x800, 0, 0, 0x21, zlib.crc32(data), len(data), len(data),
                       len(name), 0) + name + data
def central(name, data, off):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0x800, 0, 0, 0x21, zlib.crc32(data), len(data),
                       len(data), len(name), 0, 0, 0, 0, 0, off) + name
inner = local(b"data/b.txt", b"hello")
a = b"x" * 64 + inner + b"y" * 64
out = local(b"data/a.txt", a)
b_off = 30 + len(b"data/a.txt") + 64
cd = central(b"data/a.txt", a, 0) + central(b"data/b.txt", b"hello", b_off)
end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 2, 2, len(cd), len(out), 0)
open(sys.argv[1], "wb").write(out + cd + end)
EOF
vfail "overlapping members: refused" 1 "members data/a.txt and data/b.txt overlap: refused" "$TMP/overlap.zip"
# the same in a stored member (rejects.csv does not compress): a CRC mismatch
python3 - "$YL" "$TMP/crc2.zip" <<'EOF'
import sys, zipfile
src, dst = sys.argv[1:3]
raw = bytearray(open(src, "rb").read())
i = zipfile.ZipFile(src).getinfo("油篓沟乡_2024年03月_档案包/data/数据/rejects.csv")
assert i.compress_type == zipfile.ZIP_STORED
raw[i.header_offset + 30 + len(i.filename.encode()) + 60] ^= 0x01
open(dst, "wb").write(raw)
EOF
vfail "flipped stored byte fails the CRC, named" 1 "损坏 / damaged: data/数据/rejects.csv (CRC 校验失败 / CRC mismatch)" "$TMP/crc2.zip"

# a payload file removed, then one added, then a tag file added
python3 - "$YL" "$TMP" <<'EOF'
import sys, zipfile
src, tmp = sys.argv[1:3]
# writestr() changes the ZipInfo it is given: open the source afresh each time
root = "油篓沟乡_2024年03月_档案包/"
gone = root + "data/报告/油篓沟乡_玻璃彩村_2024年03月_台账.pdf"
zi = zipfile.ZipFile(src)
with zipfile.ZipFile(tmp + "/removed.zip", "w") as zo:
    for i in zi.infolist():
        if i.filename != gone:
            zo.writestr(i, zi.read(i))
for name, extra in (("added.zip", "data/报告/补充说明.txt"), ("tagadded.zip", "说明.txt")):
    zi = zipfile.ZipFile(src)
    with zipfile.ZipFile(tmp + "/" + name, "w") as zo:
        for i in zi.infolist():
            zo.writestr(i, zi.read(i))
        zo.writestr(root + extra, "后加的文件")
# the bag without its folder (as packages were zipped before), and in a
# folder of another name (an extracted bag zipped again): both verify
for name, new_root in (("flat.zip", ""), ("renamed.zip", "我的档案包/")):
    zi = zipfile.ZipFile(src)
    with zipfile.ZipFile(tmp + "/" + name, "w") as zo:
        for i in zi.infolist():
            data = zi.read(i)
            i.filename = new_root + i.filename[len(root):]
            zo.writestr(i, data)
EOF
check "a bag zipped without its folder verifies" "$MINQING" verify "$TMP/flat.zip"
check "a bag zipped in a folder of another name verifies" "$MINQING" verify "$TMP/renamed.zip"

vfail "removed file fails, named" 1 "缺少 / missing: data/报告/油篓沟乡_玻璃彩村_2024年03月_台账.pdf" "$TMP/removed.zip"
check "removed file: Payload-Oxum differs" grep -q "Payload-Oxum" "$TMP/vf.out"
vfail "added file fails, named" 1 "多余 / extra: data/报告/补充说明.txt" "$TMP/added.zip"
vfail "added tag file fails, named" 1 "多余 / extra: 说明.txt" "$TMP/tagadded.zip"
vfail "one bad package among good ones: exit 1" 1 "无效 / INVALID" "$YL" "$TMP/added.zip" "$CO"

# ---- hostile ZIPs: refused before anything is read ----
python3 - "$TMP" <<'EOF'
import sys, zipfile, warnings
tmp = sys.argv[1]
warnings.simplefilter("ignore")
def mk(name, entries):
    with zipfile.ZipFile(tmp + "/" + name, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in entries:
            zi = zipfile.ZipInfo(n, (2024, 3, 31, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
bag = [("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")]
mk("dotdot.zip", bag + [("../evil", "x")])
mk("dotdot2.zip", bag + [("data/../../evil", "x")])
mk("abs.zip", bag + [("/abs", "x")])
mk("drive.zip", bag + [("C:/windows/evil", "x")])
mk("backslash.zip", bag + [("a\\b", "x")])
mk("dup.zip", bag + [("data/a.txt", "1"), ("data/a.txt", "2")])
mk("bomb.zip", bag + [("data/zeros.bin", b"\0" * (8 << 20))])
mk("big.zip", bag + [("data/text.txt", "".join("民情日记第%d条\n" % i for i in range(200000)))])
mk("nul.zip", bag + [("data/aXb.txt", "x")])
raw = open(tmp + "/nul.zip", "rb").read().replace(b"data/aXb.txt", b"data/a\0b.txt")
open(tmp + "/nul.zip", "wb").write(raw)
# a declared size of 5 GiB patched into the central directory
mk("declared.zip", bag + [("data/small.txt", "tiny")])
raw = bytearray(open(tmp + "/declared.zip", "rb").read())
cd = raw.rfind(b"PK\x01\x02")
raw[cd + 24:cd + 28] = (0xFFFFFFFF).to_bytes(4, "little")  # not zip64: 4 GiB - 1, over a 1 GiB limit
open(tmp + "/declared.zip", "wb").write(bytes(raw))
EOF
vfail "'..' refused" 1 'member name has a ".." component' "$TMP/dotdot.zip"
check "'..' names the member" grep -q '"../evil"' "$TMP/vf.out"
check "refusal says REFUSED" grep -q "REFUSED" "$TMP/vf.out"
vfail "inner '..' refused" 1 '".." component: "data/../../evil"' "$TMP/dotdot2.zip"
vfail "absolute path refused" 1 'absolute path: "/abs"' "$TMP/abs.zip"
vfail "drive letter refused" 1 'absolute path: "C:/windows/evil"' "$TMP/drive.zip"
vfail "backslash refused" 1 'backslash: "a\\b"' "$TMP/backslash.zip"
vfail "duplicate refused" 1 'duplicated member name: "data/a.txt"' "$TMP/dup.zip"
vfail "NUL refused" 1 'holds a NUL byte: "data/a\\0b.txt"' "$TMP/nul.zip"
vfail "zip bomb refused by ratio" 1 "compression ratio .* passes the limit 200:1 (zip bomb?): data/zeros.bin" "$TMP/bomb.zip"
export MQ_VERIFY_MAX_MEMBER=1M
vfail "member over an env limit refused" 1 "declared size [0-9]* bytes passes the limit 1048576: data/text.txt" "$TMP/big.zip"
unset MQ_VERIFY_MAX_MEMBER
vfail "member over an option limit refused" 1 "passes the limit 1048576: data/text.txt" --max-member-size 1M "$TMP/big.zip"
vfail "total over a limit refused" 1 "declared total size" --max-total-size=2M "$TMP/big.zip"
vfail "declared 4 GiB refused under a 1G limit" 1 "declared size 4294967295 bytes" --max-member-size 1G "$TMP/declared.zip"
vfail "ratio limit is an option" 1 "compression ratio" --max-ratio 2 "$TMP/big.zip"

# verify streams a member (hashes and CRC while inflating in chunks): its
# memory is its buffers', not the member's size. A 48 MB member of zeros;
# without a sanitizer (whose shadow memory and quarantine inflate RSS) the
# peak RSS stays under 40 MB, less than the member (bench_archive.sh: 200 MB).
python3 tests/e2e/gen_bigbag.py "$TMP/zeros.zip" 48
/usr/bin/time -f "%M" -o "$TMP/rss" "$MINQING" verify --max-ratio 2000 "$TMP/zeros.zip" > "$TMP/vz.out" 2>&1
check "a 48 MB member verifies" grep -q "有效 / valid — 1 个数据文件，50331648 字节" "$TMP/vz.out"
case ${BUILD:-build} in
*san*) echo "SKIPPED under sanitizers: verify's peak RSS bound ($(cat "$TMP/rss") KB)" ;;
*) check "verify of a 48 MB member: peak RSS $(cat "$TMP/rss") KB < 40 MB" test "$(cat "$TMP/rss")" -lt 40960 ;;
esac
rm -f "$TMP/zeros.zip"

# verify writes nothing: run it in an empty folder with an empty TMPDIR
mkdir "$TMP/cwd" "$TMP/tmpdir"
(cd "$TMP/cwd" && TMPDIR="$TMP/tmpdir" "$MINQING" verify "$YL" "$TMP/altered.zip" > /dev/null 2>&1)
check "verify wrote no file" test -z "$(ls -A "$TMP/cwd")$(ls -A "$TMP/tmpdir")"

# ---- exit codes ----
"$MINQING" verify > /dev/null 2>&1; check "no package: usage (2)" test $? -eq 2
"$MINQING" verify --bogus "$YL" > /dev/null 2>&1; check "unknown option: usage (2)" test $? -eq 2
vfail "missing file: cannot read (3)" 3 "无法读取 / cannot read" "$TMP/nonexistent.zip"
vfail "not a ZIP: cannot read (3)" 3 "not a ZIP" "$OUT/data/run.txt"
"$MINQING" archive --out "$OUT" > /dev/null 2>&1; check "archive without --period: usage (2)" test $? -eq 2
"$MINQING" archive --period 2024-13 --out "$OUT" > /dev/null 2>&1; check "bad period: usage (2)" test $? -eq 2
"$MINQING" archive --period 2024-03 --out "$TMP/empty" > "$TMP/e.out" 2>&1; rc=$?
check "missing township summary: fatal (3)" test $rc -eq 3
check "missing township summary: says so" grep -q "township summary missing" "$TMP/e.out"

# an input changed since the run: refused, the old package is kept
cp "$CO" "$TMP/co.before"
echo "R2" >> "$TMP/inputs/visits.xml"
"$MINQING" archive --period 2024-03 --out "$OUT" --with-inputs > "$TMP/c.out" 2>&1; rc=$?
check "changed input: fatal (3)" test $rc -eq 3
check "changed input: named" grep -q "visits.xml" "$TMP/c.out"
check "changed input: old package kept" cmp -s "$CO" "$TMP/co.before"
check "changed input: no temporary files" test "$(ls -A "$A" | wc -l)" -eq 3

# a quarter label, as-of from the option
sed -i 's/^period=.*/period=2024-Q1/' "$OUT/data/run.txt"
check "quarter archive" "$MINQING" archive --period 2024-Q1 --out "$OUT" --as-of 2024-03-20 > /dev/null 2>&1
check "quarter label in the name" test -s "$A/油篓沟乡_2024年第1季度_档案包.zip"
check "quarter as-of is the bag date" sh -c 'unzip -p "$1" 油篓沟乡_2024年第1季度_档案包/bag-info.txt | grep -qx "Bagging-Date: 2024-03-20"' _ "$A/油篓沟乡_2024年第1季度_档案包.zip"
# names made safe in the package: Windows characters and devices, NFC
O2=$TMP/out2
mkdir -p "$O2/data" "$O2/reports"
cp "$OUT/data/township_summary.csv" "$O2/data/"
cp "$OUT/reports/2024年03月_数据质量报告.pdf" "$O2/reports/油篓沟乡_a:b?村*_2024年03月_台账.pdf"
cp "$OUT/reports/2024年03月_数据质量报告.pdf" "$O2/reports/油篓沟乡_$(printf 'Cafe\314\201')村_2024年03月_台账.pdf"
printf 'scope,township,file\r\ntownship,油篓沟乡,"%s"\r\ntownship,油篓沟乡,"%s"\r\n' "油篓沟乡_a:b?村*_2024年03月_台账.pdf" \
	"油篓沟乡_$(printf 'Cafe\314\201')村_2024年03月_台账.pdf" > "$O2/reports/.minqing-index.csv"
printf 'x\n' > "$TMP/inputs/CON.csv"
printf 'period=2024-03\nas_of=2024-03-31\ninput=%s\t%s\n' "$TMP/inputs/CON.csv" "$(sha "$TMP/inputs/CON.csv")" > "$O2/data/run.txt"
check "archive with awkward names" "$MINQING" archive --period 2024-03 --out "$O2" --with-inputs > /dev/null 2>&1
check "awkward names made safe" python3 - "$O2/archive/油篓沟乡_2024年03月_档案包.zip" <<'EOF'
import sys, zipfile, unicodedata
root = "油篓沟乡_2024年03月_档案包/"
names = [n[len(root):] for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith(root)]
want = ["data/报告/油篓沟乡_a：b？村＊_2024年03月_台账.pdf", "data/报告/油篓沟乡_Caf\u00e9村_2024年03月_台账.pdf",
        "data/原始输入/_CON.csv"]
for w in want:
    if w not in names:
        print("missing", w, names); sys.exit(1)
for n in names:
    if unicodedata.normalize("NFC", n) != n or any(c in n for c in '<>:"\\|?*'):
        print("unsafe", n); sys.exit(1)
EOF
check "package with awkward names verifies" "$MINQING" verify "$O2/archive/油篓沟乡_2024年03月_档案包.zip" > /dev/null
finish

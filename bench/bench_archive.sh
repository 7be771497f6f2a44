#!/bin/sh
# Packaging throughput: `minqing archive` on a generated year folder
# (accepted.csv of ARCHIVE_BENCH_MB MB of diary rows over 10 townships,
# figure CSVs, 1 MB PDFs whose content does not compress, like libharu's
# compressed streams and fonts). Reports MB/s of payload written into all
# packages (township packages + county package), the split of the CSVs
# included, and checks one package with `minqing verify` (timed too).
# Target: >= 100 MB/s.
BUILD=${BUILD:-build}
MINQING=${MINQING:-$(pwd)/$BUILD/minqing}
MB=${ARCHIVE_BENCH_MB:-200}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mq_bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
OUT=$TMP/out
mkdir -p "$OUT/data" "$OUT/reports"

python3 - "$OUT" "$MB" <<'EOF'
import sys, os, random
out, mb = sys.argv[1], int(sys.argv[2])
random.seed(42)
towns = ["油篓沟乡", "小二台镇", "大河乡", "二泉井乡", "台路沟乡", "馒头营乡", "两面井乡", "海流图乡", "单晶河乡", "公会镇"]
villages = ["玻璃彩村", "德胜村", "东山村", "西沟村", "南营村", "北坡村"]
notes = ["入户走访了解家庭收入情况", "协调双孢菇种植技术培训", "宣讲医保政策，核实参保", "查看住房安全，拍照存档",
         "调解邻里宅基地纠纷", "联系县人社局推荐务工岗位", "饮水安全入户检测，水质正常", "询问子女义务教育情况"]
def w(name, header, rows):
    with open(os.path.join(out, "data", name), "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff" + ",".join(header) + "\r\n")
        for r in rows:
            f.write(",".join(r) + "\r\n")
target = mb << 20
with open(os.path.join(out, "data", "accepted.csv"), "w", encoding="utf-8", newline="") as f:
    f.write("\ufeffrecord_id,visit_date,county,township,village,cadre_id,cadre_name,household_id,householder,notes\r\n")
    i = 0
    while f.tell() < target:
        rows = []
        for _ in range(10000):
            i += 1
            t = random.randrange(10)
            rows.append("R%010d,2024-%02d-%02d,张北县,%s,%s,C%04d,干部%d,H%08d,户主%d,%s；%s\r\n" % (
                i, random.randint(1, 12), random.randint(1, 28), towns[t], random.choice(villages),
                random.randrange(500), random.randrange(500), random.randrange(10**6), random.randrange(10**6),
                random.choice(notes), random.choice(notes)))
        f.write("".join(rows))
w("township_summary.csv", ["period", "county", "township", "visits"], [["2024", "张北县", t, "1"] for t in towns])
w("county_summary.csv", ["period", "county", "visits"], [["2024", "张北县", "10"]])
w("village_summary.csv", ["period", "county", "township", "village", "visits"],
  [["2024", "张北县", t, v, "1"] for t in towns for v in villages])
w("rejects.csv", ["source", "line", "record_id", "code", "field", "message"], [["a.csv", "1", "R", "E003", "visit_date", "x"]])
w("warnings.csv", ["source", "line", "record_id", "code", "field", "message"], [])
rnd = random.Random(7)
index = ["scope,township,file"]  # the render stage's index of the reports (reports.h)
for t in towns:
    for name in [t + "_2024年_工作小结"] + [t + "_" + v + "_2024年_台账" for v in villages[:3]]:
        open(os.path.join(out, "reports", name + ".pdf"), "wb").write(b"%PDF-1.4\n" + rnd.randbytes(1 << 20))
        index.append("township,%s,%s.pdf" % (t, name))
open(os.path.join(out, "reports", "张北县_2024年_年度考核结果.pdf"), "wb").write(b"%PDF-1.4\n" + rnd.randbytes(1 << 20))
open(os.path.join(out, "reports", "2024年_数据质量报告.pdf"), "wb").write(b"%PDF-1.4\n" + rnd.randbytes(1 << 20))
index += ["county,,张北县_2024年_年度考核结果.pdf", "all,,2024年_数据质量报告.pdf"]
open(os.path.join(out, "reports", ".minqing-index.csv"), "w", encoding="utf-8", newline="").write("\r\n".join(index) + "\r\n")
with open(os.path.join(out, "data", "run.txt"), "w") as f:
    f.write("period=2024\nas_of=2024-12-31\nrecords_read=%d\naccepted=%d\nrejected=1\ndropped=0\nunit=张北县乡村振兴局\n" % (i + 1, i))
EOF

sync
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S %M" -o "$TMP/time" "$MINQING" archive --period 2024 --out "$OUT" > "$TMP/archive.out" ||
	{ echo "bench_archive: archive failed"; exit 1; }
t1=$(date +%s.%N)
read -r user sys rss < "$TMP/time"
bytes=$(sed -n 's/.*(\([0-9]*\) 字节数据.*/\1/p' "$TMP/archive.out" | awk '{s+=$1} END {print s}')
zips=$(du -cb "$OUT"/archive/*.zip | tail -1 | cut -f1)
t2=$(date +%s.%N)
"$MINQING" verify "$OUT/archive/张北县_2024年_档案包.zip" > /dev/null || { echo "bench_archive: verify failed"; exit 1; }
t3=$(date +%s.%N)
county=$(sed -n 's/.*张北县_2024年_档案包.zip (\([0-9]*\) 字节数据.*/\1/p' "$TMP/archive.out")
awk -v b="$bytes" -v z="$zips" -v a="$t0" -v e="$t1" -v c="$county" -v v0="$t2" -v v1="$t3" \
    -v u="$user" -v k="$sys" -v rss="$rss" -v cpus="$(nproc)" 'BEGIN {
	s = e - a; mb = b / 1048576
	printf "bench_archive: %.1f MB payload in 11 packages (%.1f MB of ZIP) in %.2f s: %.1f MB/s (target >= 100)\n", mb, z / 1048576, s, mb / s
	printf "bench_archive: CPU %.2f s user + %.2f s sys = %.1f MB per CPU-second; %d CPUs; peak RSS %d KB\n", u, k, mb / (u + k), cpus, rss
	printf "bench_archive: verify of the county package (%.1f MB payload): %.2f s, %.1f MB/s\n", c / 1048576, v1 - v0, c / 1048576 / (v1 - v0)
}'

# verify streams members: a 200 MB member of zeros, peak RSS well under it
python3 tests/e2e/gen_bigbag.py "$TMP/zeros.zip" 200
/usr/bin/time -f "%M %e" -o "$TMP/vtime" "$MINQING" verify --max-ratio 2000 "$TMP/zeros.zip" > /dev/null ||
	{ echo "bench_archive: verify of the 200 MB member failed"; exit 1; }
read -r vrss vsec < "$TMP/vtime"
echo "bench_archive: verify of a 200 MB member: $vsec s, peak RSS $vrss KB (bound 60 MB)"
[ "$vrss" -lt 61440 ] || { echo "bench_archive: verify's memory grows with the member"; exit 1; }

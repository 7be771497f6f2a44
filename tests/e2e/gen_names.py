"""Writes the inputs of names.sh: visits, registry, roster and assignments
whose names hold what Windows refuses in a file name, a trailing dot, 91
characters, a character outside the BMP, two villages that clean to the
same file name, and a cadre whose only village is unknown.
usage: gen_names.py OUTDIR [LONG_VISITS]  (LONG_VISITS: one village with
that many visits in March 2024: a long ledger; "small": one township of
three villages, for the fault-injection sweep; "clash": two townships whose
names clean to the same one, each with a village of the same name)"""
import csv, os, sys

out = sys.argv[1]
small = len(sys.argv) > 2 and sys.argv[2] == "small"
clash = len(sys.argv) > 2 and sys.argv[2] == "clash"
long_visits = int(sys.argv[2]) if len(sys.argv) > 2 and not small and not clash else 0
os.makedirs(out, exist_ok=True)
LONG = "".join("北洼村山河" [i % 5] for i in range(90)) + "村"  # 91 characters
assert len(LONG) == 91
TOWNS = {
    "东:岗乡": ["北/洼村", "后营村?", "星*村", '"引"村', "前进村.", LONG, "\U00020000家村", "<左>|右村"],
    "石桥乡": ["北／洼村", "北/洼村", "CON"],
}
if small:
    del TOWNS["东:岗乡"]
if clash:
    TOWNS = {"东:岗乡": ["北洼村", "南洼村"], "东：岗乡": ["北洼村", "西洼村"], "北/洼乡": ["CON"]}
county = "清河县"
header = ("record_id,visit_date,county,township,village,village_group,cadre_id,cadre_name,cadre_unit,"
          "household_id,householder,household_size,household_type,visit_mode,topics,demand,measure,"
          "due_date,status,closed_date,signed,satisfaction,per_capita_income,notes").split(",")
rows, registry, roster, assign = [], [], [], []
n = 0
for t, (town, villages) in enumerate(TOWNS.items()):
    for v, village in enumerate(villages):
        registry.append([county, town, village, 50, 5, 150])
        cadre = f"C{t}{v:02d}"
        roster.append([cadre, f"干部{t}{v}", "县农业农村局", "第一书记", town, village])
        for h in range(3):
            hh = f"H{t}{v:02d}{h:03d}"
            assign.append([cadre, hh])
            n += 1
            rows.append([f"R{n:08d}", f"2024-03-{h + 2:02d}", county, town, village, "一组", cadre, f"干部{t}{v}",
                         "县农业农村局", hh, f"户主{h}", 3, "脱贫户", "入户走访", "义务教育", "", "", "", "", "",
                         "是", "满意", 12000, f"到{village}走访。"])
# a cadre whose only village is unknown: in the roster and in the records, not in the registry
roster.append(["C999", "孤村干部", "县民政局", "第一书记", "石桥乡", "无名村"])
for h in range(2):
    n += 1
    rows.append([f"R{n:08d}", "2024-03-05", county, "石桥乡", "无名村", "", "C999", "孤村干部", "县民政局",
                 f"H999{h:03d}", "某户", 2, "一般农户", "入户走访", "", "", "", "", "", "", "是", "", "", ""])
if long_visits:
    town, village = "石桥乡", "长账村"
    registry.append([county, town, village, 900, 90, 2700])
    roster.append(["C800", "长账干部", "县农业农村局", "第一书记", town, village])
    for k in range(long_visits):
        n += 1
        rows.append([f"R{n:08d}", f"2024-03-{k % 28 + 1:02d}", county, town, village, "二组", "C800", "长账干部",
                     "县农业农村局", f"H800{k % 800:04d}", f"户主{k % 800}", 3, "监测户", "入户走访", "务工就业",
                     "", "", "", "", "", "是", "满意", 9000, "了解务工情况。"])
def write(name, head, data):
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(data)
write("visits.csv", header, rows)
write("registry.csv", "county,township,village,households,poor_households,population".split(","), registry)
write("roster.csv", "cadre_id,cadre_name,unit,role,township,village".split(","), roster)
write("assignments.csv", ["cadre_id", "household_id"], assign)

"""Writes the inputs of ledger_pages.sh: one village with VISITS visits in
March 2024 whose texts are as long as the contract allows or close to it:
群众诉求 and 帮扶措施 of hundreds of characters (some with line breaks and
long Latin runs), 日志内容 of thousands, every topic, householders and
cadres with long names, and closures after the as-of date; beside it a
second village with short texts, so a ledger of plain rows is checked too.
usage: gen_ledger.py OUTDIR VISITS"""
import csv, os, sys

out, visits = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
header = ("record_id,visit_date,county,township,village,village_group,cadre_id,cadre_name,cadre_unit,"
          "household_id,householder,household_size,household_type,visit_mode,topics,demand,measure,"
          "due_date,status,closed_date,signed,satisfaction,per_capita_income,notes").split(",")
TOPICS = "吃穿;义务教育;基本医疗;住房安全;饮水安全;产业发展;务工就业;政策宣传;矛盾调解;其他"
WORDS = "家里老人常年吃药希望协调医保报销并帮助联系县医院专家会诊孩子上学路远冬季取暖困难院墙倒塌"
county, town = "清河县", "石桥乡"
rows, registry, roster, assign = [], [], [], []

def text(k, n, latin=False):
    s = "".join(WORDS[(k * 7 + i * 3) % len(WORDS)] for i in range(n))
    if latin:  # a run no break may fall inside, and a forced line break
        s = s[:20] + "https://example.org/" + "x" * 120 + "\n" + s[20:]
    return s

for village, n, long in (("长文村", visits, True), ("短文村", 90, False)):
    registry.append([county, town, village, 300, 30, 900])
    cadre = "C100" if long else "C200"
    name = "欧阳" + "长名字" * 8 if long else "李明"
    roster.append([cadre, name, "县农业农村局", "第一书记", town, village])
    for k in range(n):
        hh = f"H{'1' if long else '2'}{k % 60:03d}"
        if k < 60:
            assign.append([cadre, hh])
        day = k % 28 + 1
        demand = text(k, 300 + k % 200, k % 5 == 0) if long else ("申请危房改造" if k % 3 == 0 else "")
        measure = text(k + 1, 400 + k % 300, k % 7 == 0) if long else "联系乡里"
        # demands: closed in March, closed after the as-of date (期后办结), or open
        status = closed = due = ""
        if demand:
            due = "2024-04-30"
            status = ("已办结", "已办结", "办理中")[k % 3]
            closed = f"2024-03-{day:02d}" if k % 3 == 0 else "2024-04-15" if k % 3 == 1 else ""
        rows.append([f"R{len(rows) + 1:08d}", f"2024-03-{day:02d}", county, town, village, "一组", cadre, name,
                     "县农业农村局", hh, ("户主" + "长" * 30 if long and k % 4 == 0 else f"户主{k % 60}"), 3,
                     "脱贫户", "入户走访", TOPICS if long else "义务教育", demand, measure, due, status, closed,
                     "是", "满意", 12000, text(k + 2, 3000 if long else 30)])

def write(name, head, data):
    with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(data)
write("visits.csv", header, rows)
write("registry.csv", "county,township,village,households,poor_households,population".split(","), registry)
write("roster.csv", "cadre_id,cadre_name,unit,role,township,village".split(","), roster)
write("assignments.csv", ["cadre_id", "household_id"], assign)

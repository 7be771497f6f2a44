#!/usr/bin/env python3
"""Generates samples/: the demo data set of one fictional county (清河县).

    python3 tests/gen_samples.py [--out samples] [--seed 20240101]

Deterministic: the same seed writes byte-identical files (the workbook needs
python3-openpyxl, everything else the standard library). The generated
files are committed; re-run this after changing it.

Writes visits_2024.csv (townships 1-2, Chinese headers, GB18030, CRLF, as
Excel on a Chinese Windows saves it) but for 石桥乡's December, which is
石桥乡_2024年12月_民情日记.xlsx (a clerk's 登记表: title rows, Chinese
headers, date cells), visits_township3.xml (township 3, the
XML export of the contract, UTF-8), registry.csv, roster.csv,
assignments.csv, and the expectations of the deliberate faults:
expected_rejects.csv and expected_warnings.csv (record_id,code; the W006
duplicate is dropped, not accepted, and listed with the warnings) and
expected_summary.txt (the run summary's counts).
"""
import argparse
import datetime as dt
import os
import random

COUNTY = "清河县"
# township -> villages (the last village of 石桥乡 is registered but nobody
# keeps diaries there: it must show up with zeros in the summaries).
TOWNSHIPS = [
    ("柳林镇", ["柳林村", "河口村", "前进村", "马庄村", "杨树沟村"]),
    ("石桥乡", ["石桥村", "大王庄村", "小李庄村", "北洼村", "山后村"]),
    ("东岗乡", ["东岗村", "西岗村", "南寨村", "后营村", "郝家屯村", "苇子坑村"]),
]
SILENT_VILLAGE = ("石桥乡", "山后村")
VILLAGE_SURNAME = {"马庄村": "马", "大王庄村": "王", "小李庄村": "李", "郝家屯村": "郝"}

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许"
            "傅沈彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆"
            "郝孔白崔康毛邱秦江史顾侯邵孟段钱汤尹常武乔贺")
OLD_GIVEN = ["建国", "秀英", "桂兰", "玉珍", "德福", "长青", "占峰", "玉山", "凤英", "振华",
             "金生", "守义", "宝山", "春生", "福田", "秋菊", "淑珍", "国强", "志刚", "保国",
             "树林", "海军", "红梅", "永祥", "文明", "兰英", "二牛", "满仓", "根生", "来福",
             "铁柱", "有才", "凤兰", "连喜", "福贵", "喜荣", "素芬", "德胜", "占山", "广才",
             "宝林", "景春", "世昌", "玉兰", "春花", "新民", "立军", "学文", "金锁", "桂芳",
             "文忠", "玉梅", "俊英", "双喜", "长顺", "庆丰", "瑞林", "彩霞", "德山", "翠兰"]
YOUNG_GIVEN = ["晓东", "志强", "丽娜", "海燕", "俊杰", "文博", "佳琪", "鹏飞", "雪梅", "建华",
               "卫东", "立新", "振宇", "晓燕", "静", "磊", "伟", "芳", "敏", "涛", "浩然",
               "思远", "亚楠", "春雷", "红霞", "宏伟", "雅琴", "国栋", "明辉", "婷婷"]
UNITS = ["县委组织部", "县财政局", "县人力资源和社会保障局", "县教育局", "县卫生健康局",
         "县水利局", "县农业农村局", "县住房和城乡建设局", "县交通运输局", "县市场监督管理局",
         "国网清河县供电公司", "清河农商银行", "县自然资源局", "县民政局", "县乡村振兴局",
         "县委宣传部", "县人民医院", "县税务局", "县医疗保障局", "县司法局", "县林业局"]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组", "七组"]
MEMBERS = ["老伴", "儿子", "儿媳", "孙子", "孙女", "女儿", "老母亲"]

HEADERS = ["记录编号", "走访日期", "县区", "乡镇", "行政村", "村民小组", "干部编号", "干部姓名",
           "派出单位", "户编号", "户主姓名", "家庭人口", "户类型", "走访方式", "走访事项",
           "群众诉求", "帮扶措施", "办结时限", "办理状态", "办结日期", "受访人签字", "满意度",
           "人均纯收入", "日志内容"]
FIELDS = ["record_id", "visit_date", "county", "township", "village", "village_group",
          "cadre_id", "cadre_name", "cadre_unit", "household_id", "householder",
          "household_size", "household_type", "visit_mode", "topics", "demand", "measure",
          "due_date", "status", "closed_date", "signed", "satisfaction", "per_capita_income",
          "notes"]
YEAR_END = dt.date(2024, 12, 31)

# Per topic: (demands, each with the measures that answer it; observations
# a cadre writes down about the household; measures taken without a demand).
TOPICS = {
    "饮水安全": (
        [("自来水水压低，早晚用水高峰经常断水，请求协调解决",
          ["协调县水利局对村集中供水工程加装加压泵", "组织村级管水员对全村管网进行排查"]),
         ("入户水管冻裂过，申请维修",
          ["联系乡水管站上门检修入户管道", "申请农村供水工程维修养护资金更换入户管道"]),
         ("家里水窖渗漏，请求帮助修补", ["协调村里安排人员用防渗材料修补水窖"]),
         ("反映自来水发浑有沉淀，希望检测水质", ["取水样送县疾控中心检测，结果合格已告知户主"]),
         ("请求把自来水管道接进院内", ["联系乡水管站实施入户改造，管道已接进院内"])],
        ["查看了厨房的自来水龙头，水流偏小", "院里水表井盖破损，已提醒注意安全",
         "家里储水用的大缸还在用，说是怕停水", "试了试水龙头，出水正常，水质清澈"],
        ["讲解了冬季水管防冻的办法", "登记了管水员联系电话"]),
    "住房安全": (
        [("房屋后墙出现裂缝，雨季担心安全",
          ["联系乡住建办对房屋安全等级进行鉴定", "协调县住建局技术人员上门查看"]),
         ("屋顶漏雨，申请危房改造",
          ["纳入年度农村危房改造计划，补助资金已申报", "协调村里安排施工队帮助修补屋顶"]),
         ("申请农村危房改造补助", ["纳入年度农村危房改造计划，补助资金已申报"]),
         ("院墙倒塌一段，请求协助修缮", ["协调村里安排人员帮助重砌院墙"]),
         ("厨房房梁有虫蛀，希望帮助鉴定",
          ["联系乡住建办鉴定为C级，先安排到亲属家暂住，待改造后搬回"])],
        ["房子是九十年代盖的砖木结构，外墙有几道细裂缝", "新翻修的屋顶已经完工，屋里干燥",
         "东屋窗户玻璃碎了一块，用塑料布钉着", "房屋去年已改造，住着安全"],
        ["查看了房屋安全情况，提醒雨季注意", "把房屋安全鉴定结果贴在了墙上"]),
    "基本医疗": (
        [("老伴慢性病门诊报销比例有疑问", ["讲解门诊慢特病报销政策，核对了报销单据"]),
         ("上个月住院费用还没有报销到账", ["联系县医保局核实报销进度，已到账"]),
         ("申请办理门诊慢特病证", ["陪同到乡卫生院办理门诊慢特病认定"]),
         ("询问大病救助政策，家里医疗负担重", ["协助准备大病救助申请材料报乡民政办"]),
         ("不会用手机缴纳医保，请求帮助", ["上门帮助通过手机缴纳城乡居民医保"]),
         ("老人常年吃药，希望医生上门看看", ["联系家庭签约医生上门随访并调整用药"])],
        ["{name}高血压多年，常年吃药，精神还可以", "{member}去年做了手术，现在恢复得不错",
         "家庭医生签约服务落实了，每季度上门测血压", "看了医保报销单据，一站式结算已享受"],
        ["提醒按时缴纳明年的城乡居民医保", "讲解了先诊疗后付费政策"]),
    "义务教育": (
        [("孙子上初中，申请寄宿生生活补助", ["联系中心学校核实资助名单，已纳入"]),
         ("孩子上学路远，希望协调校车接送", ["与乡中心学校协调，校车增加一个停靠点"]),
         ("申请雨露计划职业教育补助", ["协助准备雨露计划申报材料报县乡村振兴局"]),
         ("孩子不愿上学，家长劝不动", ["与班主任一起上门做思想工作，孩子已返校"])],
        ["{child}在镇中学读初二，成绩中等", "孩子都在县城上学，教育资助都已享受",
         "孩子今年考上了职业学校，家里挺高兴", "查看了学生资助明细，春季学期已发放"],
        ["讲解了雨露计划补助政策", "核对了学生资助发放情况"]),
    "务工就业": (
        [("儿子想外出务工，希望推荐岗位", ["把县人社局的用工信息发到户主微信上",
                                          "推荐报名县里春风行动招聘会"]),
         ("申请村里公益性岗位", ["安排村保洁公益性岗位"]),
         ("希望参加电焊技能培训", ["推荐参加县人社局组织的电焊培训班"]),
         ("外出务工交通补贴还没领到", ["协助申领外出务工一次性交通补贴"]),
         ("想在县城附近找份活，方便照顾老人", ["推荐到县城扶贫车间务工，月工资三千元左右"])],
        ["{worker}在外地工地打工，每月往家寄钱", "家里两个劳动力都在外务工，收入稳定",
         "{name}在村里扶贫车间干活，离家近", "{worker}春节后还没出去，在家等活"],
        ["登记了家里劳动力务工情况", "宣传了县里春季招聘会"]),
    "产业发展": (
        [("想扩大养牛规模，缺少资金", ["协助申请脱贫人口小额信贷五万元"]),
         ("申请脱贫人口小额信贷", ["协助申请脱贫人口小额信贷五万元"]),
         ("家里核桃卖不出好价钱", ["对接电商平台帮助销售", "联系县里的消费帮扶专柜收购"]),
         ("申请庭院经济产业奖补", ["申报庭院经济产业奖补两千元"]),
         ("大棚蔬菜得了病，需要技术指导", ["联系县农业农村局技术员上门指导"])],
        ["院里养了三头牛、十几只羊，长势不错", "种了四亩玉米，今年雨水好",
         "家里的两个蔬菜大棚正在收西红柿", "核桃树刚打过药，等着秋天收"],
        ["介绍加入村里的养殖合作社", "宣传了产业奖补政策"]),
    "吃穿": (
        [("担心冬天取暖用煤不够", ["协调落实清洁取暖补贴，送去一吨煤"]),
         ("家里生活困难，申请临时救助", ["联系乡民政办申请临时救助一千元"])],
        ["粮食够吃，冬衣也准备了", "过冬的煤已经备下了", "冰箱里有肉有菜，吃穿不愁"],
        ["送去米、面、油和一床棉被"]),
    "政策宣传": (
        [("询问养老保险缴费档次", ["讲解了城乡居民养老保险缴费档次和补贴"]),
         ("想了解防返贫监测政策", ["发放防返贫监测明白纸，讲解申报流程"])],
        ["宣传了防返贫监测政策，留下了联系卡", "讲了医保缴费和养老保险的政策",
         "把今年的惠民政策明白纸贴在了墙上"],
        ["发放防返贫监测明白纸，讲解申报流程", "宣传了小额信贷和产业奖补政策"]),
    "矛盾调解": (
        [("与邻居宅基地边界有纠纷", ["会同村调解委员会现场调解，双方签了协议"]),
         ("和兄弟因赡养老人问题有矛盾", ["找来兄弟几个一起商量，定了轮流赡养办法"]),
         ("邻居家排水流到自家院里", ["协调邻居改了排水沟走向"])],
        ["和邻居关系缓和了", "说起家里的事，{name}心情好了不少"],
        ["了解了邻里关系情况"]),
    "其他": (
        [("门口路灯坏了", ["协调村委会维修路灯"]),
         ("咨询户口迁移手续", ["告知户口迁移所需材料和办理地点"]),
         ("想办理残疾证", ["陪同到县残联办理残疾评定"])],
        ["门口的路已经硬化了", "家里院子收拾得干净整洁"],
        ["提醒冬季注意防火"]),
}
TOPIC_ORDER = ["吃穿", "义务教育", "基本医疗", "住房安全", "饮水安全", "产业发展", "务工就业",
               "政策宣传", "矛盾调解", "其他"]
TOPIC_WEIGHT = {"吃穿": 4, "义务教育": 10, "基本医疗": 18, "住房安全": 12, "饮水安全": 12,
                "产业发展": 16, "务工就业": 16, "政策宣传": 8, "矛盾调解": 3, "其他": 3}
CLOSINGS = ["下一步继续跟踪落实。", "已在帮扶手册上登记。", "叮嘱注意用火用电安全。",
            "{name}表示感谢。", "临走时留了联系电话，有事随时找我。", "已向村支书汇报。",
            "约定下次走访时再看看。", "家里整体情况稳定。", "回去后把情况整理进了台账。"]
OPENINGS = {
    "入户走访": ["上午到{group}{name}家走访，", "入户走访{name}家，", "下午到{name}家了解近况，",
             "和村支书一起到{name}家，", "今天走访{name}户，"],
    "电话": ["电话联系{name}，", "打电话回访{name}，", "给{name}的{member}打电话，"],
    "微信": ["通过微信和{name}的{member}联系，", "{name}的{member}在微信上留言，", "微信视频回访{name}，"],
    "座谈": ["在村委会召开群众座谈会，{name}参加，", "组织{group}群众座谈，{name}到会，"],
    "集中宣讲": ["在村文化广场集中宣讲惠民政策，{name}家{member}参加，",
             "召开防返贫监测政策宣讲会，{name}到场听讲，"],
}
HH_DESC = ["家中{size}口人", "老两口在家，儿子在外务工", "{name}身体尚好，正在院里收拾柴火",
           "家里{size}口人，{worker}在县城上班", "{name}一个人在家，{member}上班去了",
           "屋里收拾得挺干净", "{name}腿脚不太好，平时靠{member}照顾"]


def rdate(d, style):
    """Formats a date the way clerks type it: ISO, slash, dot or 年月日."""
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return "%d/%d/%d" % (d.year, d.month, d.day)
    if style == "dot":
        return "%d.%d.%d" % (d.year, d.month, d.day)
    return "%d年%d月%d日" % (d.year, d.month, d.day)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.villages = []     # dicts: township, village, ti, vi, households
        self.cadres = []       # dicts: id, name, unit, role, township, village, hh
        self.records = []      # dicts keyed by FIELDS, plus _date objects

    # ---- people and places -------------------------------------------------
    def person(self, given, surname=None):
        r = self.r
        s = surname if surname and r.random() < 0.45 else r.choice(SURNAMES)
        return s + r.choice(given)

    def household(self, v, seq, assigned):
        r = self.r
        if assigned:
            t = r.choices(["脱贫户", "监测户", "低保户", "特困户", "一般农户"], [60, 20, 10, 5, 5])[0]
        else:
            t = r.choices(["一般农户", "脱贫户", "监测户"], [70, 25, 5])[0]
        size = 1 if t == "特困户" else r.choices([1, 2, 3, 4, 5, 6, 7], [6, 22, 20, 24, 16, 8, 4])[0]
        base = {"脱贫户": (8000, 16000), "监测户": (6000, 10000), "低保户": (5000, 8000),
                "特困户": (4500, 7000), "一般农户": (12000, 30000)}[t]
        income = r.randrange(base[0], base[1], 10)
        if r.random() < 0.15:
            income = "%d.5" % income
        return {"id": "H%02d%02d%03d" % (v["ti"] + 1, v["vi"] + 1, seq),
                "name": self.person(OLD_GIVEN, VILLAGE_SURNAME.get(v["village"])),
                "size": size, "type": t, "income": str(income),
                "group": r.choice(GROUPS[:r.randint(4, 7)]), "village": v}

    def build_places(self):
        r = self.r
        units = UNITS[:]
        r.shuffle(units)
        given = YOUNG_GIVEN[:]
        r.shuffle(given)
        cid = 0

        def new_cadre(v, role, unit):
            nonlocal cid
            cid += 1
            c = {"id": "C%04d" % cid, "name": r.choice(SURNAMES) + given.pop(), "unit": unit,
                 "role": role, "township": v["township"], "village": v["village"], "hh": [],
                 "v": v}
            self.cadres.append(c)
            v["cadres"].append(c)
            return c

        team_villages = {"河口村", "马庄村", "大王庄村", "东岗村", "郝家屯村"}
        for ti, (tname, vnames) in enumerate(TOWNSHIPS):
            for vi, vname in enumerate(vnames):
                v = {"township": tname, "village": vname, "ti": ti, "vi": vi,
                     "cadres": [], "households": []}
                self.villages.append(v)
                new_cadre(v, "第一书记", units[(len(self.villages) - 1) % len(units)])
                if vname in team_villages:
                    new_cadre(v, "驻村工作队员", units[(len(self.villages) + 7) % len(units)])
            # the township's own cadre, in charge of one of its villages
            tv = [v for v in self.villages if v["ti"] == ti][1]
            new_cadre(tv, "包村干部", tname + "人民政府")
        v = self.village("柳林镇", "前进村")
        new_cadre(v, "帮扶责任人", "县统计局")
        v = self.village("东岗乡", "南寨村")
        new_cadre(v, "村干部", "南寨村村民委员会")
        # households: the assigned ones first, then some nobody is assigned to
        for v in self.villages:
            seq = 0
            for c in v["cadres"]:
                for _ in range(r.randint(8, 15)):
                    seq += 1
                    h = self.household(v, seq, True)
                    v["households"].append(h)
                    c["hh"].append(h)
            for _ in range(r.randint(10, 20)):
                seq += 1
                v["households"].append(self.household(v, seq, False))

    def village(self, township, village):
        return next(v for v in self.villages if v["township"] == township and v["village"] == village)

    # ---- diary text --------------------------------------------------------
    def fill(self, s, h):
        r = self.r
        return s.format(name=h["name"], size=h["size"], group=h["group"],
                        member=r.choice(MEMBERS), child=r.choice(["孙子", "孙女", "儿子", "女儿"]),
                        worker=r.choice(["儿子", "儿媳", "女儿", "女婿"]))

    def pick_text(self, texts, h):
        """A sentence that fits the household: nobody else at home in a one-person one."""
        if h["size"] == 1:
            texts = [t for t in texts if "{" not in t.replace("{name}", "").replace("{group}", "")
                     and "老两口" not in t] \
                or ["{name}一个人生活，身体还算硬朗"]
        return self.fill(self.r.choice(texts), h)

    def notes(self, h, mode, topics, demand, measure, closed):
        r = self.r
        parts = [self.pick_text(OPENINGS[mode], h)]
        if mode == "入户走访" and r.random() < 0.7:
            parts.append(self.pick_text(HH_DESC, h) + "。")
        for t in topics:
            if r.random() < 0.8:
                parts.append(self.pick_text(TOPICS[t][1], h) + "。")
        if demand:
            parts.append("{}反映{}。".format(h["name"], demand))
            if measure:
                parts.append(("已" if closed else "准备") + measure + "。")
        elif measure:
            parts.append(measure + "。")
        closings = CLOSINGS if mode in ("入户走访", "座谈", "集中宣讲") else \
            [x for x in CLOSINGS if "临走" not in x and "用火" not in x]
        parts.append(self.fill(r.choice(closings), h))
        # a few are typed with half-width commas, quotes or Alt+Enter breaks
        text = "".join(parts)
        while len(text) > 200:
            parts.pop(-2 if len(parts) > 2 else -1)
            text = "".join(parts)
        x = r.random()
        if x < 0.05:
            text = text.replace("，", ",", 2)
        elif x < 0.08:
            text += '宣传了"两不愁三保障"政策。'
        elif x < 0.11 and len(parts) > 2:
            text = "".join(parts[:2]) + "\n" + "".join(parts[2:])
        if len(text) < 20:
            text += "了解了家庭收入和两不愁三保障落实情况。"
        return text[:200]

    # ---- visits ------------------------------------------------------------
    def month_count(self, c, month):
        r = self.r
        base = {"第一书记": (10, 13), "驻村工作队员": (9, 13), "包村干部": (6, 11),
                "帮扶责任人": (4, 9), "村干部": (8, 12)}[c["role"]]
        n = r.randint(*base)
        if month == 2:               # Spring Festival
            n -= r.randint(1, 4)
        if r.random() < 0.07:        # training, sick leave, flood duty
            n = r.randint(3, 8)
        return max(n, 0)

    def visit(self, c, day, mode=None, h=None):
        r = self.r
        v = c["v"]
        if h is None:
            h = r.choice(c["hh"]) if r.random() < 0.82 else r.choice(v["households"])
        if mode is None:
            w = {"帮扶责任人": [55, 25, 14, 4, 2]}.get(c["role"], [80, 9, 5, 4, 2])
            mode = r.choices(["入户走访", "电话", "微信", "座谈", "集中宣讲"], w)[0]
        if mode == "集中宣讲":
            topics = ["政策宣传"]
        else:
            k = r.choices([1, 2, 3], [55, 35, 10])[0]
            topics = []
            while len(topics) < k:
                t = r.choices(TOPIC_ORDER, [TOPIC_WEIGHT[t] for t in TOPIC_ORDER])[0]
                if t not in topics:
                    topics.append(t)
        pdemand = {"入户走访": 0.55, "电话": 0.3, "微信": 0.35, "座谈": 0.4, "集中宣讲": 0.08}[mode]
        demand = measure = due = status = closed = None
        t0 = topics[0]
        if r.random() < pdemand:
            demand, measures = r.choice(TOPICS[t0][0])
            measure = r.choice(measures)
            due = day + dt.timedelta(days=r.choice([7, 10, 15, 15, 20, 30, 30, 60]))
            x = r.random()
            if x < 0.66:
                closed = day + dt.timedelta(days=r.randint(1, (due - day).days))
            elif x < 0.82:
                closed = due + dt.timedelta(days=r.randint(1, 45))
            status = "已办结" if closed else ("办理中" if x < 0.92 else "未办理")
            if closed and closed > YEAR_END:
                closed, status = None, "办理中"
            if status != "已办结":   # the result part of a measure is not there yet
                measure = measure.split("，")[0]
            if status == "未办理":
                measure = None if r.random() < 0.5 else measure
        elif r.random() < 0.3:
            measure = r.choice(TOPICS[t0][2])
        signed = {"入户走访": 0.95, "电话": 0.1, "微信": 0.15, "座谈": 0.85, "集中宣讲": 0.8}[mode]
        sat = r.choices(["满意", "基本满意", "不满意", ""], c.get("satw", [72, 17, 4, 7]))[0]
        if r.random() < 0.07:
            sep = r.choice(["；", "、", "|"])
        else:
            sep = ";"
        return {
            "_date": day, "_cadre": c, "_h": h,
            "record_id": None, "visit_date": day,
            "county": COUNTY if r.random() > 0.04 else "",
            "township": v["township"], "village": v["village"],
            "village_group": h["group"] if r.random() > 0.12 else "",
            "cadre_id": c["id"], "cadre_name": c["name"], "cadre_unit": c["unit"],
            "household_id": h["id"], "householder": h["name"],
            "household_size": str(h["size"]) if r.random() > 0.05 else "",
            "household_type": h["type"], "visit_mode": mode, "topics": sep.join(topics),
            "demand": demand or "", "measure": measure or "",
            "due_date": due, "status": status or "", "closed_date": closed,
            "signed": "是" if r.random() < signed else "否",
            "satisfaction": sat,
            "per_capita_income": h["income"] if r.random() > 0.25 else "",
            "notes": self.notes(h, mode, topics, demand, measure, closed),
        }

    def build_visits(self):
        r = self.r
        # one cadre whose households are often unhappy: the veto rule shows
        grumpy = self.cadres[5]
        grumpy["satw"] = [50, 20, 27, 3]
        for c in self.cadres:
            if c["v"]["village"] == SILENT_VILLAGE[1]:
                continue
            for month in range(1, 13):
                n = self.month_count(c, month)
                ndays = (dt.date(2024, month % 12 + 1, 1) if month < 12 else dt.date(2025, 1, 1)) \
                    - dt.date(2024, month, 1)
                days = [dt.date(2024, month, d) for d in range(1, ndays.days + 1)]
                work = [d for d in days if d.weekday() < 5] or days
                # one meeting or policy session a month for some, several households the same day
                if n >= 4 and r.random() < 0.3:
                    day = r.choice(work)
                    mode = r.choice(["座谈", "集中宣讲"])
                    for h in r.sample(c["v"]["households"], min(n // 3, 4)):
                        self.records.append(self.visit(c, day, mode, h))
                        n -= 1
                per_day = 3 if c["role"] in ("第一书记", "驻村工作队员") else 2
                dlist = sorted(r.sample(work, min(len(work), max(1, n // per_day + 1))))
                for i in range(n):
                    day = dlist[i % len(dlist)] if r.random() < 0.85 else r.choice(days)
                    self.records.append(self.visit(c, day))
        # a few entries from December 2023, before the year's register started
        for c in self.cadres[:3]:
            for d in (18, 21, 27):
                self.records.append(self.visit(c, dt.date(2023, 12, d)))
        # a cadre seconded for the summer who is not in the roster (W001)
        hekou = self.village("柳林镇", "河口村")
        temp = {"id": "C0031", "name": "邵志远", "unit": "县审计局", "role": "驻村工作队员",
                "township": "柳林镇", "village": "河口村", "hh": hekou["households"][:10],
                "v": hekou}
        self.w001 = []
        for d in (8, 15, 22, 29):
            rec = self.visit(temp, dt.date(2024, 7, d), "入户走访")
            self.w001.append(rec)
            self.records.append(rec)
        # record ids: R + YYYYMM + number within the month, in date order
        key = lambda x: (x["_date"], x["township"] != "柳林镇", x["township"], x["village"],
                         x["cadre_id"], x["household_id"])
        self.records.sort(key=key)
        per_month = {}
        for rec in self.records:
            m = rec["_date"].strftime("%Y%m")
            per_month[m] = per_month.get(m, 0) + 1
            rec["record_id"] = "R%s%04d" % (m, per_month[m])

    # ---- faults ------------------------------------------------------------
    def pick(self, pool, month, used, **want):
        """A clean record of the given month that no other fault uses."""
        ok = [rec for rec in pool
              if rec["_date"].year == 2024 and rec["_date"].month == month and id(rec) not in used
              and rec["_cadre"]["id"] != "C0031"
              and all(bool(rec[k]) == v for k, v in want.items())]
        if not ok:
            raise SystemExit("gen_samples: no record for fault in month %d" % month)
        rec = self.r.choice(ok)
        used.add(id(rec))
        return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "samples"))
    ap.add_argument("--seed", type=int, default=20240101)
    a = ap.parse_args()
    g = Gen(a.seed)
    g.build_places()
    g.build_visits()
    os.makedirs(a.out, exist_ok=True)
    write_reference(g, a.out)
    write_visits(g, a.out)
    check_readme(a.out)


def csv_cell(s):
    if any(ch in s for ch in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_csv_utf8(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        for row in [header] + rows:
            f.write(",".join(csv_cell(str(x)) for x in row) + "\n")


def write_reference(g, out):
    r = g.r
    reg = []
    for v in g.villages:
        n = r.randint(180, 460)
        reg.append([COUNTY, v["township"], v["village"], n, r.randint(n // 12, n // 5),
                    int(n * r.uniform(2.9, 3.6))])
    write_csv_utf8(os.path.join(out, "registry.csv"),
                   ["county", "township", "village", "households", "poor_households", "population"], reg)
    write_csv_utf8(os.path.join(out, "roster.csv"),
                   ["cadre_id", "cadre_name", "unit", "role", "township", "village"],
                   [[c["id"], c["name"], c["unit"], c["role"], c["township"], c["village"]]
                    for c in g.cadres])
    write_csv_utf8(os.path.join(out, "assignments.csv"), ["cadre_id", "household_id"],
                   [[c["id"], h["id"]] for c in g.cadres for h in c["hh"]])


def cells_of(rec, style):
    out = []
    for f in FIELDS:
        x = rec[f]
        if isinstance(x, dt.date):
            x = rdate(x, style)
        out.append("" if x is None else x)
    return out


def write_visits(g, out):
    r = g.r
    t3 = TOWNSHIPS[2][0]
    csv_recs = [x for x in g.records if x["township"] != t3]
    xml_recs = [x for x in g.records if x["township"] == t3]
    rows = []   # list of (record, cells) — cells are str, or bytes when hand-made
    for rec in csv_recs:
        style = r.choices(["slash", "iso", "cn", "dot"], [45, 30, 15, 10])[0]
        rows.append([rec, cells_of(rec, style)])

    used = set()
    rejects, warnings = [], []
    idx = {id(row[0]): i for i, row in enumerate(rows)}

    def fault(month, code, mutate, **want):
        rec = g.pick(csv_recs, month, used, **want)
        row = rows[idx[id(rec)]]
        mutate(row[1])
        rejects.append((rec["record_id"], code))
        return row

    C = {f: i for i, f in enumerate(FIELDS)}

    def setc(field, value):
        def m(cells):
            cells[C[field]] = value
        return m

    # E001: a cell lost (23 cells) and a stray character after a closing quote
    fault(1, "E001", lambda cells: cells.pop(C["village_group"]))
    row = fault(2, "E001", lambda cells: None, demand=True)
    dem = row[1][C["demand"]] + ", 请尽快"
    row[1][C["demand"]] = ('"' + dem + '"。').encode("gb18030")
    # E002: householder and township missing
    fault(3, "E002", setc("householder", ""))
    fault(3, "E002", setc("township", ""))
    # E003: a day that does not exist, and a date nobody can read
    fault(2, "E003", setc("visit_date", "2024-02-30"), demand=False)
    fault(4, "E003", setc("visit_date", "上周三"), demand=False)
    # E004: household size 0 and 45, income -100
    fault(5, "E004", setc("household_size", "0"))
    fault(5, "E004", setc("household_size", "45"))
    fault(5, "E004", setc("per_capita_income", "-100"))
    # E005: visit mode, status, satisfaction outside their lists
    fault(6, "E005", setc("visit_mode", "上门"))
    fault(6, "E005", setc("status", "已完成"), demand=True, closed_date=True)
    fault(6, "E005", setc("satisfaction", "非常满意"))
    # E007: due date before the visit; closed before the visit
    def due_before(cells):
        rec = rows_by_cells[id(cells)]
        cells[C["due_date"]] = rdate(rec["_date"] - dt.timedelta(days=5), "iso")
    def closed_before(cells):
        rec = rows_by_cells[id(cells)]
        cells[C["closed_date"]] = rdate(rec["_date"] - dt.timedelta(days=3), "iso")
    rows_by_cells = {id(row[1]): row[0] for row in rows}
    fault(8, "E007", due_before, demand=True, closed_date=False)
    fault(8, "E007", closed_before, demand=True, closed_date=True)
    # E008: a visit dated 2012
    fault(9, "E008", setc("visit_date", "2012/11/8"), demand=False)
    # E009: a village the registry does not know
    fault(9, "E009", setc("village", "王家庄村"))
    # E010: bytes that are not GB18030, in the middle of the notes
    row = fault(10, "E010", lambda cells: None)
    note = row[1][C["notes"]]
    cut = max(1, len(note) // 2)
    row[1][C["notes"]] = csv_cell(note[:cut] + "\x00" + note[cut:]).encode("gb18030") \
        .replace(b"\x00", b"\x80\xff")
    # E011: a whole work report pasted into the notes (> 8000 characters)
    para = ("今年以来，村里围绕巩固拓展脱贫攻坚成果同乡村振兴有效衔接，"
            "逐户开展防返贫动态监测，落实“两不愁三保障”和饮水安全各项政策，"
            "发展特色种养产业，组织劳动力外出务工，推进人居环境整治。")
    fault(11, "E011", setc("notes", (para * (8200 // len(para) + 1))[:8200]))
    # E012: a demand without a due date; 已办结 without a closed date
    fault(11, "E012", setc("due_date", ""), demand=True)
    fault(12, "E012", setc("closed_date", ""), demand=True, closed_date=True)

    # W002: a household id from 柳林村 written for a household in 北洼村
    beiwa = g.village("石桥乡", "北洼村")
    liulin_h = g.village("柳林镇", "柳林村")["households"][0]
    rec = g.pick([x for x in csv_recs if x["village"] == "北洼村"], 11, used)
    rows[idx[id(rec)]][1][C["household_id"]] = liulin_h["id"]
    assert beiwa is rec["_cadre"]["v"]
    assert any(x["household_id"] == liulin_h["id"] and x["_date"] < rec["_date"] and id(x) not in used
               for x in csv_recs)
    warnings.append((rec["record_id"], "W002"))
    warnings += [(x["record_id"], "W001") for x in g.w001]

    # E006 and W006: extra rows that repeat an earlier record id
    orig = g.pick(csv_recs, 7, used)
    i = idx[id(orig)]
    changed = list(rows[i][1])
    changed[C["notes"]] = "补录：" + changed[C["notes"]][:60] + "（与原记录不同）"
    changed[C["satisfaction"]] = "不满意"
    rows.insert(i + 6, [None, changed])
    rejects.append((orig["record_id"], "E006"))
    dup = g.pick(csv_recs, 7, used)
    i = [j for j, row in enumerate(rows) if row[0] is dup][0]
    rows.insert(i + 1, [None, list(rows[i][1])])
    dropped = [(dup["record_id"], "W006")]

    # Excel writes all-empty rows where a range had empty lines
    rows.insert(len(rows) // 3, [None, [""] * len(FIELDS)])
    rows.append([None, [""] * len(FIELDS)])

    # 石桥乡's December as the township's own workbook (no deliberate fault in it)
    in_book = [row for row in rows if row[0] is not None and id(row[0]) not in used
               and row[0]["township"] == "石桥乡" and row[0]["_date"].month == 12
               and row[0]["_date"].year == 2024 and all(isinstance(c, str) for c in row[1])]
    write_workbook(os.path.join(out, WORKBOOK), [row[1] for row in in_book])
    book_ids = {id(row) for row in in_book}
    rows = [row for row in rows if id(row) not in book_ids]

    with open(os.path.join(out, "visits_2024.csv"), "wb") as f:
        f.write(",".join(HEADERS).encode("gb18030") + b"\r\n")
        for _, cells in rows:
            enc = [c if isinstance(c, bytes) else csv_cell(c).encode("gb18030") for c in cells]
            f.write(b",".join(enc) + b"\r\n")

    # township 3 as the XML export; three records break the schema
    xbad = {}
    for month, code in ((2, "E002"), (6, "E004"), (10, "E005")):
        rec = g.pick(xml_recs, month, used)
        xbad[id(rec)] = code
        rejects.append((rec["record_id"], code))
    write_xml(os.path.join(out, "visits_township3.xml"), xml_recs, xbad)

    with open(os.path.join(out, "expected_rejects.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("record_id,code\n")
        for rid, code in sorted(rejects):
            f.write("%s,%s\n" % (rid, code))
    with open(os.path.join(out, "expected_warnings.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("record_id,code\n")
        for rid, code in sorted(warnings + dropped):
            f.write("%s,%s\n" % (rid, code))
    nrec = sum(1 for _, c in rows if any(c)) + len(xml_recs) + len(in_book)
    with open(os.path.join(out, "expected_summary.txt"), "w", encoding="utf-8") as f:
        f.write("read %d\naccepted %d\nrejected %d\ndropped %d\nblank_rows %d\nW001 %d\nW002 %d\n"
                "dropped_ids %s\n" % (
                    nrec, nrec - len(rejects) - len(dropped), len(rejects), len(dropped), 2,
                    len(g.w001), 1, " ".join(x[0] for x in dropped)))


WORKBOOK = "石桥乡_2024年12月_民情日记.xlsx"


def parse_date(s):
    """The date a clerk typed in one of rdate's forms, or None."""
    import re
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def write_workbook(path, rows):
    """A township clerk's 登记表 as Excel keeps it: a title row, a line of who
    filled it in, Chinese headers, dates as date cells, numbers as numbers.
    Written with openpyxl; the ZIP and document dates are fixed so the file is
    byte-identical on every run."""
    import io
    import zipfile
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "12月"
    ws.append(["石桥乡2024年12月民情日记登记表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(["填报单位：石桥乡人民政府", None, None, None, None, None, None, None,
               "填报日期：2025年1月3日"])
    ws.append(HEADERS)
    C = {f: i for i, f in enumerate(FIELDS)}
    for cells in rows:
        out = []
        for f, v in zip(FIELDS, cells):
            if f in ("visit_date", "due_date", "closed_date") and parse_date(v):
                out.append(parse_date(v))
            elif f in ("household_size", "per_capita_income") and v.isdigit():
                out.append(int(v))
            else:
                out.append(v if v != "" else None)
        ws.append(out)
        r = ws.max_row
        for f in ("visit_date", "due_date", "closed_date"):
            ws.cell(row=r, column=C[f] + 1).number_format = 'yyyy"年"m"月"d"日"'
    stamp = dt.datetime(2025, 1, 3, 9, 0, 0)
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the ZIP entries and dcterms:modified with the clock
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-03T09:00:00Z", data)
            z = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 3, 9, 0, 0))
            z.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(z, data)


def xesc(s, attr=False):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace('"', "&quot;") if attr else s


def write_xml(path, recs, bad):
    L = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<visits version="1" exported="2025-01-06T09:30:00+08:00">']
    for rec in recs:
        code = bad.get(id(rec))
        d = lambda k: rec[k].isoformat() if rec[k] else ""
        L.append('  <visit id="%s">' % rec["record_id"])
        L.append("    <date>%s</date>" % d("visit_date"))
        place = ""
        if rec["county"]:
            place += "<county>%s</county>" % xesc(rec["county"])
        if code != "E002":
            place += "<township>%s</township>" % xesc(rec["township"])
        place += "<village>%s</village>" % xesc(rec["village"])
        if rec["village_group"]:
            place += "<group>%s</group>" % xesc(rec["village_group"])
        L.append("    " + place)
        L.append('    <cadre id="%s" unit="%s">%s</cadre>' % (
            xesc(rec["cadre_id"], 1), xesc(rec["cadre_unit"], 1), xesc(rec["cadre_name"])))
        size = "0" if code == "E004" else rec["household_size"]
        L.append('    <household id="%s"%s type="%s">%s</household>' % (
            xesc(rec["household_id"], 1), ' size="%s"' % size if size else "",
            xesc(rec["household_type"], 1), xesc(rec["householder"])))
        L.append("    <mode>%s</mode>" % ("走访" if code == "E005" else rec["visit_mode"]))
        topics = [t for t in TOPIC_ORDER if t in rec["topics"]]
        if topics:
            L.append("    <topics>%s</topics>" % "".join("<topic>%s</topic>" % t for t in topics))
        if rec["demand"]:
            attrs = ' due="%s" status="%s"' % (d("due_date"), rec["status"])
            if rec["closed_date"]:
                attrs += ' closed="%s"' % d("closed_date")
            L.append("    <demand%s>%s</demand>" % (attrs, xesc(rec["demand"])))
        if rec["measure"]:
            L.append("    <measure>%s</measure>" % xesc(rec["measure"]))
        L.append("    <signed>%s</signed>" % rec["signed"])
        if rec["satisfaction"]:
            L.append("    <satisfaction>%s</satisfaction>" % rec["satisfaction"])
        if rec["per_capita_income"]:
            L.append("    <income>%s</income>" % rec["per_capita_income"])
        if rec["notes"]:
            L.append("    <notes>%s</notes>" % xesc(rec["notes"]))
        L.append("  </visit>")
    L.append("</visits>")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L) + "\n")


def check_readme(out):
    """The README lists the faults by hand: say when it falls behind."""
    path = os.path.join(out, "README.md")
    if not os.path.exists(path):
        return
    text = open(path, encoding="utf-8").read()
    for name in ("expected_rejects.csv", "expected_warnings.csv"):
        for line in open(os.path.join(out, name), encoding="utf-8").read().split("\n")[1:]:
            if line and line.split(",")[0] not in text:
                print("gen_samples: %s not in README.md; update the table" % line)


if __name__ == "__main__":
    main()

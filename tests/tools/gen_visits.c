/* gen_visits — writes large, deterministic visit-record data sets for the
 * benchmark and the scale tests: DIR/visits.csv (or one DIR/visits_<county>.csv
 * per county), DIR/registry.csv, DIR/roster.csv, DIR/assignments.csv and
 * DIR/expected_summary.txt.
 *
 *   gen_visits --records N --seed S [--counties K] [--townships T]
 *              [--villages V] [--cadres-per-village C]
 *              [--households-per-village H] [--township-range a-b]
 *              [--split-by-county] --out DIR
 *
 * The layout is K counties x T townships x V villages, C cadres and H
 * households per village. Records are dealt round robin over all townships
 * of the layout and each township draws from its own PRNG, so a township's
 * records do not depend on which other townships are written: two runs with
 * --township-range 1-10 and 11-20 write exactly the records of one full run.
 * Dates rise through 2024 along the file. About 0.1 % of records are broken
 * on purpose (one contract code each) and about 0.01 % are exact duplicates;
 * their counts go to stdout and expected_summary.txt.
 *
 * Speed matters more than elegance here: lines are built with memcpy into a
 * large buffer, households and names come from a hash instead of tables. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_COUNTIES 99
#define MAX_TOWNSHIPS 99
#define MAX_VILLAGES 99
#define MAX_CADRES 9
#define MAX_HOUSEHOLDS 999
#define FAULT_PER_MILLE 1   /* invalid records per 1000 */
#define DUP_PER_100K 10     /* exact duplicates per 100,000 */
#define LINE_MAX_BYTES 2048 /* every valid line is shorter */

/* ---- PRNG and hash -------------------------------------------------------- */

static uint64_t splitmix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static inline uint64_t xs_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* A number in [0, n): the high half of a 32x32 product, bias negligible here. */
static inline uint32_t xs_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((xs_next(s) >> 32) * (uint64_t)n) >> 32);
}

/* ---- word tables ------------------------------------------------------------ */

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Place-name syllables; 无 and 名 are left out so "无名村" never exists. */
static const char *const SYL[40] = {
	"东", "西", "南", "北", "前", "后", "大", "小", "高", "石", "河", "山", "沟", "岭",
	"坪", "庄", "营", "屯", "寨", "桥", "湾", "沙", "柳", "杏", "桃", "松", "柏", "梨",
	"枣", "龙", "凤", "清", "安", "平", "丰", "兴", "和", "泉", "林", "阳",
};
static const char *const SURNAME[48] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱",
	"高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于",
	"董", "程", "曹", "袁", "邓", "许", "傅", "沈", "彭", "吕", "苏", "卢", "蒋", "蔡",
	"贾", "丁", "魏", "薛", "叶", "郝",
};
static const char *const OLD_GIVEN[32] = {
	"建国", "秀英", "桂兰", "玉珍", "德福", "长青", "占峰", "玉山", "凤英", "振华", "金生",
	"守义", "宝山", "春生", "福田", "秋菊", "淑珍", "国强", "志刚", "保国", "树林", "海军",
	"红梅", "永祥", "文明", "兰英", "满仓", "根生", "来福", "铁柱", "有才", "凤兰",
};
static const char *const YOUNG_GIVEN[16] = {
	"晓东", "志强", "丽娜", "海燕", "俊杰", "文博", "佳琪", "鹏飞", "雪梅", "建华", "卫东",
	"立新", "振宇", "晓燕", "浩然", "思远",
};
static const char *const UNIT[16] = {
	"县委组织部", "县财政局", "县人社局", "县教育局", "县卫生健康局", "县水利局",
	"县农业农村局", "县住建局", "县交通运输局", "县市场监管局", "县供电公司", "县农商银行",
	"县自然资源局", "县民政局", "县乡村振兴局", "县医疗保障局",
};
static const char *const ROLE[5] = { "第一书记", "驻村工作队员", "包村干部", "帮扶责任人", "村干部" };
static const char *const GROUP[8] = { "一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组" };
/* household types with weights out of 100: 脱贫户 20, 监测户 5, 低保户 4, 特困户 1, 一般农户 70 */
static const char *const HTYPE[5] = { "脱贫户", "监测户", "低保户", "特困户", "一般农户" };
static const char *const TOPIC[10] = {
	"吃穿", "义务教育", "基本医疗", "住房安全", "饮水安全", "产业发展", "务工就业", "政策宣传",
	"矛盾调解", "其他",
};
/* per topic: a demand and the measure that answers it */
static const char *const DEMAND[10][2] = {
	{ "担心冬天取暖用煤不够", "协调落实清洁取暖补贴" },
	{ "申请寄宿生生活补助", "联系中心学校核实资助名单" },
	{ "住院费用还没有报销到账", "联系县医保局核实报销进度" },
	{ "房屋后墙出现裂缝，申请危房改造", "联系乡住建办对房屋进行安全鉴定" },
	{ "自来水水压低，经常断水", "联系乡水管站上门检修入户管道" },
	{ "想扩大养牛规模，申请小额信贷", "协助申请脱贫人口小额信贷" },
	{ "儿子想外出务工，希望推荐岗位", "推荐参加县人社局组织的技能培训" },
	{ "想了解防返贫监测政策", "发放防返贫监测明白纸，讲解申报流程" },
	{ "与邻居宅基地边界有纠纷", "会同村调解委员会现场调解" },
	{ "门口路灯坏了", "协调村委会维修路灯" },
};
/* diary sentences: CJK and full-width punctuation only (3 bytes each in UTF-8) */
static const char *const SENTENCE[] = {
	"上午入户走访，了解家庭近况。", "家中老人身体尚好，正在院里收拾柴火。",
	"查看了厨房的自来水龙头，水流正常，水质清澈。", "房子是砖木结构，外墙有几道细裂缝，提醒雨季注意安全。",
	"儿子在外地工地打工，每月往家寄钱。", "孙子在镇中学读初二，教育资助已经享受。",
	"高血压多年，常年吃药，家庭医生每季度上门测血压。", "院里养了三头牛、十几只羊，长势不错。",
	"种了四亩玉米，今年雨水好，预计收成不错。", "家里的两个蔬菜大棚正在收西红柿。",
	"宣传了防返贫监测政策，留下了联系卡。", "讲了医保缴费和养老保险的政策。",
	"户主反映的问题已记录，回去后向村支书汇报。", "下一步继续跟踪落实。", "已在帮扶手册上登记。",
	"叮嘱注意用火用电安全。", "户主表示感谢。", "临走时留了联系电话，有事随时找我。",
	"约定下次走访时再看看。", "家里整体情况稳定，两不愁三保障都已落实。",
	"屋里收拾得挺干净，粮食够吃，冬衣也准备了。", "和邻居关系缓和了，心情好了不少。",
	"看了医保报销单据，一站式结算已享受。", "介绍加入村里的养殖合作社。",
	"孩子今年考上了职业学校，家里挺高兴。", "春节后还没出去，在家等活，登记了务工意向。",
	"门口的路已经硬化了，出行方便。", "新翻修的屋顶已经完工，屋里干燥。",
};

/* ---- layout ----------------------------------------------------------------- */

struct opts {
	long long records;
	uint64_t seed;
	int counties, townships, villages, cadres, households;
	int t_from, t_to; /* 1-based, inclusive */
	int split;
	const char *out;
};

struct str {
	char *s;
	size_t n;
};

struct out_file {
	int fd;
	char *buf;
	size_t len, cap;
	long long bytes;
};

struct township_state {
	uint64_t rng;
	long long seq;              /* records dealt to this township so far */
	char last[LINE_MAX_BYTES];  /* the last valid line, for duplicates */
	size_t last_len;
	char last_id[32];
	size_t last_id_len;
};

enum { F_NONE, F_E001, F_E002, F_E003, F_E004, F_E005, F_E006, F_E007, F_E008, F_E009,
       F_E011, F_E012, F_COUNT };
static const char *const FAULT_CODE[F_COUNT] = {
	"", "E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009", "E011", "E012",
};

struct gen {
	struct opts o;
	struct str *county;   /* [K] name */
	struct str *place;    /* [K*T*V] "county,township,village" */
	struct str *township; /* [K*T] name */
	struct str *village;  /* [K*T*V] name */
	struct str *cadre;    /* [K*T*V*C] "id,name,unit" */
	struct township_state *ts;
	struct out_file *files; /* one, or one per county */
	int nfiles;
	char date[800][11];   /* day 0 = 2023-12-01 */
	int day2024;          /* index of 2024-01-01 */
	char *corpus;         /* diary text, each character 3 bytes */
	size_t corpus_chars;
	uint32_t *sent_start; /* sentence starts, in characters */
	size_t nsent;
	long long written, dups, faults[F_COUNT];
};

static int die(const char *msg, const char *arg)
{
	fprintf(stderr, "gen_visits: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
	return -1;
}

static char *xmalloc(size_t n)
{
	char *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "gen_visits: out of memory\n");
		exit(3);
	}
	return p;
}

static struct str str_cat(const char *const *parts, int n)
{
	struct str r = { 0 };
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += strlen(parts[i]);
	r.s = xmalloc(len + 1);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);
		memcpy(r.s + r.n, parts[i], l);
		r.n += l;
	}
	r.s[r.n] = 0;
	return r;
}

/* Two syllables from a bijection of idx over 40x40, plus a suffix. */
static struct str place_name(uint32_t idx, uint32_t mult, uint32_t offset, const char *suffix)
{
	uint32_t k = (idx * mult + offset) % 1600;
	const char *p[3] = { SYL[k / 40], SYL[k % 40], suffix };
	if (k / 40 == k % 40) /* 东东村 reads badly: use 东家 */
		p[1] = "家";
	return str_cat(p, 3);
}

static void fmt_date(char *d, int y, int m, int day)
{
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, day);
	memcpy(d, tmp, 11);
}

static void build_dates(struct gen *g)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int n = 0;
	for (int d = 1; d <= 31; d++)
		fmt_date(g->date[n++], 2023, 12, d);
	g->day2024 = n;
	for (int y = 2024; y <= 2025; y++)
		for (int m = 1; m <= 12; m++) {
			int md = mdays[m - 1] + (m == 2 && y == 2024);
			for (int d = 1; d <= md; d++)
				fmt_date(g->date[n++], y, m, d);
		}
}

static void build_corpus(struct gen *g)
{
	uint64_t rng = splitmix(g->o.seed ^ 0xC0FFEEull);
	size_t cap = 3 * 120000 + 3 * 8200 + 1024, len = 0, ns = 0, nscap = 20000;
	g->corpus = xmalloc(cap);
	g->sent_start = (uint32_t *)xmalloc(nscap * sizeof(uint32_t));
	while (len < 3 * 120000) {
		const char *s = SENTENCE[xs_below(&rng, N_OF(SENTENCE))];
		size_t l = strlen(s);
		if (ns < nscap)
			g->sent_start[ns++] = (uint32_t)(len / 3);
		memcpy(g->corpus + len, s, l);
		len += l;
	}
	/* slices may run past the last sentence: repeat the beginning */
	memcpy(g->corpus + len, g->corpus, 3 * 8200);
	g->corpus_chars = len / 3;
	g->nsent = ns;
	for (size_t i = 0; i < len; i += 3) /* every character must be 3 bytes */
		if ((unsigned char)g->corpus[i] < 0xE0 || (unsigned char)g->corpus[i] > 0xEF) {
			fprintf(stderr, "gen_visits: corpus holds a character that is not 3 bytes\n");
			exit(3);
		}
}

static void build_layout(struct gen *g)
{
	int K = g->o.counties, T = g->o.townships, V = g->o.villages, C = g->o.cadres;
	uint64_t h = splitmix(g->o.seed);
	uint32_t off = (uint32_t)(h % 1600);
	g->county = (struct str *)xmalloc(K * sizeof(struct str));
	g->township = (struct str *)xmalloc((size_t)K * T * sizeof(struct str));
	g->village = (struct str *)xmalloc((size_t)K * T * V * sizeof(struct str));
	g->place = (struct str *)xmalloc((size_t)K * T * V * sizeof(struct str));
	g->cadre = (struct str *)xmalloc((size_t)K * T * V * C * sizeof(struct str));
	for (int k = 0; k < K; k++) {
		g->county[k] = place_name(k, 37, off, "县");
		for (int t = 0; t < T; t++) {
			int gt = k * T + t;
			g->township[gt] = place_name(gt, 211, off + 7, t % 3 == 2 ? "乡" : "镇");
			for (int v = 0; v < V; v++) {
				int gv = gt * V + v;
				/* village names repeat across townships, as they do */
				g->village[gv] = place_name(v, 83, (uint32_t)(splitmix(g->o.seed + gt) % 1600), "村");
				const char *p[5] = { g->county[k].s, ",", g->township[gt].s, ",", g->village[gv].s };
				g->place[gv] = str_cat(p, 5);
				for (int c = 0; c < C; c++) {
					uint64_t x = splitmix(g->o.seed ^ (0xCAD7E5ull << 20) ^ (uint64_t)(gv * C + c));
					char id[48];
					snprintf(id, sizeof id, "C%02d%02d%02d%d", k + 1, t + 1, v + 1, c + 1);
					/* the 包村干部 (third cadre) comes from the township government */
					const char *q[7] = { id, ",", SURNAME[x % 48], YOUNG_GIVEN[(x >> 8) % 16], ",",
							     c == 2 ? g->township[gt].s : UNIT[(x >> 16) % 16],
							     c == 2 ? "人民政府" : "" };
					g->cadre[gv * C + c] = str_cat(q, 7);
				}
			}
		}
	}
}

/* ---- households, from a hash so nothing is stored ------------------------- */

struct household {
	uint64_t h;
	int type, size, group, income; /* income 0 = left empty */
};

static struct household household_of(const struct gen *g, long gv, int idx)
{
	struct household r;
	uint64_t h = splitmix(g->o.seed ^ 0x5EEDull ^ ((uint64_t)gv * 1000 + (uint64_t)idx) << 8);
	int w = (int)(h % 100);
	r.h = h;
	r.type = w < 20 ? 0 : w < 25 ? 1 : w < 29 ? 2 : w < 30 ? 3 : 4;
	r.size = r.type == 3 ? 1 : 1 + (int)((h >> 8) % 7);
	r.group = (int)((h >> 12) % 8);
	static const int base[5] = { 8000, 6000, 5000, 4500, 12000 };
	r.income = (h >> 20) % 5 == 0 ? 0 : base[r.type] + (int)((h >> 24) % 1200) * 10;
	return r;
}

/* ---- output --------------------------------------------------------------- */

static int out_open(struct out_file *f, const char *path, size_t cap)
{
	f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f->fd < 0)
		return die("cannot write", path);
	f->buf = xmalloc(cap);
	f->cap = cap;
	f->len = 0;
	f->bytes = 0;
	return 0;
}

static int out_flush(struct out_file *f)
{
	size_t done = 0;
	while (done < f->len) {
		ssize_t w = write(f->fd, f->buf + done, f->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return die("write failed:", strerror(errno));
		done += (size_t)w;
	}
	f->bytes += (long long)f->len;
	f->len = 0;
	return 0;
}

static int out_close(struct out_file *f)
{
	int rc = out_flush(f);
	if (close(f->fd) != 0 && rc == 0)
		rc = die("close failed:", strerror(errno));
	free(f->buf);
	return rc;
}

#define PUT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) += sizeof(lit) - 1)

static inline char *put_s(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static inline char *put_str(char *p, const struct str *s)
{
	memcpy(p, s->s, s->n);
	return p + s->n;
}

static inline char *put_uint(char *p, unsigned long long v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* ---- one record ------------------------------------------------------------- */

/* Copies `chars` characters of diary text starting at a sentence. */
static char *put_notes(const struct gen *g, uint64_t *rng, char *p, int chars)
{
	size_t start = g->sent_start[xs_below(rng, (uint32_t)g->nsent)];
	memcpy(p, g->corpus + 3 * start, 3 * (size_t)chars);
	return p + 3 * chars;
}

/* Writes one line for township gt (county k, township t) into p; returns the end. */
static char *gen_record(struct gen *g, struct township_state *s, int k, int t, long long i,
			char *p, int *fault_out)
{
	const struct opts *o = &g->o;
	uint64_t *rng = &s->rng;
	int gt = k * o->townships + t;
	int v = (int)xs_below(rng, (uint32_t)o->villages);
	long gv = (long)gt * o->villages + v;
	int c = (int)xs_below(rng, (uint32_t)o->cadres);
	int hidx = (int)xs_below(rng, (uint32_t)o->households);
	struct household hh = household_of(g, gv, hidx);
	int fault = F_NONE;
	if (xs_below(rng, 1000) < FAULT_PER_MILLE)
		fault = 1 + (int)xs_below(rng, F_COUNT - 1);
	if (fault == F_E006 && s->last_id_len == 0)
		fault = F_NONE; /* nothing accepted yet to collide with */

	/* the visit date rises along the file, give or take three days */
	long long day = (long long)((double)i / (double)o->records * 366.0) + (long long)xs_below(rng, 7) - 3;
	if (day < 0)
		day = 0;
	if (day > 365)
		day = 365;
	int d = g->day2024 + (int)day;

	/* record_id: R + county + township + sequence within the township */
	char *line = p;
	if (fault == F_E006) {
		memcpy(p, s->last_id, s->last_id_len);
		p += s->last_id_len;
	} else {
		*p++ = 'R';
		p = put_uint(p, (unsigned)k + 1, 2);
		p = put_uint(p, (unsigned)t + 1, 2);
		p = put_uint(p, (unsigned long long)s->seq, 8);
	}
	char *id_end = p;
	*p++ = ',';
	if (fault == F_E003)
		PUT(p, "2024-02-30");
	else if (fault == F_E008)
		PUT(p, "2012-06-15");
	else {
		memcpy(p, g->date[d], 10);
		p += 10;
	}
	*p++ = ',';
	if (fault == F_E009) {
		const char *q = g->place[gv].s + g->county[k].n + 1 + g->township[gt].n + 1;
		memcpy(p, g->place[gv].s, (size_t)(q - g->place[gv].s));
		p += q - g->place[gv].s;
		PUT(p, "无名村");
	} else
		p = put_str(p, &g->place[gv]);
	if (fault != F_E001) { /* E001: the village_group cell is lost */
		*p++ = ',';
		if ((hh.h >> 40) % 8)
			p = put_s(p, GROUP[hh.group]);
	}
	*p++ = ',';
	p = put_str(p, &g->cadre[gv * o->cadres + c]);
	/* household: id, householder, size, type */
	*p++ = ',';
	*p++ = 'H';
	p = put_uint(p, (unsigned)k + 1, 2);
	p = put_uint(p, (unsigned)t + 1, 2);
	p = put_uint(p, (unsigned)v + 1, 2);
	p = put_uint(p, (unsigned)hidx + 1, 3);
	*p++ = ',';
	if (fault != F_E002) {
		p = put_s(p, SURNAME[(hh.h >> 44) % 48]);
		p = put_s(p, OLD_GIVEN[(hh.h >> 50) % 32]);
	}
	*p++ = ',';
	if (fault == F_E004)
		*p++ = '0';
	else if ((hh.h >> 56) % 16)
		p = put_uint(p, (unsigned)hh.size, 1);
	*p++ = ',';
	p = put_s(p, HTYPE[hh.type]);
	/* visit mode: 入户走访 75 %, 电话 10, 微信 6, 座谈 5, 集中宣讲 4 */
	uint32_t m = xs_below(rng, 100);
	*p++ = ',';
	if (fault == F_E005)
		PUT(p, "上门");
	else
		p = put_s(p, m < 75 ? "入户走访" : m < 85 ? "电话" : m < 91 ? "微信" : m < 96 ? "座谈" : "集中宣讲");
	int in_person = m < 75 || m >= 91;
	/* topics: one to three, distinct */
	int t0 = m >= 96 ? 7 : (int)xs_below(rng, 10);
	int nt = m >= 96 ? 1 : 1 + (int)xs_below(rng, 3);
	*p++ = ',';
	for (int j = 0; j < nt; j++) {
		if (j)
			*p++ = ';';
		p = put_s(p, TOPIC[(t0 + j * 3) % 10]);
	}
	/* demand, measure, due_date, status, closed_date */
	int has_demand = fault == F_E007 || fault == F_E012 ||
			 ((fault == F_NONE || fault == F_E006) && xs_below(rng, 100) < 45);
	*p++ = ',';
	if (has_demand) {
		p = put_s(p, DEMAND[t0][0]);
		*p++ = ',';
		p = put_s(p, DEMAND[t0][1]);
		static const int due_days[8] = { 7, 10, 15, 15, 20, 30, 30, 60 };
		int due = d + due_days[xs_below(rng, 8)];
		int last = g->day2024 + 365;
		uint32_t x = xs_below(rng, 100);
		int closed = -1;
		if (x < 66)
			closed = d + 1 + (int)xs_below(rng, (uint32_t)(due - d));
		else if (x < 82)
			closed = due + 1 + (int)xs_below(rng, 45);
		if (closed > last)
			closed = -1;
		*p++ = ',';
		if (fault == F_E007)
			p = put_s(p, g->date[d - 5]), closed = -1;
		else if (fault != F_E012) {
			memcpy(p, g->date[due], 10);
			p += 10;
		}
		*p++ = ',';
		p = put_s(p, closed >= 0 ? "已办结" : x < 92 ? "办理中" : "未办理");
		*p++ = ',';
		if (closed >= 0) {
			memcpy(p, g->date[closed], 10);
			p += 10;
		}
	} else {
		if (xs_below(rng, 100) < 20) {
			*p++ = ',';
			p = put_s(p, DEMAND[t0][1]);
			PUT(p, ",,,");
		} else
			PUT(p, ",,,,");
	}
	/* signed, satisfaction, income */
	uint32_t y = xs_below(rng, 100);
	*p++ = ',';
	p = put_s(p, (in_person ? y < 95 : y < 15) ? "是" : "否");
	uint32_t z = xs_below(rng, 100);
	*p++ = ',';
	if (z < 72)
		PUT(p, "满意");
	else if (z < 89)
		PUT(p, "基本满意");
	else if (z < 93)
		PUT(p, "不满意");
	*p++ = ',';
	if (hh.income)
		p = put_uint(p, (unsigned)hh.income, 1);
	/* notes: 20-200 characters, most of them short */
	*p++ = ',';
	if (fault == F_E011) {
		p = put_notes(g, rng, p, 8001 + (int)xs_below(rng, 200));
	} else {
		uint32_t a = xs_below(rng, 181), b = xs_below(rng, 181), c3 = xs_below(rng, 181);
		int len = 20 + (int)(2 * (a < b ? a : b) + c3) / 3; /* mean about 90 */
		uint32_t q = xs_below(rng, 1000);
		if (q < 30) { /* quoted: a half-width comma, doubled quotes or a line break */
			int cut = len / 2;
			*p++ = '"';
			p = put_notes(g, rng, p, cut);
			if (q < 15)
				*p++ = ',';
			else if (q < 25)
				PUT(p, "\"\"两不愁三保障\"\"");
			else
				*p++ = '\n';
			p = put_notes(g, rng, p, len - cut - (q >= 15 && q < 25 ? 8 : 1));
			*p++ = '"';
		} else
			p = put_notes(g, rng, p, len);
	}
	*p++ = '\n';

	if (fault == F_NONE && (size_t)(p - line) <= sizeof s->last) {
		s->last_len = (size_t)(p - line);
		memcpy(s->last, line, s->last_len);
		s->last_id_len = (size_t)(id_end - line);
		memcpy(s->last_id, line, s->last_id_len);
	}
	*fault_out = fault;
	return p;
}

/* ---- reference files ------------------------------------------------------ */

static int write_reference(struct gen *g)
{
	const struct opts *o = &g->o;
	char path[4096];
	struct out_file reg, ros, asg;
	snprintf(path, sizeof path, "%s/registry.csv", o->out);
	if (out_open(&reg, path, 1 << 20))
		return -1;
	snprintf(path, sizeof path, "%s/roster.csv", o->out);
	if (out_open(&ros, path, 1 << 20))
		return -1;
	snprintf(path, sizeof path, "%s/assignments.csv", o->out);
	if (out_open(&asg, path, 1 << 20))
		return -1;
	int rc = 0;
	char *p = reg.buf;
	PUT(p, "county,township,village,households,poor_households,population\n");
	reg.len = (size_t)(p - reg.buf);
	p = ros.buf;
	PUT(p, "cadre_id,cadre_name,unit,role,township,village\n");
	ros.len = (size_t)(p - ros.buf);
	p = asg.buf;
	PUT(p, "cadre_id,household_id\n");
	asg.len = (size_t)(p - asg.buf);
	for (int k = 0; k < o->counties && rc == 0; k++)
		for (int t = o->t_from - 1; t < o->t_to && rc == 0; t++)
			for (int v = 0; v < o->villages && rc == 0; v++) {
				int gt = k * o->townships + t;
				long gv = (long)gt * o->villages + v;
				int poor = 0;
				for (int h = 0; h < o->households; h++)
					poor += household_of(g, gv, h).type < 2;
				if (reg.len + 4096 > reg.cap && (rc = out_flush(&reg)))
					break;
				p = reg.buf + reg.len;
				p = put_str(p, &g->place[gv]);
				*p++ = ',';
				p = put_uint(p, (unsigned)o->households, 1);
				*p++ = ',';
				p = put_uint(p, (unsigned)poor, 1);
				*p++ = ',';
				p = put_uint(p, (unsigned)(o->households * 3 + (int)(splitmix(gv) % (unsigned)o->households)), 1);
				*p++ = '\n';
				reg.len = (size_t)(p - reg.buf);
				for (int c = 0; c < o->cadres; c++) {
					if (ros.len + 4096 > ros.cap && (rc = out_flush(&ros)))
						break;
					/* the cadre fragment is "cadre_id,cadre_name,unit" */
					p = put_str(ros.buf + ros.len, &g->cadre[gv * o->cadres + c]);
					*p++ = ',';
					p = put_s(p, ROLE[c < 4 ? c : 4]);
					*p++ = ',';
					p = put_str(p, &g->township[gt]);
					*p++ = ',';
					p = put_str(p, &g->village[gv]);
					*p++ = '\n';
					ros.len = (size_t)(p - ros.buf);
				}
				/* the poor households are dealt round robin to the village's cadres */
				int n = 0;
				for (int h = 0; h < o->households && rc == 0; h++) {
					if (household_of(g, gv, h).type >= 2)
						continue;
					if (asg.len + 256 > asg.cap && (rc = out_flush(&asg)))
						break;
					const struct str *cs = &g->cadre[gv * o->cadres + n++ % o->cadres];
					size_t idlen = (size_t)(strchr(cs->s, ',') - cs->s);
					p = asg.buf + asg.len;
					memcpy(p, cs->s, idlen);
					p += idlen;
					PUT(p, ",H");
					p = put_uint(p, (unsigned)k + 1, 2);
					p = put_uint(p, (unsigned)t + 1, 2);
					p = put_uint(p, (unsigned)v + 1, 2);
					p = put_uint(p, (unsigned)h + 1, 3);
					*p++ = '\n';
					asg.len = (size_t)(p - asg.buf);
				}
			}
	int r1 = out_close(&reg), r2 = out_close(&ros), r3 = out_close(&asg);
	return rc ? rc : r1 ? r1 : r2 ? r2 : r3;
}

/* ---- main loop ------------------------------------------------------------ */

static const char HEADER[] =
	"record_id,visit_date,county,township,village,village_group,cadre_id,cadre_name,"
	"cadre_unit,household_id,householder,household_size,household_type,visit_mode,topics,"
	"demand,measure,due_date,status,closed_date,signed,satisfaction,per_capita_income,notes\n";

static int generate(struct gen *g)
{
	const struct opts *o = &g->o;
	int G = o->counties * o->townships;
	size_t cap = (o->split && o->counties > 8 ? 1 : 8) << 20;
	char path[4096];
	g->nfiles = o->split ? o->counties : 1;
	g->files = (struct out_file *)xmalloc((size_t)g->nfiles * sizeof(struct out_file));
	for (int f = 0; f < g->nfiles; f++) {
		if (o->split)
			snprintf(path, sizeof path, "%s/visits_%s.csv", o->out, g->county[f].s);
		else
			snprintf(path, sizeof path, "%s/visits.csv", o->out);
		if (out_open(&g->files[f], path, cap))
			return -1;
		memcpy(g->files[f].buf, HEADER, sizeof HEADER - 1);
		g->files[f].len = sizeof HEADER - 1;
	}
	g->ts = (struct township_state *)xmalloc((size_t)G * sizeof(struct township_state));
	for (int gt = 0; gt < G; gt++) {
		g->ts[gt].rng = splitmix(o->seed * 0x9E3779B97F4A7C15ull + (uint64_t)gt + 1) | 1;
		g->ts[gt].seq = 0;
		g->ts[gt].last_len = g->ts[gt].last_id_len = 0;
	}
	for (long long i = 0; i < o->records; i++) {
		int gt = (int)(i % G), k = gt / o->townships, t = gt % o->townships;
		struct township_state *s = &g->ts[gt];
		s->seq++;
		if (t < o->t_from - 1 || t >= o->t_to)
			continue;
		struct out_file *f = &g->files[o->split ? k : 0];
		if (f->len + 3 * 8400 + 2 * LINE_MAX_BYTES > f->cap && out_flush(f))
			return -1;
		char *p = f->buf + f->len;
		/* an exact copy of this township's last valid line, now and then */
		if (s->last_len && xs_below(&s->rng, 100000) < DUP_PER_100K) {
			memcpy(p, s->last, s->last_len);
			f->len += s->last_len;
			g->dups++;
			g->written++;
			continue;
		}
		int fault;
		char *end = gen_record(g, s, k, t, i, p, &fault);
		f->len = (size_t)(end - f->buf);
		g->faults[fault]++;
		g->written++;
	}
	int rc = 0;
	for (int f = 0; f < g->nfiles; f++)
		if (out_close(&g->files[f]))
			rc = -1;
	return rc;
}

static int write_summary(struct gen *g)
{
	char path[4096];
	long long bad = 0, bytes = 0;
	for (int f = 1; f < F_COUNT; f++)
		bad += g->faults[f];
	for (int f = 0; f < g->nfiles; f++)
		bytes += g->files[f].bytes;
	snprintf(path, sizeof path, "%s/expected_summary.txt", g->o.out);
	FILE *fp = fopen(path, "w");
	if (!fp)
		return die("cannot write", path);
	for (int pass = 0; pass < 2; pass++) {
		FILE *w = pass ? stdout : fp;
		fprintf(w, "read %lld\naccepted %lld\nrejected %lld\ndropped %lld\nbytes %lld\n",
			g->written, g->written - bad - g->dups, bad, g->dups, bytes);
		for (int f = 1; f < F_COUNT; f++)
			fprintf(w, "%s %lld\n", FAULT_CODE[f], g->faults[f]);
	}
	if (fclose(fp) != 0)
		return die("cannot write", path);
	return 0;
}

static void usage(FILE *fp)
{
	fputs("usage: gen_visits --records N --seed S --out DIR [--counties K] [--townships T]\n"
	      "                  [--villages V] [--cadres-per-village C] [--households-per-village H]\n"
	      "                  [--township-range A-B] [--split-by-county]\n"
	      "Writes DIR/visits.csv (or DIR/visits_<county>.csv per county with --split-by-county),\n"
	      "DIR/registry.csv, DIR/roster.csv, DIR/assignments.csv and DIR/expected_summary.txt.\n"
	      "N counts records over the whole layout; --township-range writes only townships A..B\n"
	      "(1-based) of every county, the same records a full run writes for them.\n"
	      "Defaults: K=1 T=20 V=15 C=4 H=300 S=1.\n", fp);
}

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .records = -1, .seed = 1, .counties = 1, .townships = 20, .villages = 15,
			    .cadres = 4, .households = 300, .t_from = 0, .t_to = 0 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		long long v;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(a, "--split-by-county")) {
			o->split = 1;
			continue;
		}
		if (i + 1 >= argc)
			return die("missing value after", a);
		const char *val = argv[++i];
		if (!strcmp(a, "--out"))
			o->out = val;
		else if (!strcmp(a, "--township-range")) {
			int x, y;
			char tail;
			if (sscanf(val, "%d-%d%c", &x, &y, &tail) != 2 || x < 1 || y < x)
				return die("bad --township-range (want A-B):", val);
			o->t_from = x;
			o->t_to = y;
		} else if (!strcmp(a, "--seed")) {
			if (parse_int(val, 0, INT64_MAX, &v))
				return die("bad --seed:", val);
			o->seed = (uint64_t)v;
		} else {
			static const struct { const char *name; long long hi; } lim[] = {
				{ "--records", 4000000000LL }, { "--counties", MAX_COUNTIES },
				{ "--townships", MAX_TOWNSHIPS }, { "--villages", MAX_VILLAGES },
				{ "--cadres-per-village", MAX_CADRES }, { "--households-per-village", MAX_HOUSEHOLDS },
			};
			size_t j;
			for (j = 0; j < N_OF(lim); j++)
				if (!strcmp(a, lim[j].name))
					break;
			if (j == N_OF(lim))
				return die("unknown option", a);
			if (parse_int(val, j == 0 ? 0 : 1, lim[j].hi, &v))
				return die("value out of range for", a);
			int *field[] = { NULL, &o->counties, &o->townships, &o->villages, &o->cadres,
					 &o->households };
			if (j == 0)
				o->records = v;
			else
				*field[j] = (int)v;
		}
	}
	if (o->records < 0 || !o->out)
		return die("--records and --out are required (see --help)", NULL);
	if (o->t_from == 0) {
		o->t_from = 1;
		o->t_to = o->townships;
	}
	if (o->t_to > o->townships)
		return die("--township-range goes past --townships", NULL);
	if ((long)o->counties * o->townships > 1600)
		return die("too many townships in all (counties x townships must be <= 1600)", NULL);
	return 0;
}

static int make_dir(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf)
		return die("bad --out", path);
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++)
		if (buf[i] == '/' || buf[i] == 0) {
			char c = buf[i];
			buf[i] = 0;
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return die("cannot create", buf);
			buf[i] = c;
		}
	return 0;
}

static void gen_free(struct gen *g)
{
	int K = g->o.counties, T = g->o.townships, V = g->o.villages, C = g->o.cadres;
	for (int k = 0; g->county && k < K; k++)
		free(g->county[k].s);
	for (long i = 0; g->township && i < (long)K * T; i++)
		free(g->township[i].s);
	for (long i = 0; g->village && i < (long)K * T * V; i++) {
		free(g->village[i].s);
		free(g->place[i].s);
	}
	for (long i = 0; g->cadre && i < (long)K * T * V * C; i++)
		free(g->cadre[i].s);
	free(g->county);
	free(g->township);
	free(g->village);
	free(g->place);
	free(g->cadre);
	free(g->ts);
	free(g->files);
	free(g->corpus);
	free(g->sent_start);
}

int main(int argc, char **argv)
{
	struct gen g;
	memset(&g, 0, sizeof g);
	if (parse_args(argc, argv, &g.o))
		return 2;
	if (make_dir(g.o.out))
		return 3;
	build_dates(&g);
	build_corpus(&g);
	build_layout(&g);
	int rc = generate(&g);
	if (rc == 0)
		rc = write_reference(&g);
	if (rc == 0)
		rc = write_summary(&g);
	gen_free(&g);
	return rc ? 3 : 0;
}

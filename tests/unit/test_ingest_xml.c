/* Unit tests of the XML reader (pipeline/ingest/xml.c): field mapping, line
 * numbers, every E001 case, damage, hostile XML, encodings, huge fields.
 * Runs from the repository root (tests/xml/, templates/visits.xsd). */
#include "check.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/ingest/ingest.h"
#include "minqing/core/utf8.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAXREC 64

struct rec {
	long line;
	char *value[MQ_NFIELDS];
	size_t len[MQ_NFIELDS];
	char *structural, *structural_zh;
	char *source;
	size_t ncells;
	int headers_ok;
};

struct got {
	int n;
	struct rec r[MAXREC];
	int stop_after;     /* return 7 from the callback after this many */
};

static char *dup_n(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int collect(const struct mq_raw_record *raw, void *ctx)
{
	struct got *g = ctx;
	if (g->n < MAXREC) {
		struct rec *r = &g->r[g->n];
		r->line = raw->line;
		r->source = dup_n(raw->source, strlen(raw->source));
		for (int f = 0; f < MQ_NFIELDS; f++) {
			r->value[f] = dup_n(raw->value[f], raw->len[f]);
			r->len[f] = raw->len[f];
		}
		r->structural = raw->structural ? dup_n(raw->structural, strlen(raw->structural)) : NULL;
		r->structural_zh = raw->structural_zh ? dup_n(raw->structural_zh, strlen(raw->structural_zh)) : NULL;
		r->ncells = raw->ncells;
		r->headers_ok = raw->ncells == MQ_NFIELDS && raw->nheaders == MQ_NFIELDS;
		for (size_t i = 0; r->headers_ok && i < raw->ncells; i++)
			r->headers_ok = strcmp(raw->headers[i], mq_fields[i].name) == 0 &&
					raw->cells[i] == raw->value[i];
	}
	g->n++;
	return g->stop_after && g->n >= g->stop_after ? 7 : 0;
}

static void got_free(struct got *g)
{
	for (int i = 0; i < g->n && i < MAXREC; i++) {
		for (int f = 0; f < MQ_NFIELDS; f++)
			free(g->r[i].value[f]);
		free(g->r[i].structural);
		free(g->r[i].structural_zh);
		free(g->r[i].source);
	}
	memset(g, 0, sizeof *g);
}

static int read_xml(const char *path, struct got *g, struct mq_ingest_stats *stats)
{
	struct mq_error err = { 0 };
	int rc = mq_ingest_xml(path, NULL, collect, g, stats, &err);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", path, err.message);
	return rc;
}

/* Does any record hold needle in a value or message? */
static int any_contains(const struct got *g, const char *needle)
{
	for (int i = 0; i < g->n && i < MAXREC; i++) {
		for (int f = 0; f < MQ_NFIELDS; f++)
			if (g->r[i].value[f] && strstr(g->r[i].value[f], needle))
				return 1;
		if (g->r[i].structural && strstr(g->r[i].structural, needle))
			return 1;
		if (g->r[i].structural_zh && strstr(g->r[i].structural_zh, needle))
			return 1;
	}
	return 0;
}

static char tmpdir[64];

/* path of name in this run's temporary folder */
static const char *tmp(const char *name)
{
	static char buf[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", tmpdir, name);
	return buf[i];
}

static double now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static void write_file(const char *path, const char *s, size_t n)
{
	FILE *fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fwrite(s, 1, n, fp);
	fclose(fp);
}

static void test_mapping(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_xml("tests/xml/mapping.xml", &g, &st), 0);
	CHECK_INT(g.n, 3);
	CHECK_INT(st.records, 3);
	CHECK_INT(st.is_xml, 1);
	CHECK_INT(st.encoding, MQ_ENC_UTF8);
	CHECK_INT(st.bytes, 1550);
	struct rec *r = &g.r[0];
	CHECK_STR(r->source, "mapping.xml");
	CHECK_INT(r->line, 3);
	CHECK(r->structural == NULL);
	CHECK(r->headers_ok);
	CHECK_STR(r->value[MQ_F_RECORD_ID], "R2024030001");
	CHECK_STR(r->value[MQ_F_VISIT_DATE], "2024-03-02");
	CHECK_STR(r->value[MQ_F_COUNTY], "张北县");
	CHECK_STR(r->value[MQ_F_TOWNSHIP], "油篓沟乡");
	CHECK_STR(r->value[MQ_F_VILLAGE], "玻璃彩村");
	CHECK_STR(r->value[MQ_F_VILLAGE_GROUP], "三组");
	CHECK_STR(r->value[MQ_F_CADRE_ID], "C0001");
	CHECK_STR(r->value[MQ_F_CADRE_UNIT], "市委办公室");
	CHECK_STR(r->value[MQ_F_CADRE_NAME], "王晓东");
	CHECK_STR(r->value[MQ_F_HOUSEHOLD_ID], "H130722001");
	CHECK_STR(r->value[MQ_F_HOUSEHOLD_SIZE], "5");
	CHECK_STR(r->value[MQ_F_HOUSEHOLD_TYPE], "脱贫户");
	CHECK_STR(r->value[MQ_F_HOUSEHOLDER], "于占峰");
	CHECK_STR(r->value[MQ_F_VISIT_MODE], "入户走访");
	CHECK_STR(r->value[MQ_F_TOPICS], "产业发展;基本医疗");
	CHECK_STR(r->value[MQ_F_DEMAND], "协调双孢菇种植技术培训");
	CHECK_STR(r->value[MQ_F_DUE_DATE], "2024-03-20");
	CHECK_STR(r->value[MQ_F_STATUS], "已办结");
	CHECK_STR(r->value[MQ_F_CLOSED_DATE], "2024-03-15");
	CHECK_STR(r->value[MQ_F_MEASURE], "联系县农业农村局技术员上门指导");
	CHECK_STR(r->value[MQ_F_SIGNED], "是");
	CHECK_STR(r->value[MQ_F_SATISFACTION], "满意");
	CHECK_STR(r->value[MQ_F_INCOME], "4800");
	/* entities decoded, the line break kept */
	CHECK_STR(r->value[MQ_F_NOTES], "户主说:\"今年想扩大种植\" & 问了<补贴>，\n第二行。");
	CHECK_INT(r->len[MQ_F_NOTES], strlen(r->value[MQ_F_NOTES]));

	/* one line, optional parts left out, untrimmed values, empty elements */
	r = &g.r[1];
	CHECK_INT(r->line, 18);
	CHECK(r->structural == NULL);
	CHECK_STR(r->value[MQ_F_VISIT_DATE], "2024/3/5");
	CHECK(r->value[MQ_F_COUNTY] == NULL);
	CHECK(r->value[MQ_F_VILLAGE_GROUP] == NULL);
	CHECK(r->value[MQ_F_CADRE_UNIT] == NULL);
	CHECK_STR(r->value[MQ_F_CADRE_NAME], "李 & 张");
	CHECK(r->value[MQ_F_HOUSEHOLD_SIZE] == NULL);
	CHECK_STR(r->value[MQ_F_VISIT_MODE], " 电话 ");
	CHECK_STR(r->value[MQ_F_TOPICS], "");            /* <topics/>: present, empty */
	CHECK_STR(r->value[MQ_F_DEMAND], "要求修路");
	CHECK(r->value[MQ_F_DUE_DATE] == NULL);
	CHECK(r->value[MQ_F_STATUS] == NULL);
	CHECK_STR(r->value[MQ_F_INCOME], "");
	CHECK(r->value[MQ_F_NOTES] == NULL);
	CHECK(r->value[MQ_F_MEASURE] == NULL);

	/* CDATA, a comment, character references in text and attributes */
	r = &g.r[2];
	CHECK_INT(r->line, 19);
	CHECK(r->structural == NULL);
	CHECK_STR(r->value[MQ_F_VISIT_DATE], "2024年3月6日");
	CHECK_STR(r->value[MQ_F_TOWNSHIP], "油篓沟乡");
	CHECK_STR(r->value[MQ_F_CADRE_ID], "C&3");
	CHECK_STR(r->value[MQ_F_CADRE_UNIT], "A&B");
	CHECK_STR(r->value[MQ_F_CADRE_NAME], "王五");
	CHECK_STR(r->value[MQ_F_SIGNED], "Y");
	CHECK(r->value[MQ_F_TOPICS] == NULL);
	got_free(&g);
}

/* the start-tag line of each visit in the shared example, e.g. the
 * duplicate R20240100052 at line 572 */
static void test_example_count(void)
{
	const char *path = "tests/examples/small-utf8/input/visits_1307_T01.xml";
	if (access(path, R_OK) != 0) {
		printf("skipping example file test: %s not here\n", path);
		return;
	}
	struct got g = { 0 };
	struct mq_ingest_stats st;
	CHECK_INT(read_xml(path, &g, &st), 0);
	CHECK_INT(st.records, 1151);
	CHECK_INT(st.bytes, 828738);
	got_free(&g);
}

struct find_ctx {
	const char *id;
	long lines[4];
	int n;
	char structural[200];
};

static int find_id(const struct mq_raw_record *raw, void *ctx)
{
	struct find_ctx *f = ctx;
	const char *id = raw->value[MQ_F_RECORD_ID];
	if (id && strlen(f->id) == raw->len[MQ_F_RECORD_ID] && memcmp(id, f->id, raw->len[MQ_F_RECORD_ID]) == 0) {
		if (f->n < 4)
			f->lines[f->n] = raw->line;
		f->n++;
		snprintf(f->structural, sizeof f->structural, "%s", raw->structural ? raw->structural : "");
	}
	return 0;
}

static void test_example_ids(void)
{
	const char *path = "tests/examples/small-utf8/input/visits_1307_T01.xml";
	if (access(path, R_OK) != 0)
		return;
	struct mq_error err = { 0 };
	struct find_ctx f = { .id = "R20240100052" };
	CHECK_INT(mq_ingest_xml(path, NULL, find_id, &f, NULL, &err), 0);
	CHECK_INT(f.n, 2);
	CHECK_INT(f.lines[0], 382);
	CHECK_INT(f.lines[1], 572);
	struct find_ctx d = { .id = "R20241100202" };
	CHECK_INT(mq_ingest_xml(path, NULL, find_id, &d, NULL, &err), 0);
	CHECK_INT(d.lines[0], 1819);
	CHECK_STR(d.structural, "element <date> repeated");
	struct find_ctx h = { .id = "R20240100205" };
	CHECK_INT(mq_ingest_xml(path, NULL, find_id, &h, NULL, &err), 0);
	CHECK_INT(h.lines[0], 2253);
	CHECK_STR(h.structural, "unexpected element <name> inside <household>");
}

static void test_structural(void)
{
	static const struct {
		const char *id;
		long line;
		const char *msg;
	} want[] = {
		{ "S1", 3, "element <date> repeated" },
		{ "S2", 8, "unexpected element <name> inside <household>" },
		{ "S3", 12, "unexpected element <foo> inside <visit>" },
		{ "S4", 17, "text directly inside <visit>" },
		{ "S5", 22, "unexpected element <theme> inside <topics>" },
		{ "S6", 26, "text directly inside <topics>" },
		{ "S7", 30, "does not match visits.xsd: Element 'visit', attribute 'role': The attribute 'role' is not allowed." },
		{ "S8", 34, "does not match visits.xsd: Element 'cadre', attribute 'rank': The attribute 'rank' is not allowed." },
		{ "S9", 38, "unexpected element <visti> inside <visits>" },
		{ "S10", 39, "unexpected element <foo> inside <visit>" },   /* the first problem wins */
		{ "S11", 44, "unexpected element <b> inside <township>" },
		{ "S12", 45, "unexpected element <x:date> inside <visit>" },
		{ "S13", 46, NULL },   /* value errors only: left to the validator */
	};
	struct got g = { 0 };
	CHECK_INT(read_xml("tests/xml/structural.xml", &g, NULL), 0);
	CHECK_INT(g.n, (int)(sizeof want / sizeof want[0]));
	for (size_t i = 0; i < sizeof want / sizeof want[0] && (int)i < g.n; i++) {
		CHECK_STR(g.r[i].value[MQ_F_RECORD_ID], want[i].id);
		CHECK_INT(g.r[i].line, want[i].line);
		CHECK_STR(g.r[i].structural, want[i].msg);
		CHECK((g.r[i].structural_zh != NULL) == (want[i].msg != NULL));
	}
	/* Chinese messages */
	CHECK_STR(g.r[0].structural_zh, "元素 <date> 重复出现");
	CHECK_STR(g.r[1].structural_zh, "<household> 内出现未知元素 <name>");
	CHECK_STR(g.r[3].structural_zh, "<visit> 内直接出现文本");
	/* the values read before and after the problem are still handed over */
	CHECK_STR(g.r[0].value[MQ_F_VISIT_DATE], "2024-11-01");
	CHECK_STR(g.r[0].value[MQ_F_TOWNSHIP], "北坡镇");
	CHECK_STR(g.r[1].value[MQ_F_HOUSEHOLD_ID], "H1");
	CHECK_STR(g.r[1].value[MQ_F_HOUSEHOLDER], "");
	CHECK_STR(g.r[2].value[MQ_F_NOTES], "x");
	CHECK_STR(g.r[12].value[MQ_F_VISIT_DATE], "2024-13-45");
	CHECK_STR(g.r[12].value[MQ_F_HOUSEHOLD_SIZE], "0");
	CHECK_STR(g.r[12].value[MQ_F_HOUSEHOLD_TYPE], "贫困户");
	got_free(&g);

	/* checking every visit against the XSD gives the same verdicts */
	setenv("MINQING_XML_VALIDATE", "all", 1);
	CHECK_INT(read_xml("tests/xml/structural.xml", &g, NULL), 0);
	for (size_t i = 0; i < sizeof want / sizeof want[0] && (int)i < g.n; i++)
		CHECK_STR(g.r[i].structural, want[i].msg);
	got_free(&g);
	CHECK_INT(read_xml("tests/xml/mapping.xml", &g, NULL), 0);
	CHECK_INT(g.n, 3);
	for (int i = 0; i < g.n; i++)
		CHECK(g.r[i].structural == NULL);
	got_free(&g);
	unsetenv("MINQING_XML_VALIDATE");
}

static void test_damage(void)
{
	struct got g = { 0 };
	/* damage inside the 4th visit: 3 records, then one E001 with D4's id */
	CHECK_INT(read_xml("tests/xml/damage_mid.xml", &g, NULL), 0);
	CHECK_INT(g.n, 4);
	for (int i = 0; i < 3; i++) {
		CHECK(g.r[i].structural == NULL);
		CHECK_INT(g.r[i].line, 3 + 4 * i);
	}
	CHECK_STR(g.r[2].value[MQ_F_RECORD_ID], "D3");
	CHECK_STR(g.r[3].value[MQ_F_RECORD_ID], "D4");
	CHECK_INT(g.r[3].line, 17);
	CHECK_STR(g.r[3].structural,
		  "XML not well-formed at line 17: Opening and ending tag mismatch: township line 17 and town");
	CHECK(g.r[3].structural_zh && strstr(g.r[3].structural_zh, "XML 格式错误（第 17 行）"));
	CHECK(g.r[3].value[MQ_F_VISIT_DATE] == NULL);  /* only the id of a broken visit */
	CHECK(!any_contains(&g, "D5"));
	got_free(&g);

	/* damage between visits: no id */
	CHECK_INT(read_xml("tests/xml/damage_between.xml", &g, NULL), 0);
	CHECK_INT(g.n, 4);
	CHECK_INT(g.r[3].line, 15);
	CHECK(g.r[3].value[MQ_F_RECORD_ID] == NULL);
	CHECK(g.r[3].structural && strstr(g.r[3].structural, "not well-formed at line 15"));
	got_free(&g);

	/* a truncated file */
	CHECK_INT(read_xml("tests/xml/truncated.xml", &g, NULL), 0);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.r[3].value[MQ_F_RECORD_ID], "D4");
	CHECK(g.r[3].structural && strstr(g.r[3].structural, "not well-formed"));
	got_free(&g);

	/* an undeclared entity is damage too */
	CHECK_INT(read_xml("tests/xml/undeclared_entity.xml", &g, NULL), 0);
	CHECK_INT(g.n, 2);
	CHECK(g.r[0].structural == NULL);
	CHECK_STR(g.r[1].value[MQ_F_RECORD_ID], "U2");
	CHECK(g.r[1].structural && strstr(g.r[1].structural, "Entity 'nbsp' not defined"));
	got_free(&g);

	/* damage at every position of a small file: the complete visits before
	 * it always arrive, then exactly one E001 */
	char base[4096] = "<?xml version=\"1.0\"?>\n<visits>\n";
	size_t pos[16];
	int nv = 12;
	for (int i = 0; i < nv; i++) {
		pos[i] = strlen(base);
		char v[300];
		snprintf(v, sizeof v, "  <visit id=\"V%d\"><date>2024-01-01</date><notes>%.*s</notes></visit>\n",
			 i, (i * 37) % 120, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		strcat(base, v);
	}
	pos[nv] = strlen(base);
	int bad = 0;
	for (int k = 1; k < nv; k++) {
		char doc[4200];
		snprintf(doc, sizeof doc, "%.*s<<%s</visits>\n", (int)pos[k], base, base + pos[k]);
		write_file(tmp("damage.xml"), doc, strlen(doc));
		CHECK_INT(read_xml(tmp("damage.xml"), &g, NULL), 0);
		int ok = g.n == k + 1 && g.r[k].structural != NULL;
		for (int i = 0; i < k && ok; i++)
			ok = g.r[i].structural == NULL;
		bad += !ok;
		got_free(&g);
	}
	CHECK_INT(bad, 0);
	unlink(tmp("damage.xml"));
}

static void test_root_and_empty(void)
{
	struct got g = { 0 };
	CHECK_INT(read_xml("tests/xml/empty.xml", &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.r[0].line, 1);
	CHECK_STR(g.r[0].structural, "XML document is empty");
	CHECK_STR(g.r[0].structural_zh, "XML 文件为空");
	got_free(&g);

	CHECK_INT(read_xml("tests/xml/wrong_root.xml", &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.r[0].line, 2);
	CHECK_STR(g.r[0].structural, "root element <records> is not <visits>");
	got_free(&g);

	CHECK_INT(read_xml("tests/xml/empty_root.xml", &g, NULL), 0);
	CHECK_INT(g.n, 0);
	got_free(&g);

	CHECK_INT(read_xml("tests/xml/root_text.xml", &g, NULL), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.r[1].structural, "text directly inside <visits>");
	CHECK_INT(g.r[1].line, 5);
	CHECK_STR(g.r[2].value[MQ_F_RECORD_ID], "T2");
	got_free(&g);

	struct mq_ingest_stats st;
	CHECK_INT(read_xml("tests/xml/bom.xml", &g, &st), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.bom, 1);
	CHECK_STR(g.r[0].value[MQ_F_RECORD_ID], "M1");
	got_free(&g);

	/* unreadable file: fatal */
	struct mq_error err = { 0 };
	CHECK_INT(mq_ingest_xml("tests/xml/no-such-file.xml", NULL, collect, &g, NULL, &err), MQ_ERR_IO);
	CHECK_INT(err.code, MQ_ERR_IO);

	/* the callback's non-zero value stops reading and is returned */
	g.stop_after = 2;
	CHECK_INT(read_xml("tests/xml/mapping.xml", &g, NULL), 7);
	CHECK_INT(g.n, 2);
	got_free(&g);
}

/* The search of core/files.h: --templates, $MINQING_TEMPLATES,
 * $XDG_DATA_HOME/minqing/templates, beside the program; never ./templates. */
static void test_xsd_lookup(void)
{
	struct got g = { 0 };
	struct mq_error err = { 0 };
	char cwd[4096], real_xsd[4200], mapping[4200];
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	snprintf(real_xsd, sizeof real_xsd, "%s/templates/visits.xsd", cwd);
	snprintf(mapping, sizeof mapping, "%s/tests/xml/mapping.xml", cwd);
	/* the office's folder under $XDG_DATA_HOME holds the good XSD */
	mkdir(tmp("xdg"), 0777);
	mkdir(tmp("xdg/minqing"), 0777);
	mkdir(tmp("xdg/minqing/templates"), 0777);
	CHECK_INT(symlink(real_xsd, tmp("xdg/minqing/templates/visits.xsd")), 0);
	setenv("XDG_DATA_HOME", tmp("xdg"), 1);
	/* a broken XSD in ./templates of the current folder */
	const char *xsd_dir = tmp("xsd");
	mkdir(xsd_dir, 0777);
	mkdir(tmp("xsd/templates"), 0777);
	write_file(tmp("xsd/templates/visits.xsd"), "<xs:schema", 10);
	CHECK_INT(chdir(xsd_dir), 0);
	/* $MINQING_TEMPLATES first: a folder without the XSD hides nothing, the
	 * XDG folder is next, ./templates is never looked at */
	setenv("MINQING_TEMPLATES", tmp("xsd"), 1);
	CHECK_INT(mq_ingest_xml(mapping, NULL, collect, &g, NULL, &err), 0);
	CHECK_INT(g.n, 3);
	got_free(&g);
	/* a broken XSD named by --templates (place 0) is fatal, naming it */
	mq_templates_set_dir(tmp("xsd/templates"));
	CHECK_INT(mq_ingest_xml(mapping, NULL, collect, &g, NULL, &err), MQ_ERR_FORMAT);
	CHECK(strstr(err.file, "xsd/templates/visits.xsd") != NULL);
	CHECK_INT(g.n, 0);
	mq_templates_set_dir(NULL);
	/* missing everywhere: fatal, the message names where it looked */
	unlink(tmp("xdg/minqing/templates/visits.xsd"));
	setenv("MINQING_TEMPLATES", tmp("xsd"), 1);
	CHECK_INT(mq_ingest_xml(mapping, NULL, collect, &g, NULL, &err), MQ_ERR_IO);
	CHECK(strstr(err.message, "xsd/visits.xsd") != NULL);
	CHECK(strstr(err.message, "xdg/minqing/templates/visits.xsd") != NULL);
	CHECK(strstr(err.message, "share/minqing/templates/visits.xsd") != NULL);
	CHECK(strstr(err.message, "xsd/templates/visits.xsd") == NULL);
	CHECK_INT(g.n, 0);
	CHECK_INT(chdir(cwd), 0);
	unlink(tmp("xsd/templates/visits.xsd"));
	rmdir(tmp("xsd/templates"));
	rmdir(xsd_dir);
	rmdir(tmp("xdg/minqing/templates"));
	rmdir(tmp("xdg/minqing"));
	rmdir(tmp("xdg"));
	unsetenv("XDG_DATA_HOME");
	setenv("MINQING_TEMPLATES", "templates", 1);
}

static void test_hostile(void)
{
	struct got g = { 0 };
	/* external entity: refused with the DOCTYPE; /etc/passwd never read */
	CHECK_INT(read_xml("tests/xml/xxe_file.xml", &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.r[0].line, 2);
	CHECK(g.r[0].structural && strstr(g.r[0].structural, "DOCTYPE not allowed"));
	CHECK(!any_contains(&g, "root:"));
	CHECK(!any_contains(&g, "X1"));
	got_free(&g);

	CHECK_INT(read_xml("tests/xml/xxe_param.xml", &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK(g.r[0].structural && strstr(g.r[0].structural, "DOCTYPE not allowed"));
	CHECK(!any_contains(&g, "root:"));
	got_free(&g);

	/* billion laughs: stopped at once, nothing expanded */
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	double t0 = now();
	CHECK_INT(read_xml("tests/xml/billion_laughs.xml", &g, NULL), 0);
	double dt = now() - t0;
	getrusage(RUSAGE_SELF, &after);
	CHECK(dt < 1.0);
	CHECK(after.ru_maxrss - before.ru_maxrss < 50 * 1024);   /* KiB */
	CHECK_INT(g.n, 1);
	CHECK(g.r[0].structural && strstr(g.r[0].structural, "DOCTYPE not allowed"));
	CHECK(!any_contains(&g, "lollollol"));
	got_free(&g);

	/* an external DTD on the network: never fetched. A listening socket
	 * on a free local port must see no connection. */
	int srv = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(srv >= 0);
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof addr;
	CHECK_INT(bind(srv, (struct sockaddr *)&addr, sizeof addr), 0);
	CHECK_INT(listen(srv, 4), 0);
	CHECK_INT(getsockname(srv, (struct sockaddr *)&addr, &alen), 0);
	char doc[512];
	snprintf(doc, sizeof doc,
		 "<?xml version=\"1.0\"?>\n<!DOCTYPE visits SYSTEM \"http://127.0.0.1:%d/visits.dtd\">\n"
		 "<visits><visit id=\"N1\"><date>2024-01-01</date></visit></visits>\n",
		 ntohs(addr.sin_port));
	write_file(tmp("net.xml"), doc, strlen(doc));
	CHECK_INT(read_xml(tmp("net.xml"), &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK(g.r[0].structural && strstr(g.r[0].structural, "DOCTYPE not allowed"));
	fcntl(srv, F_SETFL, O_NONBLOCK);
	int conn = accept(srv, NULL, NULL);
	CHECK(conn < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
	if (conn >= 0)
		close(conn);
	close(srv);
	unlink(tmp("net.xml"));
	got_free(&g);

	CHECK_INT(read_xml("tests/xml/dtd_remote.xml", &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK(g.r[0].structural && strstr(g.r[0].structural, "DOCTYPE not allowed"));
	got_free(&g);
}

static void test_huge_field(void)
{
	/* 6 MB of notes (2 M characters of 3 bytes): kept up to the 1 MiB cap,
	 * cut at a character boundary, still far over the 8000 limit */
	size_t n = 6u << 20;
	char *doc = malloc(n + 400);
	strcpy(doc, "<?xml version=\"1.0\"?>\n<visits>\n<visit id=\"H1\"><date>2024-01-01</date><notes>");
	size_t len = strlen(doc);
	while (len + 3 < n) {
		memcpy(doc + len, "好", 3);
		len += 3;
	}
	const char *tail = "</notes><township>北坡镇</township></visit>\n<visit id=\"H2\"><date>2024-01-02</date></visit>\n</visits>\n";
	memcpy(doc + len, tail, strlen(tail));
	len += strlen(tail);
	write_file(tmp("huge.xml"), doc, len);
	free(doc);
	struct got g = { 0 };
	CHECK_INT(read_xml(tmp("huge.xml"), &g, NULL), 0);
	CHECK_INT(g.n, 2);
	CHECK(g.r[0].structural == NULL);
	CHECK(g.r[0].len[MQ_F_NOTES] <= (1u << 20));
	CHECK(g.r[0].len[MQ_F_NOTES] > (1u << 20) - 4);
	CHECK_INT(g.r[0].len[MQ_F_NOTES] % 3, 0);
	CHECK(mq_utf8_valid(g.r[0].value[MQ_F_NOTES], g.r[0].len[MQ_F_NOTES]));
	CHECK(mq_utf8_count(g.r[0].value[MQ_F_NOTES], g.r[0].len[MQ_F_NOTES]) > 8000);
	CHECK_STR(g.r[0].value[MQ_F_TOWNSHIP], "北坡镇");
	CHECK_STR(g.r[1].value[MQ_F_RECORD_ID], "H2");
	got_free(&g);
	unlink(tmp("huge.xml"));
}

/* a start tag over several lines: the line of its '<' */
static void test_multiline_tag(void)
{
	const char *doc = "<?xml version=\"1.0\"?>\n<visits>\n<visit\n  id=\"L1\"\n>\n<date>2024-01-01</date></visit>"
			  "<visit id=\"L2\"><date>2024-01-02</date></visit>\n\n<visit\nid=\"L3\"/>\n</visits>\n";
	write_file(tmp("multi.xml"), doc, strlen(doc));
	struct got g = { 0 };
	CHECK_INT(read_xml(tmp("multi.xml"), &g, NULL), 0);
	CHECK_INT(g.n, 3);
	CHECK_INT(g.r[0].line, 3);
	CHECK_INT(g.r[1].line, 6);
	CHECK_INT(g.r[2].line, 8);
	CHECK_STR(g.r[2].value[MQ_F_RECORD_ID], "L3");
	got_free(&g);
	unlink(tmp("multi.xml"));
}

static void test_encodings(void)
{
	struct got g = { 0 };
	struct mq_ingest_stats st;
	/* GB18030 declared: converted to UTF-8 */
	CHECK_INT(read_xml("tests/xml/gb18030.xml", &g, &st), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.encoding, MQ_ENC_GB18030);
	CHECK(g.r[0].structural == NULL);
	CHECK_STR(g.r[0].value[MQ_F_TOWNSHIP], "油篓沟乡");
	CHECK_STR(g.r[0].value[MQ_F_HOUSEHOLD_TYPE], "脱贫户");
	CHECK_STR(g.r[0].value[MQ_F_TOPICS], "产业发展;基本医疗");
	CHECK(mq_utf8_valid(g.r[0].value[MQ_F_NOTES], g.r[0].len[MQ_F_NOTES]));
	got_free(&g);

	/* GB18030 without a declaration, forced by --encoding gb18030 */
	const char *gb = "<visits>\n<visit id=\"G1\"><township>\xB1\xB1\xC6\xC2\xD5\xF2</township></visit>\n</visits>\n";
	write_file(tmp("gb.xml"), gb, strlen(gb));
	struct mq_ingest_opts opts = { .encoding = MQ_ENC_GB18030 };
	struct mq_error err = { 0 };
	CHECK_INT(mq_ingest_xml(tmp("gb.xml"), &opts, collect, &g, &st, &err), 0);
	CHECK_INT(g.n, 1);
	CHECK(g.r[0].structural == NULL);
	CHECK_STR(g.r[0].value[MQ_F_TOWNSHIP], "北坡镇");
	got_free(&g);
	/* without the option the same bytes are not UTF-8: E001 */
	CHECK_INT(read_xml(tmp("gb.xml"), &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK(g.r[0].structural && strstr(g.r[0].structural, "not well-formed"));
	got_free(&g);
	unlink(tmp("gb.xml"));

	/* an encoder that fails (found by fuzzing: UCS-4 guessed from the
	 * first bytes, then a GB18030 declaration): one E001, not silence */
	CHECK_INT(read_xml("tests/xml/encoder_failure.xml", &g, NULL), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.r[0].line, 1);
	CHECK(g.r[0].structural && strstr(g.r[0].structural, "XML not well-formed at line 1: input conversion failed"));
	got_free(&g);

	/* invalid bytes in UTF-8: not well-formed, E001 from there on */
	CHECK_INT(read_xml("tests/xml/bad_utf8.xml", &g, &st), 0);
	CHECK_INT(g.n, 2);
	CHECK(g.r[0].structural == NULL);
	CHECK_STR(g.r[0].value[MQ_F_NOTES], "好");
	CHECK_STR(g.r[1].value[MQ_F_RECORD_ID], "B2");
	CHECK_INT(g.r[1].line, 4);
	CHECK(g.r[1].structural && strstr(g.r[1].structural, "not proper UTF-8"));
	CHECK(g.r[1].structural && !strchr(g.r[1].structural, '\n'));
	got_free(&g);
}

int main(void)
{
	/* run from the checkout: the templates are not beside build/tests/ */
	setenv("MINQING_TEMPLATES", "templates", 0);
	snprintf(tmpdir, sizeof tmpdir, "/tmp/mq_xml_test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_mapping();
	test_example_count();
	test_example_ids();
	test_structural();
	test_damage();
	test_root_and_empty();
	test_xsd_lookup();
	test_hostile();
	test_huge_field();
	test_multiline_tag();
	test_encodings();
	rmdir(tmpdir);
	return check_summary();
}

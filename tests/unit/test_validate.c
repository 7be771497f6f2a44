/* Unit tests of the validator: one case per rule of contract section 3,
 * the order of codes, duplicates, warnings and normalisation. */
#include "check.h"
#include "minqing/check/validate.h"
#include "minqing/core/buf.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"

#include <stdlib.h>

/* A good record; each test changes a field or two. */
static const char *const base[MQ_NFIELDS] = {
	[MQ_F_RECORD_ID] = "R1", [MQ_F_VISIT_DATE] = "2024-03-02", [MQ_F_COUNTY] = "张北县",
	[MQ_F_TOWNSHIP] = "油篓沟乡", [MQ_F_VILLAGE] = "玻璃彩村", [MQ_F_CADRE_ID] = "C1",
	[MQ_F_CADRE_NAME] = "王晓东", [MQ_F_HOUSEHOLD_ID] = "H1", [MQ_F_HOUSEHOLDER] = "于占峰",
	[MQ_F_HOUSEHOLD_SIZE] = "05", [MQ_F_HOUSEHOLD_TYPE] = "脱贫户", [MQ_F_VISIT_MODE] = "入户走访",
	[MQ_F_TOPICS] = "基本医疗；产业发展、基本医疗", [MQ_F_DEMAND] = "协调技术培训",
	[MQ_F_DUE_DATE] = "2024/3/20", [MQ_F_STATUS] = "已办结", [MQ_F_CLOSED_DATE] = "2024年3月15日",
	[MQ_F_SIGNED] = "Yes", [MQ_F_SATISFACTION] = "满意", [MQ_F_INCOME] = "04800.50",
	[MQ_F_NOTES] = "　走访记录 ",
};

struct rec {
	const char *v[MQ_NFIELDS];
	struct mq_raw_record raw;
};

static struct mq_raw_record *make(struct rec *r, int field, const char *value, int field2, const char *value2)
{
	memset(r, 0, sizeof *r);
	memcpy(r->v, base, sizeof base);
	if (field >= 0)
		r->v[field] = value;
	if (field2 >= 0)
		r->v[field2] = value2;
	r->raw.source = "test.csv";
	r->raw.line = 7;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		r->raw.value[f] = r->v[f];
		r->raw.len[f] = r->v[f] ? strlen(r->v[f]) : 0;
	}
	return &r->raw;
}

static struct mq_validator *new_validator(const struct mq_reference *ref)
{
	struct mq_validate_opts o = { .as_of = mq_day_from_ymd(2024, 12, 31), .ref = ref };
	return mq_validator_new(&o);
}

/* Validates base with one field changed and returns the verdict. */
static struct mq_verdict one(int field, const char *value)
{
	struct mq_validator *v = new_validator(NULL);
	struct rec r;
	struct mq_verdict vd;
	mq_validate_record(v, make(&r, field, value, -1, NULL), &vd);
	static char msg[1024];
	if (vd.outcome == MQ_REJECTED) {
		snprintf(msg, sizeof msg, "%s", vd.reject.message);
		vd.reject.message = msg;
	}
	mq_validator_free(v);
	return vd;
}

#define EXPECT_REJECT(in_field, value, want_code, want_field) do { \
	struct mq_verdict vd_ = one(in_field, value); \
	CHECK_INT(vd_.outcome, MQ_REJECTED); \
	CHECK_STR(mq_code_names[vd_.reject.code], want_code); \
	CHECK_INT(vd_.reject.field, want_field); } while (0)

static void test_accept_and_normalise(void)
{
	struct mq_validator *v = new_validator(NULL);
	struct rec r;
	struct mq_verdict vd;
	CHECK_INT(mq_validate_record(v, make(&r, -1, NULL, -1, NULL), &vd), 0);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	CHECK_STR(vd.record.text[MQ_F_DUE_DATE], "2024-03-20");
	CHECK_STR(vd.record.text[MQ_F_CLOSED_DATE], "2024-03-15");
	CHECK_STR(vd.record.text[MQ_F_SIGNED], "是");
	CHECK_STR(vd.record.text[MQ_F_TOPICS], "基本医疗;产业发展");
	CHECK_STR(vd.record.text[MQ_F_HOUSEHOLD_SIZE], "5");
	CHECK_STR(vd.record.text[MQ_F_INCOME], "4800.5");
	CHECK_STR(vd.record.text[MQ_F_NOTES], "走访记录");
	CHECK_INT(vd.record.topics, (1 << MQ_TOPIC_MEDICAL) | (1 << MQ_TOPIC_INDUSTRY));
	CHECK_INT(vd.record.visit_mode, MQ_MODE_HOME);
	CHECK_INT(vd.record.status, MQ_ST_CLOSED);
	CHECK_INT(vd.record.is_signed, 1);
	mq_validator_free(v);
}

static void test_each_code(void)
{
	EXPECT_REJECT(MQ_F_HOUSEHOLDER, "  ", "E002", MQ_F_HOUSEHOLDER);
	EXPECT_REJECT(MQ_F_SIGNED, NULL, "E002", MQ_F_SIGNED);
	EXPECT_REJECT(MQ_F_VISIT_DATE, "2024-02-30", "E003", MQ_F_VISIT_DATE);
	EXPECT_REJECT(MQ_F_VISIT_DATE, "上周三", "E003", MQ_F_VISIT_DATE);
	EXPECT_REJECT(MQ_F_VISIT_DATE, "2023-02-29", "E003", MQ_F_VISIT_DATE);
	EXPECT_REJECT(MQ_F_HOUSEHOLD_SIZE, "0", "E004", MQ_F_HOUSEHOLD_SIZE);
	EXPECT_REJECT(MQ_F_HOUSEHOLD_SIZE, "31", "E004", MQ_F_HOUSEHOLD_SIZE);
	EXPECT_REJECT(MQ_F_HOUSEHOLD_SIZE, "五口", "E004", MQ_F_HOUSEHOLD_SIZE);
	EXPECT_REJECT(MQ_F_INCOME, "-500", "E004", MQ_F_INCOME);
	EXPECT_REJECT(MQ_F_INCOME, "约8000元", "E004", MQ_F_INCOME);
	EXPECT_REJECT(MQ_F_STATUS, "已完成", "E005", MQ_F_STATUS);
	EXPECT_REJECT(MQ_F_TOPICS, "吃穿;环境整治", "E005", MQ_F_TOPICS);
	EXPECT_REJECT(MQ_F_SIGNED, "ok", "E005", MQ_F_SIGNED);
	EXPECT_REJECT(MQ_F_DUE_DATE, "2024-03-01", "E007", MQ_F_DUE_DATE);
	EXPECT_REJECT(MQ_F_CLOSED_DATE, "2024-03-01", "E007", MQ_F_CLOSED_DATE);
	EXPECT_REJECT(MQ_F_CLOSED_DATE, "2025-01-01", "E007", MQ_F_CLOSED_DATE);
	EXPECT_REJECT(MQ_F_VISIT_DATE, "2012-12-31", "E008", MQ_F_VISIT_DATE);
	EXPECT_REJECT(MQ_F_DUE_DATE, NULL, "E012", MQ_F_DUE_DATE);
	EXPECT_REJECT(MQ_F_STATUS, NULL, "E012", MQ_F_STATUS);
	EXPECT_REJECT(MQ_F_CLOSED_DATE, NULL, "E012", MQ_F_CLOSED_DATE);

	/* boundary: closed on the run date itself is inside */
	struct mq_verdict vd = one(MQ_F_CLOSED_DATE, "2024-12-31");
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	/* a demand-less record needs no due date or status */
	struct mq_validator *v = new_validator(NULL);
	struct rec r;
	struct mq_raw_record *raw = make(&r, MQ_F_DEMAND, NULL, MQ_F_DUE_DATE, NULL);
	raw->value[MQ_F_STATUS] = NULL;
	raw->value[MQ_F_CLOSED_DATE] = NULL;
	CHECK_INT(mq_validate_record(v, raw, &vd), 0);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	mq_validator_free(v);
}

static void test_lengths(void)
{
	/* limits count code points: 100 Chinese characters fit, 101 do not */
	char name[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(name, "王");
	CHECK_INT(one(MQ_F_HOUSEHOLDER, name).outcome, MQ_ACCEPTED);
	strcat(name, "王");
	EXPECT_REJECT(MQ_F_HOUSEHOLDER, name, "E011", MQ_F_HOUSEHOLDER);
	char *notes = malloc(8002);
	memset(notes, 'x', 8001);
	notes[8001] = '\0';
	EXPECT_REJECT(MQ_F_NOTES, notes, "E011", MQ_F_NOTES);
	free(notes);
}

static void test_bad_text_and_order(void)
{
	struct mq_validator *v = new_validator(NULL);
	struct rec r;
	struct mq_verdict vd;
	struct mq_raw_record *raw = make(&r, MQ_F_NOTES, "ab\xff", MQ_F_HOUSEHOLDER, NULL);
	raw->bad_text[MQ_F_NOTES] = 1;
	raw->value[MQ_F_HOUSEHOLD_SIZE] = "45";
	raw->len[MQ_F_HOUSEHOLD_SIZE] = 2;
	CHECK_INT(mq_validate_record(v, raw, &vd), 0);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	/* the first problem in the table's order files the reject; the rest follow */
	CHECK_STR(mq_code_names[vd.reject.code], "E002");
	CHECK_STR(vd.reject.message,
		  "householder is missing; also: E004 household_size \"45\" not an integer 1..30; "
		  "E010 bytes that are not valid text in notes");
	CHECK(strstr(vd.reject.message_zh, "户主姓名（householder）缺失") != NULL);
	mq_validator_free(v);

	/* a structural problem is reported alone */
	v = new_validator(NULL);
	raw = make(&r, -1, NULL, -1, NULL);
	raw->structural = "wrong number of cells: 26, header has 24";
	CHECK_INT(mq_validate_record(v, raw, &vd), 0);
	CHECK_STR(mq_code_names[vd.reject.code], "E001");
	CHECK_STR(vd.reject.message, "wrong number of cells: 26, header has 24");
	mq_validator_free(v);
}

static void test_duplicates(void)
{
	struct mq_validator *v = new_validator(NULL);
	struct rec r;
	struct mq_verdict vd;
	/* a rejected record does not claim its id */
	mq_validate_record(v, make(&r, MQ_F_HOUSEHOLDER, NULL, -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	mq_validate_record(v, make(&r, -1, NULL, -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	/* the same values written differently: an identical duplicate, dropped */
	struct mq_raw_record *raw = make(&r, MQ_F_VISIT_DATE, " 2024.3.2", MQ_F_SIGNED, "是");
	raw->line = 9;
	mq_validate_record(v, raw, &vd);
	CHECK_INT(vd.outcome, MQ_DROPPED);
	CHECK_STR(vd.dropped.message, "duplicate of the record accepted at test.csv line 7: dropped");
	/* the same id with other content: E006, the first one wins */
	mq_validate_record(v, make(&r, MQ_F_NOTES, "另一条", -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	CHECK_STR(mq_code_names[vd.reject.code], "E006");
	CHECK_STR(vd.reject.message, "record_id R1 already accepted (test.csv line 7) with different content");
	/* unknown columns do not count: the duplicate is still identical */
	mq_validate_record(v, make(&r, -1, NULL, -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_DROPPED);
	CHECK(mq_validator_index_bytes(v) > 0);
	mq_validator_free(v);
}

/* The accepted records' values kept by the caller (validate.h
 * values_same), as the stage keeps them in accepted.csv: each accepted
 * record's fields joined, an absent field as an empty one. */
static struct {
	struct mq_buf *rows;
	size_t n, alloc;
	int calls;
} kept;

static void row_of(struct mq_buf *b, const struct mq_record *rec)
{
	mq_buf_reset(b);
	for (int f = 0; f < MQ_NFIELDS; f++) {
		if (rec->text[f])
			mq_buf_add(b, rec->text[f], rec->len[f]);
		mq_buf_addc(b, '\x1f');
	}
}

static uint64_t kept_at(void *ctx)
{
	(void)ctx;
	return kept.n;
}

static int kept_same(void *ctx, uint64_t at, unsigned skip, const struct mq_record *rec)
{
	(void)ctx;
	struct mq_buf b = MQ_BUF_INIT;
	kept.calls++;
	if (at + skip >= kept.n)
		return MQ_ERR_IO;
	row_of(&b, rec);
	int same = b.len == kept.rows[at + skip].len && memcmp(b.data, kept.rows[at + skip].data, b.len) == 0;
	mq_buf_free(&b);
	return same;
}

static void kept_free(void)
{
	for (size_t i = 0; i < kept.n; i++)
		mq_buf_free(&kept.rows[i]);
	free(kept.rows);
	memset(&kept, 0, sizeof kept);
}

/* mq_validate_record, keeping an accepted record's values as a caller of
 * values_same does */
static int validate(struct mq_validator *v, const struct mq_raw_record *raw, struct mq_verdict *vd)
{
	int rc = mq_validate_record(v, raw, vd);
	if (rc || vd->outcome != MQ_ACCEPTED)
		return rc;
	if (kept.n == kept.alloc) {
		kept.alloc = kept.alloc ? 2 * kept.alloc : 64;
		kept.rows = realloc(kept.rows, kept.alloc * sizeof *kept.rows);
	}
	mq_buf_init(&kept.rows[kept.n]);
	row_of(&kept.rows[kept.n++], &vd->record);
	return 0;
}

/* every id collides: a test-only hash */
static uint64_t colliding_hash(const void *data, size_t len, uint64_t seed)
{
	(void)data;
	(void)len;
	(void)seed;
	return 42;
}

/* W006 by value: ids that collide in the index are compared, then the
 * values decide, kept in the temporary file or (by_caller) by the caller */
static void test_hash_collision(int by_caller)
{
	struct mq_validate_opts o = { .as_of = mq_day_from_ymd(2024, 12, 31), .id_hash = colliding_hash };
	if (by_caller) {
		o.values_at = kept_at;
		o.values_same = kept_same;
	}
	struct mq_validator *v = mq_validator_new(&o);
	struct rec r;
	struct mq_verdict vd;
	validate(v, make(&r, -1, NULL, -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	/* the same id, the same hash, other values: kept (E006 in rejects), not dropped */
	validate(v, make(&r, MQ_F_NOTES, "另一条", -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	CHECK_STR(mq_code_names[vd.reject.code], "E006");
	/* a value differing in one byte only */
	validate(v, make(&r, MQ_F_HOUSEHOLDER, "王大山", -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	/* equal values: still the W006 duplicate */
	validate(v, make(&r, -1, NULL, -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_DROPPED);
	/* past the values kept in memory (1 MB): read back from the file */
	static char notes[600], ids[4000][16];
	memset(notes, 'x', sizeof notes - 1);
	for (int i = 0; i < 4000; i++) {
		snprintf(ids[i], sizeof ids[i], "R%05d", i);
		validate(v, make(&r, MQ_F_RECORD_ID, ids[i], MQ_F_NOTES, notes), &vd);
		if (vd.outcome != MQ_ACCEPTED)
			CHECK_INT(vd.outcome, MQ_ACCEPTED);
	}
	validate(v, make(&r, MQ_F_RECORD_ID, ids[3], MQ_F_NOTES, notes), &vd);
	CHECK_INT(vd.outcome, MQ_DROPPED);
	notes[300] = 'y';
	validate(v, make(&r, MQ_F_RECORD_ID, ids[3], MQ_F_NOTES, notes), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	CHECK_STR(mq_code_names[vd.reject.code], "E006");
	validate(v, make(&r, MQ_F_RECORD_ID, ids[3999], MQ_F_NOTES, notes), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	notes[300] = 'x';
	validate(v, make(&r, MQ_F_RECORD_ID, ids[3999], MQ_F_NOTES, notes), &vd);
	CHECK_INT(vd.outcome, MQ_DROPPED);
	/* a field present but empty after normalising (topics of separators
	 * only) is not the same as the field absent, though the two write
	 * the same accepted.csv row */
	validate(v, make(&r, MQ_F_RECORD_ID, "T1", MQ_F_TOPICS, "；"), &vd);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	validate(v, make(&r, MQ_F_RECORD_ID, "T1", MQ_F_TOPICS, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	CHECK_STR(mq_code_names[vd.reject.code], "E006");
	validate(v, make(&r, MQ_F_RECORD_ID, "T1", MQ_F_TOPICS, "、"), &vd);
	CHECK_INT(vd.outcome, MQ_DROPPED);
	if (by_caller)
		CHECK(kept.calls >= 7);
	mq_validator_free(v);
	kept_free();
}

/* Ids that end in two digits, in runs: a group's first ids are filed in
 * the table, the rest on its page once it has one (validate.c). Every
 * duplicate is found wherever its id was filed, with the line it was
 * accepted at; ids of groups that differ only in length stay apart; the
 * ids' lengths around the entry's one- and two-byte forms. With
 * hash_all_same every group and id has one hash: bytes still decide. */
static void test_id_pages(int by_caller, int hash_all_same)
{
	struct mq_validate_opts o = { .as_of = mq_day_from_ymd(2024, 12, 31) };
	if (by_caller) {
		o.values_at = kept_at;
		o.values_same = kept_same;
	}
	if (hash_all_same)
		o.id_hash = colliding_hash;
	struct mq_validator *v = mq_validator_new(&o);
	struct rec r;
	struct mq_verdict vd;
	enum { STREAMS = 5, PER = 700, N = STREAMS * PER };
	static char ids[N + 8][80];
	int fails = 0, line = 2;
	/* five runs dealt in turn, as an export of five townships; then ids
	 * of 61 to 64 bytes (the most) ending in digits, and groups "X1" and "X10" */
	for (int i = 0; i < N; i++)
		snprintf(ids[i], sizeof ids[i], "%c%04d%06d", 'A' + i % STREAMS, 7, i / STREAMS);
	for (int k = 0; k < 4; k++)
		snprintf(ids[N + k], sizeof ids[N + k], "%.*s%02d", 59 + k, "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL", k);
	snprintf(ids[N + 4], sizeof ids[N + 4], "X100");
	snprintf(ids[N + 5], sizeof ids[N + 5], "X1000");
	snprintf(ids[N + 6], sizeof ids[N + 6], "X1001");
	snprintf(ids[N + 7], sizeof ids[N + 7], "X101");
	for (int i = 0; i < N + 8; i++) {
		struct mq_raw_record *raw = make(&r, MQ_F_RECORD_ID, ids[i], -1, NULL);
		raw->line = line++;
		validate(v, raw, &vd);
		fails += vd.outcome != MQ_ACCEPTED;
	}
	CHECK_INT(fails, 0);
	/* every id again, identical (W006 with its first line) and changed (E006) */
	for (int i = 0; i < N + 8; i++) {
		if (i < N && i % 3 && i % PER > 40)
			continue; /* every first id of a group, a third of the rest */
		validate(v, make(&r, MQ_F_RECORD_ID, ids[i], -1, NULL), &vd);
		char want[128];
		snprintf(want, sizeof want, "duplicate of the record accepted at test.csv line %d: dropped", i + 2);
		if (vd.outcome != MQ_DROPPED || strcmp(vd.dropped.message, want)) {
			fprintf(stderr, "id %s: outcome %d\n", ids[i], vd.outcome);
			fails++;
		}
		validate(v, make(&r, MQ_F_RECORD_ID, ids[i], MQ_F_NOTES, "改"), &vd);
		if (vd.outcome != MQ_REJECTED || vd.reject.code != MQ_E006)
			fails++;
	}
	CHECK_INT(fails, 0);
	/* ids next to those of the groups, never accepted: new */
	static const char *const fresh[] = { "A0007000701", "A0007", "A000700000", "X10", "X1002", "X1",
					     "B0007000699x", "F0007000001" };
	for (size_t i = 0; i < sizeof fresh / sizeof *fresh; i++) {
		validate(v, make(&r, MQ_F_RECORD_ID, fresh[i], -1, NULL), &vd);
		CHECK_INT(vd.outcome, MQ_ACCEPTED);
	}
	mq_validator_free(v);
	kept_free();
}

/* W002 with households numbered in runs, whose groups get pages
 * (idpages.h): a household keeps the village of its first record whether
 * it was numbered before its group's page or on it, and every household's
 * record number (household_no) is one per household. */
static struct mq_raw_record *make_in_village(struct rec *r, const char *id, const char *hh, const char *village)
{
	struct mq_raw_record *raw = make(r, MQ_F_RECORD_ID, id, MQ_F_HOUSEHOLD_ID, hh);
	r->v[MQ_F_VILLAGE] = village;
	raw->value[MQ_F_VILLAGE] = village;
	raw->len[MQ_F_VILLAGE] = strlen(village);
	return raw;
}

static void test_household_pages(void)
{
	struct mq_validator *v = new_validator(NULL);
	struct rec r;
	struct mq_verdict vd;
	char id[32], hh[32];
	int n = 0, fails = 0, warned = 0;
	static int32_t number[2][100];
	/* households H0101000..H0101099 (one group) and H0102000..H0102049,
	 * each visited four times in 玻璃彩村, in turn */
	for (int round = 0; round < 4; round++)
		for (int g = 0; g < 2; g++)
			for (int t = 0; t < (g ? 50 : 100); t++) {
				snprintf(id, sizeof id, "R%06d", n++);
				snprintf(hh, sizeof hh, "H010%d0%02d", g + 1, t);
				mq_validate_record(v, make(&r, MQ_F_RECORD_ID, id, MQ_F_HOUSEHOLD_ID, hh), &vd);
				fails += vd.outcome != MQ_ACCEPTED;
				warned += vd.nwarnings;
				if (round == 0)
					number[g][t] = vd.record.household_no;
				else
					fails += vd.record.household_no != number[g][t];
			}
	CHECK_INT(fails, 0);
	CHECK_INT(warned, 0);
	/* 150 households, 150 numbers */
	int distinct = 1;
	for (int g = 0; g < 2; g++)
		for (int t = 0; t < (g ? 50 : 100); t++)
			for (int g2 = 0; g2 < 2; g2++)
				for (int t2 = 0; t2 < (g2 ? 50 : 100); t2++)
					if ((g != g2 || t != t2) && number[g][t] == number[g2][t2])
						distinct = 0;
	CHECK(distinct);
	/* in another village: the first and a later household of each group
	 * warn with the first village; a household never seen does not */
	static const char *const moved[] = { "H0101000", "H0101099", "H0102000", "H0102049" };
	for (size_t i = 0; i < sizeof moved / sizeof *moved; i++) {
		snprintf(id, sizeof id, "S%06d", n++);
		mq_validate_record(v, make_in_village(&r, id, moved[i], "二村"), &vd);
		CHECK_INT(vd.outcome, MQ_ACCEPTED);
		CHECK_INT(vd.nwarnings, 1);
		char want[128];
		snprintf(want, sizeof want, "household %s also in 油篓沟乡/玻璃彩村", moved[i]);
		CHECK_STR(vd.warnings[0].message, want);
	}
	mq_validate_record(v, make_in_village(&r, "S1", "H0102050", "二村"), &vd);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	CHECK_INT(vd.nwarnings, 0);
	mq_validator_free(v);
}

static void test_reference_rules(void)
{
	/* registry: E009; roster: W001; households in two villages: W002 */
	FILE *fp = fopen("/tmp/mq_test_registry.csv", "w");
	fputs("county,township,village,households\n张北县,油篓沟乡,玻璃彩村,100\n张北县,油篓沟乡,二村,50\n", fp);
	fclose(fp);
	fp = fopen("/tmp/mq_test_roster.csv", "w");
	fputs("cadre_id,cadre_name,unit,role,township,village\nC1,王晓东,市委,第一书记,油篓沟乡,玻璃彩村\n"
	      "C2,李四,县局,包村干部,油篓沟乡,三村\n", fp);
	fclose(fp);
	struct mq_reference ref;
	struct mq_error err = { 0 };
	CHECK_INT(mq_reference_load(&ref, "/tmp/mq_test_registry.csv", "/tmp/mq_test_roster.csv", NULL, &err), 0);
	CHECK_INT(ref.cadres[0].resident, 1);
	/* a record's village by its cadre's: the cadre's own, else looked up */
	const struct mq_cadre_ref *c1 = &ref.cadres[0], *c2 = &ref.cadres[1];
	CHECK(c1->own_village == &ref.villages[0] && c2->own_village == NULL);
	CHECK(mq_ref_village_near(&ref, c1, "油篓沟乡", "玻璃彩村") == &ref.villages[0]);
	CHECK(mq_ref_village_near(&ref, c1, "油篓沟乡", "二村") == &ref.villages[1]);
	CHECK(mq_ref_village_near(&ref, NULL, "油篓沟乡", "二村") == &ref.villages[1]);
	CHECK(mq_ref_village_near(&ref, c2, "油篓沟乡", "三村") == NULL);
	CHECK(mq_ref_village_near(&ref, c2, "油篓沟乡", "玻璃彩村") == &ref.villages[0]);
	CHECK(mq_ref_village_near(&ref, c1, "别的乡", "玻璃彩村") == NULL);
	struct mq_validator *v = new_validator(&ref);
	struct rec r;
	struct mq_verdict vd;
	mq_validate_record(v, make(&r, MQ_F_VILLAGE, "幸福村", -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_REJECTED);
	CHECK_STR(vd.reject.message, "油篓沟乡/幸福村 not in the registry");
	mq_validate_record(v, make(&r, -1, NULL, -1, NULL), &vd);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	CHECK_INT(vd.nwarnings, 0);
	mq_validate_record(v, make(&r, MQ_F_RECORD_ID, "R2", MQ_F_CADRE_ID, "C9"), &vd);
	CHECK_INT(vd.outcome, MQ_ACCEPTED);
	CHECK_INT(vd.nwarnings, 1);
	CHECK_STR(vd.warnings[0].message, "cadre C9 not in the roster");
	mq_validate_record(v, make(&r, MQ_F_RECORD_ID, "R3", MQ_F_VILLAGE, "二村"), &vd);
	CHECK_INT(vd.nwarnings, 1);
	CHECK_STR(mq_code_names[vd.warnings[0].code], "W002");
	CHECK_STR(vd.warnings[0].message, "household H1 also in 油篓沟乡/玻璃彩村");
	mq_validator_free(v);
	mq_reference_free(&ref);
	remove("/tmp/mq_test_registry.csv");
	remove("/tmp/mq_test_roster.csv");
}

static void test_dates(void)
{
	mq_day d;
	char out[11];
	const char *good[] = { "2024-3-5", "2024/03/05", "2024.3.05", "2024年3月5日", "2024年03月05日" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		CHECK_INT(mq_date_parse(good[i], strlen(good[i]), &d), 0);
		mq_date_format(d, out);
		CHECK_STR(out, "2024-03-05");
	}
	const char *bad[] = { "2024-13-05", "2024-04-31", "2024.04.31", "24-3-5", "2024-3-5x", "2024/3-5",
			      "2024年6月31日", "2023-02-29",
			      /* ten bytes with the dashes at 4 and 7: read at fixed places */
			      "2024-0a-05", "2024-00-10", "2024-03-00", " 024-03-05", "2024-3--05", "2024-03-5 " };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(mq_date_parse(bad[i], strlen(bad[i]), &d), -1);
	CHECK_INT(mq_date_parse("2024-02-29", 10, &d), 0);
	CHECK_INT(mq_date_parse("2023-12-31", 10, &d), 0);
	mq_date_format(d, out);
	CHECK_STR(out, "2023-12-31");
	CHECK_INT(mq_day_from_ymd(1970, 1, 1), 0);
	CHECK_INT(mq_days_in_year(2024), 366);
}

/* Checking ahead (mq_validate_prepare, as the CSV reader's thread does)
 * gives the same verdict, message and record as checking in one go. */
static void test_prepared_same(void)
{
	static const struct { int f; const char *v; int f2; const char *v2; } seq[] = {
		{ -1, NULL, -1, NULL },
		{ MQ_F_VISIT_DATE, " 2024.3.2", MQ_F_SIGNED, "是" },        /* W006 */
		{ MQ_F_NOTES, "另一条", -1, NULL },                          /* E006 */
		{ MQ_F_HOUSEHOLDER, NULL, -1, NULL },                       /* E002 and E006 */
		{ MQ_F_RECORD_ID, "R2", MQ_F_VILLAGE, "别的村" },            /* W002 */
		{ MQ_F_RECORD_ID, "R3", MQ_F_HOUSEHOLD_SIZE, "45" },        /* E004 */
		{ MQ_F_RECORD_ID, "R4", MQ_F_STATUS, "已办结" },
	};
	struct mq_validate_opts o = { .as_of = mq_day_from_ymd(2024, 12, 31) };
	struct mq_validator *plain = mq_validator_new(&o), *ahead = mq_validator_new(&o);
	struct mq_preparer *prep = mq_preparer_new(&o);
	struct mq_buf blob = MQ_BUF_INIT;
	for (size_t i = 0; i < sizeof seq / sizeof *seq; i++) {
		struct rec r1, r2;
		struct mq_verdict a, b;
		CHECK_INT(mq_validate_record(plain, make(&r1, seq[i].f, seq[i].v, seq[i].f2, seq[i].v2), &a), 0);
		char en[512] = "", zh[512] = "";
		if (a.outcome == MQ_REJECTED) {
			snprintf(en, sizeof en, "%s", a.reject.message);
			snprintf(zh, sizeof zh, "%s", a.reject.message_zh);
		}
		struct mq_raw_record *raw = make(&r2, seq[i].f, seq[i].v, seq[i].f2, seq[i].v2);
		mq_buf_reset(&blob);
		CHECK_INT(mq_validate_prepare(raw, 0, &blob, prep), 0);
		raw->prepared = blob.data;
		CHECK_INT(mq_validate_record(ahead, raw, &b), 0);
		CHECK_INT(b.outcome, a.outcome);
		CHECK_INT(b.nwarnings, a.nwarnings);
		if (a.outcome == MQ_REJECTED) {
			CHECK_INT(b.reject.code, a.reject.code);
			CHECK_STR(b.reject.message, en);
			CHECK_STR(b.reject.message_zh, zh);
		}
		if (a.outcome == MQ_ACCEPTED) {
			for (int f = 0; f < MQ_NFIELDS; f++)
				CHECK_STR(b.record.text[f] ? b.record.text[f] : "-", a.record.text[f] ? a.record.text[f] : "-");
			CHECK_INT(b.record.visit_date, a.record.visit_date);
			CHECK_INT(b.record.topics, a.record.topics);
			CHECK_INT(b.record.household_size, a.record.household_size);
		}
	}
	CHECK_INT(mq_validator_index_bytes(plain), mq_validator_index_bytes(ahead));
	mq_buf_free(&blob);
	mq_preparer_free(prep);
	mq_validator_free(plain);
	mq_validator_free(ahead);
}

/* The index at scale: ids of two length bytes (at least 128 bytes) and
 * short ones mixed, in many blocks; every id found again, with the line
 * it was accepted at, and the index small per record; the values kept in
 * the temporary file or (by_caller) by the caller. */
static void test_index_sizes(int by_caller)
{
	struct mq_validate_opts o = { .as_of = mq_day_from_ymd(2024, 12, 31) };
	if (by_caller) {
		o.values_at = kept_at;
		o.values_same = kept_same;
	}
	struct mq_validator *v = mq_validator_new(&o);
	struct rec r;
	struct mq_verdict vd;
	static char ids[30000][200];
	int fails = 0;
	for (int i = 0; i < 30000; i++) {
		if (i % 100 == 0) { /* 50 characters of 3 bytes: 150 bytes */
			char *p = ids[i];
			for (int k = 0; k < 50; k++, p += 3)
				memcpy(p, "编", 3);
			snprintf(p, 16, "%d", i);
		} else {
			snprintf(ids[i], sizeof ids[i], "R%012d", i);
		}
		struct mq_raw_record *raw = make(&r, MQ_F_RECORD_ID, ids[i], -1, NULL);
		raw->line = i + 2;
		validate(v, raw, &vd);
		fails += vd.outcome != MQ_ACCEPTED;
	}
	CHECK_INT(fails, 0);
	for (int i = 0; i < 30000; i += 37) {
		validate(v, make(&r, MQ_F_RECORD_ID, ids[i], -1, NULL), &vd);
		char want[128];
		snprintf(want, sizeof want, "duplicate of the record accepted at test.csv line %d: dropped", i + 2);
		if (vd.outcome != MQ_DROPPED || strcmp(vd.dropped.message, want))
			fails++;
		validate(v, make(&r, MQ_F_RECORD_ID, ids[i], MQ_F_NOTES, "改"), &vd);
		if (vd.outcome != MQ_REJECTED || vd.reject.code != MQ_E006)
			fails++;
	}
	CHECK_INT(fails, 0);
	/* 30,000 ids of mostly 13 bytes: 2^16 slots (256 KB), the ids in 64 KB
	 * blocks (about 24 bytes a record at 1,000,000: bench_validate.sh) */
	fprintf(stderr, "index: %zu bytes, %.1f a record\n", mq_validator_index_bytes(v), mq_validator_index_bytes(v) / 30000.0);
	CHECK(mq_validator_index_bytes(v) < 30000 * 28);
	mq_validator_free(v);
	kept_free();
}

int main(void)
{
	test_accept_and_normalise();
	test_each_code();
	test_lengths();
	test_bad_text_and_order();
	test_duplicates();
	test_hash_collision(0);
	test_hash_collision(1);
	test_index_sizes(0);
	test_index_sizes(1);
	test_id_pages(0, 0);
	test_id_pages(1, 0);
	test_id_pages(0, 1);
	test_id_pages(1, 1);
	test_prepared_same();
	test_reference_rules();
	test_household_pages();
	test_dates();
	return check_summary();
}

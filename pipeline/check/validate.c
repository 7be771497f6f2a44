/* validate.c — the rules of contract section 3, one record at a time.
 *
 * Every field is normalised by its type from the field table; each problem
 * becomes a finding; the findings are ordered by code (then field) and the
 * first one files the reject, the rest go into its message. The
 * duplicate-id index keeps the accepted record ids packed in memory, filed
 * in the hash table (hashmap.h) by where they lie, and where each was
 * accepted in a temporary file, with its values unless the caller keeps
 * them (values_same: the stage reads accepted.csv back): a record whose id
 * equals an accepted one is a duplicate (W006) only when its values are
 * equal too, so no hash ever decides. Ids that come in runs
 * (R0101000001, R0101000002, ...) are filed on their group's page
 * (idpages.h) instead of the table. The household index keeps each
 * household's first village (W002), households numbered in runs on pages
 * too. */
#include "minqing/check/validate.h"
#include "minqing/core/bgwrite.h"
#include "minqing/core/buf.h"
#include "minqing/core/bytes.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/core/hashmap.h"
#include "minqing/core/idpages.h"
#include "minqing/core/intern.h"
#include "minqing/core/utf8.h"
#include "minqing/core/date.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <unistd.h>

const char *const mq_code_names[MQ_NCODES] = {
	"E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008",
	"E009", "E010", "E011", "E012", "E013", "W001", "W002", "W006",
};

const char *const mq_code_explain_zh[MQ_NCODES] = {
	"结构错误：单元格数与表头不符、引号未闭合或<visit>元素格式不对",
	"必填项缺失",
	"日期无法识别或不存在（如2024-02-30）",
	"数字无法识别或超出范围（如家庭人口0或45、收入为负）",
	"取值不在规定选项内（如走访方式、办理状态、满意度）",
	"记录编号已被另一条内容不同的记录使用（先导入的为准）",
	"日期先后矛盾：办结时限或办结日期早于走访日期，或办结日期晚于运行日期（处理数据的当天）",
	"走访日期早于2013年1月1日或晚于运行日期（处理数据的当天）",
	"乡镇或行政村不在村庄名册中",
	"含有不是有效文字的字节（编码错误）",
	"内容超过长度上限",
	"条件必填项缺失：有诉求却无办结时限或办理状态，已办结却无办结日期",
	"编号已被电子表格改成科学计数法或超过15位的数字，末尾数字已丢失",
	"干部不在干部花名册中",
	"同一户编号出现在两个行政村",
	"与已接受记录完全相同的重复记录，已舍弃",
};

#define MAX_FINDINGS 48
#define DUP_NO_SOURCE 0xFFFF
#define DUP_BLOCK ((size_t)1 << 16)
#define DUP_GRANULE ((size_t)512)
#define DUP_MAX_ID (DUP_GRANULE - 2)
#define DUP_HEAD 10 /* a values record: its length (4; the caller keeping the
			 * values: their field mask), line (4), source (2) */
#define NORM_HEAD 4 /* the field mask in front of a values key */
#define HH_MAX_PAGED 256 /* the longest household id filed on a page */

struct finding {
	enum mq_code code;
	int field;
	char en[256], zh[256];
};

/* The checks a record needs nothing else for (every field, every finding
 * but E006, the hashes the indexes look up): scratch reused record after
 * record, by the validator or by a preparer on another thread. */
struct check {
	mq_day as_of, min_day;
	const struct mq_reference *ref;
	int reread;                  /* no index lookups follow: no hashes */
	uint64_t (*hash)(const void *data, size_t len, uint64_t seed);
	struct finding findings[MAX_FINDINGS];
	int nfindings;
	/* normalised values, NUL-terminated, after NORM_HEAD bytes kept for
	 * the values' field mask (values_key); a plain record's value (norm_off
	 * NORM_IN_CELL) is its trimmed cell where that ends at the cell's NUL
	 * and already is the normal form (text always; a date, number or
	 * enumeration value written as it is normalised), not copied */
	struct mq_buf norm;
	size_t norm_off[MQ_NFIELDS], norm_len[MQ_NFIELDS];
	const char *in_cell[MQ_NFIELDS];
	int plain;                   /* the raw record being checked is plain */
	int mask_only;               /* values_same given: the values key is the field mask */
	struct mq_record rec;        /* parsed values; text set at the end */
	uint64_t id_hash, hh_hash;
	/* the record id's and the household id's group (idpages.h): its hash
	 * and the id's final two digits as a number, or -1 when the id has no
	 * group; hh_hash is the household's group's hash when hh_tail >= 0,
	 * else the household's own for the interning */
	uint64_t group_hash;
	int id_tail, hh_tail;
	/* with no finding (and not reread): the values as bytes (values_key),
	 * compared on an id match and kept when accepted, and whether the
	 * cadre is missing from the roster (W001) */
	struct mq_buf values;
	const char *values_data;
	size_t values_len;
	int not_in_roster;
};

struct mq_validator {
	struct mq_validate_opts opts;
	/* The duplicate-id index: each accepted id as its length (one byte
	 * below 0x80, else two) and bytes, packed in blocks of DUP_BLOCK
	 * bytes; an entry never crosses a granule of DUP_GRANULE bytes, so an
	 * entry number is block << 16 | offset, and the values of the first
	 * entry of every granule are found from granules. */
	struct mq_hashmap dup;
	struct mq_idpages *id_pages;   /* slots: entry + 1 */
	char **blocks;
	size_t nblocks, ablocks, used; /* used: bytes of the last block */
	struct granule {
		uint64_t values;    /* values-file offset of its first entry */
		uint64_t at;        /* the caller's values_at of its first entry */
	} *granules;
	size_t agranules;
	struct mq_intern *sources;
	int32_t last_source;        /* the source of the last entry (-1: none) */
	/* the values of the accepted records with an id: an unlinked temporary
	 * file, the last bytes still in values_buf; values_b is a window on
	 * it from values_b_at; values_written counts the bytes handed to
	 * values_bg, the thread that writes them (NULL: written here) */
	int values_fd;
	struct values_file { int fd; uint64_t at; } values_file; /* values_bg's */
	struct mq_bgwrite *values_bg;
	uint64_t values_written, values_b_at;
	struct mq_buf values_buf, values_b;
	/* households: id -> first accepted village */
	struct mq_intern *households;
	struct mq_idpages *hh_pages;   /* slots: household number + 1 */
	int32_t *household_village;
	size_t ahv;
	struct mq_intern *villages;  /* "township/village" */
	int32_t *village_of_ref;     /* villages' number of each registry row, -1: not yet */
	uint32_t household_set;      /* names this validator's household numbers (mq_record) */
	struct check check;          /* the record being validated */
	uint64_t ahead_hh[8];        /* household hashes seen by mq_validate_ahead, a ring */
	unsigned char ahead_interned[8]; /* whether each is an interning hash */
	uint64_t ahead_id[8];        /* and id hashes */
	uint32_t *ahead_slot[8];     /* or the page slots of the ids (NULL: none) */
	uint32_t *ahead_hh_slot[8];  /* and of the households */
	unsigned nahead;
	struct mq_buf msg_en, msg_zh;
	char warn_en[MQ_MAX_WARNINGS][256], warn_zh[MQ_MAX_WARNINGS][256];
	char drop_en[256], drop_zh[256];
};

/* What mq_validate_prepare leaves for mq_validate_record: a record with no
 * finding of its own, its normalised text in text[] (off[], absent:
 * UINT32_MAX; OFF_IN_CELL set: from that offset in the raw record's cell)
 * and what check_record computed from it. Copied into a reader's batch,
 * so rec's pointers are rebuilt from off[] on the way out. */
#define NORM_IN_CELL ((size_t)-2)
#define OFF_IN_CELL 0x80000000u
struct prepared {
	uint64_t clean;              /* 0: the record has findings, check it again */
	uint64_t id_hash, hh_hash;   /* first: mq_validate_ahead reads one cache line */
	uint64_t group_hash;         /* with id_tail, hh_tail: check's */
	int32_t id_tail, hh_tail;
	struct mq_record rec;        /* parsed values and lengths */
	uint32_t off[MQ_NFIELDS];
	uint32_t values_off, values_len; /* the values bytes, in text[] after the fields */
	int not_in_roster;
	char text[];
};

/* An enumeration's values with their byte lengths, and whether each has
 * ASCII letters (only those need a comparison blind to case; bytes of
 * Chinese text are equal or not): made once from the field table, so a
 * cell is compared only with the values of its length. */
#define ENUM_MAX 16
struct enum_set {
	const char *const *values;
	int n;
	uint8_t len[ENUM_MAX];
	uint8_t letters[ENUM_MAX];
	uint64_t head[ENUM_MAX];     /* the first 8 bytes, mq_load_le */
};
static const char *const bool_yes[] = { "是", "y", "yes", "true", "1", NULL };
static const char *const bool_no[] = { "否", "n", "no", "false", "0", NULL };
static struct enum_set field_enums[MQ_NFIELDS], yes_enum, no_enum;
static pthread_once_t enums_once = PTHREAD_ONCE_INIT;

static void enum_set_make(struct enum_set *e, const char *const *values)
{
	e->values = values;
	for (e->n = 0; values[e->n] && e->n < ENUM_MAX; e->n++) {
		const char *v = values[e->n];
		size_t len = strlen(v);
		e->len[e->n] = len < UINT8_MAX ? (uint8_t)len : UINT8_MAX;
		e->head[e->n] = mq_load_le((const unsigned char *)v, len < 8 ? len : 8);
		for (size_t k = 0; k < len; k++)
			e->letters[e->n] |= ((unsigned char)v[k] | 0x20u) - 'a' < 26u;
	}
}

static void enums_make(void)
{
	for (int f = 0; f < MQ_NFIELDS; f++)
		if (mq_fields[f].values)
			enum_set_make(&field_enums[f], mq_fields[f].values);
	enum_set_make(&yes_enum, bool_yes);
	enum_set_make(&no_enum, bool_no);
}

static void check_init(struct check *c, const struct mq_validate_opts *opts)
{
	pthread_once(&enums_once, enums_make);
	c->as_of = opts->as_of;
	c->ref = opts->ref;
	c->reread = opts->reread;
	c->hash = opts->id_hash ? opts->id_hash : mq_hash;
	c->min_day = mq_day_from_ymd(2013, 1, 1);
	c->mask_only = opts->values_at && opts->values_same;
	mq_buf_init(&c->norm);
	mq_buf_init(&c->values);
}

static void check_free(struct check *c)
{
	mq_buf_free(&c->norm);
	mq_buf_free(&c->values);
}

static uint64_t dup_hash(void *ctx, uint32_t entry);
static int values_key(struct check *c, const struct mq_record *r);
static int dup_equal(void *ctx, uint32_t entry, const void *key);

struct mq_validator *mq_validator_new(const struct mq_validate_opts *opts)
{
	struct mq_validator *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	static atomic_uint sets; /* validators made so far, on any thread */
	v->opts = *opts;
	if (!opts->values_at || !opts->values_same) /* both or neither */
		v->opts.values_at = NULL, v->opts.values_same = NULL;
	v->values_fd = -1;
	v->last_source = -1;
	while (!(v->household_set = (uint32_t)(atomic_fetch_add(&sets, 1) + 1)))
		; /* 0 means none */
	check_init(&v->check, opts);
	mq_buf_init(&v->values_buf);
	mq_buf_init(&v->values_b);
	mq_buf_init(&v->msg_en);
	mq_buf_init(&v->msg_zh);
	v->sources = mq_intern_new();
	v->households = mq_intern_new();
	v->villages = mq_intern_new();
	v->id_pages = mq_idpages_new();
	v->hh_pages = mq_idpages_new();
	if (mq_hashmap_init(&v->dup, 50, dup_hash, dup_equal, v) || !v->id_pages || !v->hh_pages ||
	    !v->sources || !v->households || !v->villages) {
		mq_validator_free(v);
		return NULL;
	}
	/* most ids of a run go to pages: the table starts at an eighth */
	long long expect = opts->expect_records / 8;
	size_t nslots = v->dup.nslots;
	while (!opts->reread && expect > 0 && nslots < ((size_t)1 << 31) &&
	       (unsigned long long)nslots * v->dup.max_load / 100 <= (unsigned long long)expect)
		nslots *= 2;
	if (nslots != v->dup.nslots && mq_hashmap_empty_to(&v->dup, nslots)) {
		mq_validator_free(v);
		return NULL;
	}
	return v;
}

void mq_validator_free(struct mq_validator *v)
{
	if (!v)
		return;
	mq_hashmap_free(&v->dup);
	mq_idpages_free(v->id_pages);
	mq_idpages_free(v->hh_pages);
	for (size_t i = 0; i < v->nblocks; i++)
		free(v->blocks[i]);
	free(v->blocks);
	free(v->granules);
	mq_bgwrite_free(v->values_bg);
	if (v->values_fd >= 0)
		close(v->values_fd);
	mq_buf_free(&v->values_buf);
	mq_buf_free(&v->values_b);
	mq_intern_free(v->sources);
	mq_intern_free(v->households);
	free(v->household_village);
	mq_intern_free(v->villages);
	free(v->village_of_ref);
	check_free(&v->check);
	mq_buf_free(&v->msg_en);
	mq_buf_free(&v->msg_zh);
	free(v);
}

size_t mq_validator_index_bytes(const struct mq_validator *v)
{
	return mq_hashmap_bytes(&v->dup) + v->nblocks * DUP_BLOCK + v->ablocks * sizeof *v->blocks +
	       v->agranules * sizeof *v->granules + mq_idpages_bytes(v->id_pages);
}

/* ---- findings ---- */

static void add_finding(struct check *c, enum mq_code code, int field,
			const char *zh, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_finding(struct check *c, enum mq_code code, int field,
			const char *zh, const char *fmt, ...)
{
	if (c->nfindings == MAX_FINDINGS)
		return;
	struct finding *f = &c->findings[c->nfindings++];
	f->code = code;
	f->field = field;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->en, sizeof f->en, fmt, ap);
	va_end(ap);
	snprintf(f->zh, sizeof f->zh, "%s", zh);
}

/* Quotes a value for a message, cut to a readable length on a UTF-8 boundary. */
static const char *shown(const char *s, size_t len, char out[96])
{
	size_t n = len < 60 ? len : 60;
	while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	snprintf(out, 96, "%.*s%s", (int)n, s, n < len ? "…" : "");
	return out;
}

#define FNAME(f) mq_fields[f].name
#define FZH(f) mq_fields[f].zh

/* ---- field normalisation ---- */

static const char *norm_text(const struct check *c, int f)
{
	return c->norm_off[f] == (size_t)-1 ? NULL
	       : c->norm_off[f] == NORM_IN_CELL ? c->in_cell[f] : c->norm.data + c->norm_off[f];
}

static int set_norm(struct check *c, int f, const char *s, size_t n)
{
	c->norm_off[f] = c->norm.len;
	c->norm_len[f] = n;
	return mq_buf_add(&c->norm, s, n) || mq_buf_addc(&c->norm, '\0');
}

/* A plain record's cells end in a NUL: one whose trimmed bytes are the
 * normalised value stays where it is, not copied into norm. 1 when so. */
static int norm_in_cell(struct check *c, int f, const char *s, size_t n)
{
	if (!c->plain || s[n] != '\0')
		return 0;
	c->norm_off[f] = NORM_IN_CELL;
	c->in_cell[f] = s;
	c->norm_len[f] = n;
	return 1;
}

/* Values of one length mostly differ in their first 8 bytes (Chinese
 * values of 4 characters: the first 2 and a half), compared as a number. */
static int enum_index(const struct enum_set *e, const char *s, size_t n)
{
	uint64_t head = mq_load_le((const unsigned char *)s, n < 8 ? n : 8);
	for (int i = 0; i < e->n; i++) {
		if (e->len[i] != n)
			continue;
		if (e->letters[i] ? strncasecmp(e->values[i], s, n) == 0
		    : e->head[i] == head && (n <= 8 || memcmp(e->values[i] + 8, s + 8, n - 8) == 0))
			return i;
	}
	return -1;
}

static int parse_bool(const char *s, size_t n)
{
	if (enum_index(&yes_enum, s, n) >= 0)
		return 1;
	if (enum_index(&no_enum, s, n) >= 0)
		return 0;
	return -1;
}

/* Integer of plain digits; -1 when not one. */
static long parse_int(const char *s, size_t n)
{
	return n == 0 || n > 9 ? -1 : (long)mq_digits_value(s, n);
}

/* A decimal ≥ 0 written as digits with an optional fraction; normalised
 * into out without leading zeros or trailing fraction zeros. */
static int parse_decimal(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i = 0, ip = 0, fp = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, ip++;
	size_t dot = i;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++, fp++;
	}
	if (i != n || ip + fp == 0 || (dot < n && fp == 0) || n + 2 > outsz)
		return -1;
	size_t a = 0;
	while (a + 1 < ip && s[a] == '0')
		a++;
	size_t o = 0;
	if (ip == 0)
		out[o++] = '0';
	for (size_t k = a; k < ip; k++)
		out[o++] = s[k];
	size_t fend = fp;
	while (fend > 0 && s[dot + fend] == '0')
		fend--;
	if (fend) {
		out[o++] = '.';
		memcpy(out + o, s + dot + 1, fend);
		o += fend;
	}
	out[o] = '\0';
	return 0;
}

/* Length of the topic separator at s (; ； 、 |), 0 when none: a switch on
 * the first byte, as this runs for every byte of every topic list. */
static size_t topic_sep(const char *s, size_t n)
{
	switch ((unsigned char)s[0]) {
	case ';':
	case '|':
		return 1;
	case 0xEF: /* ；U+FF1B */
		return n >= 3 && (unsigned char)s[1] == 0xBC && (unsigned char)s[2] == 0x9B ? 3 : 0;
	case 0xE3: /* 、U+3001 */
		return n >= 3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x81 ? 3 : 0;
	default:
		return 0;
	}
}

/* Splits a topic list on ; ； 、 | and returns the bit set, or -1 with the
 * first unknown topic in *bad and *badlen. */
static long parse_topics(const char *s, size_t n, const char **bad, size_t *badlen)
{
	uint32_t bits = 0;
	size_t i = 0, start = 0;
	for (;;) {
		size_t seplen = i < n ? topic_sep(s + i, n - i) : 0;
		if (i == n || seplen) {
			const char *t;
			size_t tl = mq_trim(s + start, i - start, &t);
			if (tl) {
				int idx = enum_index(&field_enums[MQ_F_TOPICS], t, tl);
				if (idx < 0) {
					*bad = t;
					*badlen = tl;
					return -1;
				}
				bits |= 1u << idx;
			}
			if (i == n)
				break;
			i += seplen;
			start = i;
		} else {
			i++;
		}
	}
	return bits;
}

/* Checks and normalises one present field; fills the record's parsed value. */
static int check_field(struct check *c, int f, const char *s, size_t n, struct mq_record *r)
{
	const struct mq_field_def *d = &mq_fields[f];
	char q[96], num[64];
	switch (d->type) {
	case MQ_T_TEXT:
		/* a value no longer in bytes than the limit is within it in characters */
		if (d->limit && n > (size_t)d->limit && mq_utf8_count(s, n) > (size_t)d->limit) {
			char zh[160];
			snprintf(zh, sizeof zh, "%s（%s）超过%d个字", FZH(f), FNAME(f), d->limit);
			add_finding(c, MQ_E011, f, zh, "%s longer than %d characters", FNAME(f), d->limit);
		}
		return norm_in_cell(c, f, s, n) ? 0 : set_norm(c, f, s, n);
	case MQ_T_DATE: {
		mq_day day;
		if (mq_date_parse(s, n, &day)) {
			char zh[200];
			snprintf(zh, sizeof zh, "%s（%s）“%s”不是有效日期", FZH(f), FNAME(f), shown(s, n, q));
			add_finding(c, MQ_E003, f, zh, "%s \"%s\" is not a valid date", FNAME(f), q);
			return set_norm(c, f, s, n);
		}
		*(f == MQ_F_VISIT_DATE ? &r->visit_date : f == MQ_F_DUE_DATE ? &r->due_date : &r->closed_date) = day;
		/* a valid date of the normalised form's shape is that form */
		if (mq_date_shaped(s, n) && norm_in_cell(c, f, s, n))
			return 0;
		char out[11];
		mq_date_format(day, out);
		return set_norm(c, f, out, 10);
	}
	case MQ_T_INT: {
		long x = parse_int(s, n);
		if (x < d->min || x > d->max) {
			char zh[200];
			snprintf(zh, sizeof zh, "%s（%s）“%s”不是%d到%d的整数", FZH(f), FNAME(f), shown(s, n, q),
				 d->min, d->max);
			add_finding(c, MQ_E004, f, zh, "%s \"%s\" not an integer %d..%d", FNAME(f), q, d->min, d->max);
			return set_norm(c, f, s, n);
		}
		r->household_size = (int)x;
		if (x < 0) /* only with a negative minimum in the field table */
			return set_norm(c, f, num, (size_t)snprintf(num, sizeof num, "%ld", x));
		/* the digits without leading zeros; no printf for every record */
		char *end = num + sizeof num, *p = end;
		do
			*--p = (char)('0' + x % 10);
		while ((x /= 10));
		if ((size_t)(end - p) == n && memcmp(p, s, n) == 0 && norm_in_cell(c, f, s, n))
			return 0;
		return set_norm(c, f, p, (size_t)(end - p));
	}
	case MQ_T_DECIMAL:
		if (parse_decimal(s, n, num, sizeof num)) {
			char zh[200];
			snprintf(zh, sizeof zh, "%s（%s）“%s”不是不小于0的数", FZH(f), FNAME(f), shown(s, n, q));
			add_finding(c, MQ_E004, f, zh, "%s \"%s\" not a decimal >= 0", FNAME(f), q);
			return set_norm(c, f, s, n);
		}
		r->has_income = 1;
		return set_norm(c, f, num, strlen(num));
	case MQ_T_ENUM: {
		const struct enum_set *e = &field_enums[f];
		int idx = enum_index(e, s, n);
		if (idx < 0) {
			char zh[200];
			snprintf(zh, sizeof zh, "%s（%s）“%s”不在规定选项内", FZH(f), FNAME(f), shown(s, n, q));
			add_finding(c, MQ_E005, f, zh, "%s \"%s\" not in enumeration", FNAME(f), q);
			return set_norm(c, f, s, n);
		}
		*(f == MQ_F_HOUSEHOLD_TYPE ? &r->household_type : f == MQ_F_VISIT_MODE ? &r->visit_mode
			: f == MQ_F_STATUS ? &r->status : &r->satisfaction) = idx;
		if (!e->letters[idx] && norm_in_cell(c, f, s, n)) /* the same bytes */
			return 0;
		return set_norm(c, f, e->values[idx], e->len[idx]);
	}
	case MQ_T_ENUMLIST: {
		const char *bad = NULL;
		size_t badlen = 0;
		long bits = parse_topics(s, n, &bad, &badlen);
		if (bits < 0) {
			char zh[200];
			snprintf(zh, sizeof zh, "走访事项（topics）“%s”不在规定选项内", shown(bad, badlen, q));
			add_finding(c, MQ_E005, f, zh, "topic \"%s\" not in enumeration", q);
			return set_norm(c, f, s, n);
		}
		r->topics = (uint32_t)bits;
		struct mq_buf *b = &c->norm;
		c->norm_off[f] = b->len;
		int first = 1, rc = 0;
		for (int t = 0; t < MQ_TOPIC_N; t++)
			if (bits & (1L << t)) {
				rc |= (!first && mq_buf_addc(b, ';')) || mq_buf_adds(b, mq_topics[t]);
				first = 0;
			}
		c->norm_len[f] = b->len - c->norm_off[f];
		if (!rc && c->norm_len[f] == n && memcmp(b->data + c->norm_off[f], s, n) == 0) {
			size_t off = c->norm_off[f];
			if (norm_in_cell(c, f, s, n)) {
				b->len = off;
				return 0;
			}
		}
		return rc || mq_buf_addc(b, '\0');
	}
	case MQ_T_BOOL: {
		int x = parse_bool(s, n);
		if (x < 0) {
			char zh[200];
			snprintf(zh, sizeof zh, "%s（%s）“%s”不是“是/否”", FZH(f), FNAME(f), shown(s, n, q));
			add_finding(c, MQ_E005, f, zh, "%s \"%s\" not a boolean", FNAME(f), q);
			return set_norm(c, f, s, n);
		}
		r->is_signed = x;
		const char *norm = x ? "是" : "否";
		if (n == strlen(norm) && memcmp(s, norm, n) == 0 && norm_in_cell(c, f, s, n))
			return 0;
		return set_norm(c, f, norm, strlen(norm));
	}
	}
	return 0;
}

/* ---- the duplicate-id index ---- */

/* ---- the values of accepted records, compared on an id match ---- */

#define VALUES_BUF (1 << 20)
#define VALUES_WINDOW (1 << 16)

/* A record's normalised values as bytes: a mask of the fields present
 * (bit f), then each present field's text and a NUL, in field order. Equal
 * bytes, equal records, since accepted text never holds a NUL (no reader
 * lets one pass as valid text: E010). A clean record's norm is laid out
 * just so, behind NORM_HEAD bytes kept for the mask: the mask goes there
 * and norm is the key, not a copy of it (c->values is for any other
 * layout). When the caller compares the values itself (values_same), the
 * key is the mask alone. Sets c->values_data and c->values_len. */
static int values_key(struct check *c, const struct mq_record *r)
{
	uint32_t mask = 0;
	if (c->mask_only) { /* the caller compares the values (values_same) */
		for (int f = 0; f < MQ_NFIELDS; f++)
			mask |= (uint32_t)(r->text[f] != NULL) << f;
		mq_buf_reset(&c->values);
		if (mq_buf_add(&c->values, &mask, sizeof mask))
			return MQ_ERR_NOMEM;
		c->values_data = c->values.data;
		c->values_len = c->values.len;
		return 0;
	}
	size_t at = NORM_HEAD;
	int laid_out = c->norm.len >= NORM_HEAD;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		if (!r->text[f])
			continue;
		mask |= 1u << f;
		laid_out &= r->text[f] == c->norm.data + at;
		at += r->len[f] + 1;
	}
	if (laid_out && at == c->norm.len) {
		memcpy(c->norm.data, &mask, NORM_HEAD);
		c->values_data = c->norm.data;
		c->values_len = c->norm.len;
		return 0;
	}
	mq_buf_reset(&c->values);
	if (mq_buf_add(&c->values, &mask, sizeof mask))
		return MQ_ERR_NOMEM;
	for (int f = 0; f < MQ_NFIELDS; f++)
		if (r->text[f] && (mq_buf_add(&c->values, r->text[f], r->len[f]) || mq_buf_addc(&c->values, '\0')))
			return MQ_ERR_NOMEM;
	c->values_data = c->values.data;
	c->values_len = c->values.len;
	return 0;
}

/* Appends data to the values file (on values_bg's thread when there is one). */
static int values_write(void *ctx, const char *data, size_t len)
{
	struct values_file *f = ctx;
	if (mq_pwrite_all(f->fd, data, len, (long long)f->at))
		return MQ_ERR_IO;
	f->at += len;
	return 0;
}

static int values_flush(struct mq_validator *v)
{
	if (!v->values_buf.len)
		return 0;
	if (v->values_fd < 0) {
		const char *dir = getenv("TMPDIR");
		char path[4096];
		snprintf(path, sizeof path, "%s/mq_values.XXXXXX", dir && *dir ? dir : "/tmp");
		if ((v->values_fd = mkostemp(path, O_CLOEXEC)) < 0)
			return MQ_ERR_IO;
		unlink(path);
		v->values_file.fd = v->values_fd;
		v->values_bg = mq_bgwrite_new(values_write, &v->values_file);
	}
	v->values_written += v->values_buf.len;
	if (v->values_bg)
		return mq_bgwrite_put(v->values_bg, &v->values_buf) ? MQ_ERR_IO : 0;
	int rc = values_write(&v->values_file, v->values_buf.data, v->values_buf.len);
	mq_buf_reset(&v->values_buf);
	return rc;
}

/* len bytes at off of the values file (or of its tail in values_buf),
 * through the window values_b; NULL on an error */
static const char *values_get(struct mq_validator *v, uint64_t off, size_t len)
{
	if (off >= v->values_written) {
		size_t at = (size_t)(off - v->values_written);
		return at + len <= v->values_buf.len ? v->values_buf.data + at : NULL;
	}
	if (off + len > v->values_written && values_flush(v))
		return NULL;
	if (off >= v->values_b_at && off + len <= v->values_b_at + v->values_b.len)
		return v->values_b.data + (off - v->values_b_at);
	/* a new window: the records after off are read next */
	uint64_t want = len > VALUES_WINDOW ? len : VALUES_WINDOW;
	if (want > v->values_written - off)
		want = v->values_written - off;
	mq_buf_reset(&v->values_b);
	v->values_b_at = off;
	if (want < len || mq_buf_reserve(&v->values_b, (size_t)want))
		return NULL;
	/* what the writer thread has been handed must be in the file first */
	if (v->values_bg && mq_bgwrite_wait(v->values_bg))
		return NULL;
	for (size_t done = 0; done < want;) {
		ssize_t r = pread(v->values_fd, v->values_b.data + done, (size_t)want - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		done += (size_t)r;
	}
	v->values_b.len = (size_t)want;
	return v->values_b.data;
}

/* ---- the duplicate-id index ---- */


struct dup_key {
	const char *id;
	size_t len;
};

/* The hash of an id's group (idpages.h): of its bytes less the last two */
static uint64_t dup_group_hash(const struct check *c, const char *id, size_t len)
{
	return c->hash(id, len - 2, 11);
}

/* An id's hash in the table. An id with a group (tail >= 0, idpages.h)
 * lies its final two digits after its group's hash (group_hash: from the
 * id less two bytes): the ids of a group filed in the table before it got
 * a page lie within a hundred slots, which dup_promote reads in a few
 * cache lines, and the id's bytes are hashed once. */
static uint64_t dup_id_hash(const struct check *c, const char *id, size_t len, int tail, uint64_t group_hash)
{
	return tail < 0 ? c->hash(id, len, 7) : group_hash + (uint64_t)tail;
}

static const unsigned char *dup_entry(const struct mq_validator *v, uint32_t entry)
{
	return (const unsigned char *)v->blocks[entry >> 16] + (entry & 0xFFFF);
}

/* An entry is its id's length, in one byte (1 to 0x3F) or two (0x80 |
 * length >> 8, then length & 0xFF), then the id's bytes; its first byte is
 * never 0, and its bit 0x40 marks an id filed on its group's page, not in
 * the table. */
#define DUP_ON_PAGE 0x40

static size_t dup_head_size(size_t len) { return len && len < 0x40 ? 1 : 2; }

static const char *dup_id(const unsigned char *p, size_t *len)
{
	if (p[0] < 0x80) {
		*len = p[0] & 0x3F;
		return (const char *)p + 1;
	}
	*len = (size_t)(p[0] & 0x3F) << 8 | p[1];
	return (const char *)p + 2;
}

static uint64_t dup_hash(void *ctx, uint32_t entry)
{
	const struct mq_validator *v = ctx;
	size_t len;
	const char *id = dup_id(dup_entry(v, entry), &len);
	int tail = mq_idpages_tail(id, len);
	return dup_id_hash(&v->check, id, len, tail, tail < 0 ? 0 : dup_group_hash(&v->check, id, len));
}

static int dup_equal(void *ctx, uint32_t entry, const void *key)
{
	const struct dup_key *k = key;
	size_t len;
	const char *id = dup_id(dup_entry(ctx, entry), &len);
	return len == k->len && memcmp(id, k->id, len) == 0;
}

/* The entry of the accepted id (len bytes, c's hashes) or
 * MQ_HASHMAP_NONE. *slot: the id's slot on its group's page when the group
 * has one, else NULL and *pos the table's slot for dup_insert. The group
 * and the table both compare bytes, so a hash never decides. */
static uint32_t dup_find(const struct mq_validator *v, const struct check *c, const char *id, size_t len,
			 size_t *pos, uint32_t **slot)
{
	*slot = c->id_tail >= 0 ? mq_idpages_slot(v->id_pages, id, len, c->group_hash, c->id_tail) : NULL;
	if (*slot)
		return **slot - 1; /* 0 - 1: NONE */
	struct dup_key k = { id, len };
	return mq_hashmap_find(&v->dup, c->id_hash, &k, pos);
}

/* Doubles the table by walking the blocks in order (a byte 0 where an
 * entry could start: the rest of the granule is empty; blocks start
 * zeroed): the ids are read one after the other instead of one cache
 * miss each in the table's slot order, and no two ids are compared. The
 * ids on pages stay out. */
static int dup_grow(struct mq_validator *v)
{
	if (mq_hashmap_empty_to(&v->dup, v->dup.nslots * 2))
		return MQ_ERR_NOMEM;
	for (size_t b = 0; b < v->nblocks; b++) {
		const unsigned char *blk = (const unsigned char *)v->blocks[b];
		size_t end = b + 1 == v->nblocks ? v->used : DUP_BLOCK;
		for (size_t at = 0; at < end;) {
			if (!blk[at]) {
				at += DUP_GRANULE - at % DUP_GRANULE;
				continue;
			}
			size_t len;
			const char *id = dup_id(blk + at, &len);
			if (!(blk[at] & DUP_ON_PAGE))
				mq_hashmap_put_new(&v->dup, dup_hash(v, (uint32_t)(b << 16 | at)), (uint32_t)(b << 16 | at));
			at = (size_t)((const unsigned char *)id - blk) + len;
		}
	}
	return 0;
}

/* Gives the group of id (len bytes, group hash gh) a page holding every
 * id of the group filed so far: the hundred ids it can have are looked
 * up, their table slots and the ids in those loaded together first. The
 * table keeps them too: the group's lookups go to the page from now on. */
static void dup_promote(struct mq_validator *v, const char *id, size_t len, uint64_t gh)
{
	uint32_t *slots = mq_idpages_add(v->id_pages, id, len, gh);
	if (!slots)
		return; /* the table goes on filing the group */
	char key[DUP_MAX_ID];
	uint64_t h[MQ_IDPAGE];
	memcpy(key, id, len - 2);
	for (int t = 0; t < MQ_IDPAGE; t++) {
		mq_idpages_set_tail(key, len, t);
		h[t] = dup_id_hash(&v->check, key, len, t, gh);
		mq_hashmap_prefetch(&v->dup, h[t]);
	}
	for (int t = 0; t < MQ_IDPAGE; t++) {
		uint32_t e = mq_hashmap_home(&v->dup, h[t]);
		if (e != MQ_HASHMAP_NONE)
			__builtin_prefetch(dup_entry(v, e));
	}
	for (int t = 0; t < MQ_IDPAGE; t++) {
		mq_idpages_set_tail(key, len, t);
		struct dup_key k = { key, len };
		uint32_t e = mq_hashmap_find(&v->dup, h[t], &k, NULL);
		if (e != MQ_HASHMAP_NONE)
			mq_idpages_fill(v->id_pages, &slots[t], e + 1);
	}
}

/* Files an accepted id (c's hashes): its entry in the blocks, on its
 * group's page (slot, from dup_find) or in the table (pos), and its
 * values record (values: values_key) in the values file; when the caller
 * keeps the values, only the head, with the values' field mask. An id
 * filed in the table counts for its group, which gets a page when it
 * comes often (mq_idpages_count). */
static int dup_insert(struct mq_validator *v, const struct check *c, size_t pos, uint32_t *slot,
		      const char *id, size_t len, const char *values, size_t values_len,
		      const char *source, long line)
{
	size_t size = len + dup_head_size(len); /* never a first byte 0 */
	if (len > DUP_MAX_ID || values_len > UINT32_MAX - DUP_HEAD)
		return MQ_ERR_LIMIT;
	if (!slot && mq_hashmap_full(&v->dup)) {
		struct dup_key k = { id, len };
		if (dup_grow(v))
			return MQ_ERR_NOMEM;
		mq_hashmap_find(&v->dup, c->id_hash, &k, &pos);
	}
	size_t gap = DUP_GRANULE - v->used % DUP_GRANULE; /* room left in the granule */
	size_t at = v->used + (size > gap ? gap : 0);
	if (!v->nblocks || at + size > DUP_BLOCK) {
		if (v->nblocks == 0xFFFF ||
		    mq_grow((void **)&v->blocks, &v->ablocks, v->nblocks + 1, sizeof *v->blocks) ||
		    mq_grow((void **)&v->granules, &v->agranules, (v->nblocks + 1) * (DUP_BLOCK / DUP_GRANULE),
			    sizeof *v->granules) ||
		    !(v->blocks[v->nblocks] = calloc(1, DUP_BLOCK)))
			return MQ_ERR_NOMEM;
		v->nblocks++;
		at = 0;
	}
	uint32_t entry = (uint32_t)((v->nblocks - 1) << 16 | at);
	unsigned char *p = (unsigned char *)v->blocks[v->nblocks - 1] + at;
	unsigned char on_page = slot ? DUP_ON_PAGE : 0;
	if (dup_head_size(len) == 1) {
		*p++ = (unsigned char)(on_page | len);
	} else {
		*p++ = (unsigned char)(0x80 | on_page | len >> 8);
		*p++ = (unsigned char)len;
	}
	memcpy(p, id, len);
	/* the values record */
	/* the records of one input come one after the other */
	int32_t src = v->last_source;
	if (src < 0 || strcmp(source, mq_intern_str(v->sources, src)) != 0)
		src = v->last_source = mq_intern_id(v->sources, source, strlen(source));
	if (src < 0)
		return MQ_ERR_NOMEM;
	uint32_t head[2] = { (uint32_t)(DUP_HEAD + values_len), line > 0 && line < UINT32_MAX ? (uint32_t)line : 0 };
	uint16_t src16 = src < DUP_NO_SOURCE ? (uint16_t)src : DUP_NO_SOURCE;
	if (v->opts.values_same) {
		memcpy(&head[0], values, NORM_HEAD); /* values_key's field mask */
		values_len = 0;
	}
	if (v->values_buf.len + DUP_HEAD + values_len > VALUES_BUF && values_flush(v))
		return MQ_ERR_IO;
	if (at % DUP_GRANULE == 0) {
		struct granule *g = &v->granules[entry / DUP_GRANULE];
		g->values = v->values_written + v->values_buf.len;
		g->at = v->opts.values_at ? v->opts.values_at(v->opts.values_ctx) : 0;
	}
	if (mq_buf_add(&v->values_buf, head, sizeof head) || mq_buf_add(&v->values_buf, &src16, sizeof src16) ||
	    mq_buf_add(&v->values_buf, values, values_len))
		return MQ_ERR_NOMEM;
	if (slot)
		mq_idpages_fill(v->id_pages, slot, entry + 1);
	else if (mq_hashmap_insert(&v->dup, c->id_hash, pos, entry))
		return MQ_ERR_NOMEM;
	v->used = at + size;
	if (!slot && c->id_tail >= 0 && mq_idpages_count(v->id_pages, c->group_hash))
		dup_promote(v, id, len, c->group_hash);
	return 0;
}

/* What an entry's id was accepted with: where (*source, *line), and its
 * values (f->values, f->len, valid until the next read of the values
 * file) or, when the caller keeps them, their field mask and where the
 * caller finds them (f->at, f->skip). 0 or < 0 on an error. */
struct dup_found {
	const char *values, *source;
	size_t len;
	uint32_t line, mask;
	uint64_t at;
	unsigned skip;  /* entries of its granule before it */
};

static int dup_record(struct mq_validator *v, uint32_t entry, struct dup_found *f)
{
	const unsigned char *blk = (const unsigned char *)v->blocks[entry >> 16];
	size_t off = entry & 0xFFFF, at = off - off % DUP_GRANULE, idlen;
	const struct granule *g = &v->granules[entry / DUP_GRANULE];
	uint64_t voff = g->values;
	f->skip = 0;
	for (; at < off; at = (size_t)((const unsigned char *)dup_id(blk + at, &idlen) - blk) + idlen)
		f->skip++;
	if (v->opts.values_same) {
		voff += (uint64_t)f->skip * DUP_HEAD; /* heads only: one size */
	} else {
		/* the values records before it tell how far to skip */
		for (unsigned k = 0; k < f->skip; k++) {
			const char *h = values_get(v, voff, 4);
			uint32_t n;
			if (!h)
				return MQ_ERR_IO;
			memcpy(&n, h, 4);
			voff += n;
		}
	}
	const char *h = values_get(v, voff, DUP_HEAD);
	uint32_t head[2];
	uint16_t src;
	if (!h)
		return MQ_ERR_IO;
	memcpy(head, h, sizeof head);
	memcpy(&src, h + sizeof head, sizeof src);
	f->line = head[1];
	f->source = src == DUP_NO_SOURCE ? "?" : mq_intern_str(v->sources, src);
	f->at = g->at;
	if (v->opts.values_same) {
		f->mask = head[0];
		f->values = NULL;
		f->len = 0;
		return 0;
	}
	f->len = head[0] - DUP_HEAD;
	return (f->values = values_get(v, voff + DUP_HEAD, f->len)) ? 0 : MQ_ERR_IO;
}

/* 1 when the clean record in c has the values of the entry found, 0 when not, < 0 on an error */
static int dup_same(struct mq_validator *v, const struct check *c, const struct dup_found *f)
{
	if (!v->opts.values_same)
		return f->len == c->values_len && memcmp(f->values, c->values_data, f->len) == 0;
	uint32_t mask;
	memcpy(&mask, c->values_data, NORM_HEAD);
	return mask != f->mask ? 0 : v->opts.values_same(v->opts.values_ctx, f->at, f->skip, &c->rec);
}

/* ---- the record ---- */

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	if (x->code != y->code)
		return (int)x->code - (int)y->code;
	return x->field - y->field;
}

static int build_reject(struct mq_validator *v, struct mq_verdict *out)
{
	struct check *c = &v->check;
	qsort(c->findings, (size_t)c->nfindings, sizeof c->findings[0], cmp_finding);
	mq_buf_reset(&v->msg_en);
	mq_buf_reset(&v->msg_zh);
	int rc = mq_buf_adds(&v->msg_en, c->findings[0].en) | mq_buf_adds(&v->msg_zh, c->findings[0].zh);
	for (int i = 1; i < c->nfindings; i++) {
		const struct finding *f = &c->findings[i];
		rc |= mq_buf_printf(&v->msg_en, "%s%s %s", i == 1 ? "; also: " : "; ", mq_code_names[f->code], f->en);
		rc |= mq_buf_printf(&v->msg_zh, "%s%s %s", i == 1 ? "；另有：" : "；", mq_code_names[f->code], f->zh);
	}
	out->outcome = MQ_REJECTED;
	out->reject.code = c->findings[0].code;
	out->reject.field = c->findings[0].field;
	out->reject.message = v->msg_en.data;
	out->reject.message_zh = v->msg_zh.data;
	return rc ? MQ_ERR_NOMEM : 0;
}

static void add_warning(struct mq_validator *v, struct mq_verdict *out, enum mq_code code, int field,
			const char *zh, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add_warning(struct mq_validator *v, struct mq_verdict *out, enum mq_code code, int field,
			const char *zh, const char *fmt, ...)
{
	int i = out->nwarnings++;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->warn_en[i], sizeof v->warn_en[i], fmt, ap);
	va_end(ap);
	snprintf(v->warn_zh[i], sizeof v->warn_zh[i], "%s", zh);
	out->warnings[i] = (struct mq_finding){ code, field, v->warn_en[i], v->warn_zh[i] };
}

/* E013 (contract section 3): a spreadsheet shows a number of more than 11
 * digits as 1.30722E+17 and keeps only 15 significant digits: an id in
 * that form has lost its digits for good. */
static int scientific_notation(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits || i == n || (s[i] != 'E' && s[i] != 'e'))
		return 0;
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	return i < n && mq_all_digits(s + i, n - i);
}

static void check_spreadsheet_ids(struct check *c)
{
	static const int ids[] = { MQ_F_RECORD_ID, MQ_F_HOUSEHOLD_ID, MQ_F_CADRE_ID };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		int f = ids[i];
		const char *s = norm_text(c, f);
		if (!s || !scientific_notation(s, c->norm_len[f]))
			continue;
		char zh[256];
		snprintf(zh, sizeof zh, "%s（%s）“%.40s”已被电子表格改成科学计数法，原编号的数字已丢失；"
			 "请把该列设置单元格格式为“文本”后重新输入编号", FZH(f), FNAME(f), s);
		add_finding(c, MQ_E013, f, zh,
			    "%s \"%.40s\" was turned into scientific notation by a spreadsheet and has lost its digits: "
			    "format the column as Text and type the ids again", FNAME(f), s);
	}
}

static void check_cross_field(struct check *c, struct mq_record *r, const char *const *present)
{
	check_spreadsheet_ids(c);
	const mq_day as_of = c->as_of;
	/* E012: what a demand or a closed status needs */
	if (present[MQ_F_DEMAND]) {
		if (!present[MQ_F_DUE_DATE])
			add_finding(c, MQ_E012, MQ_F_DUE_DATE, "有群众诉求但缺少办结时限（due_date）", "demand without due_date");
		if (!present[MQ_F_STATUS])
			add_finding(c, MQ_E012, MQ_F_STATUS, "有群众诉求但缺少办理状态（status）", "demand without status");
	}
	if (r->status == MQ_ST_CLOSED && !present[MQ_F_CLOSED_DATE])
		add_finding(c, MQ_E012, MQ_F_CLOSED_DATE, "办理状态为已办结但缺少办结日期（closed_date）",
			    "已办结 without closed_date");
	/* E007 and E008: date order and range */
	if (r->visit_date != MQ_NO_DAY) {
		if (r->due_date != MQ_NO_DAY && r->due_date < r->visit_date)
			add_finding(c, MQ_E007, MQ_F_DUE_DATE, "办结时限（due_date）早于走访日期", "due_date before visit_date");
		if (r->closed_date != MQ_NO_DAY && r->closed_date < r->visit_date)
			add_finding(c, MQ_E007, MQ_F_CLOSED_DATE, "办结日期（closed_date）早于走访日期",
				    "closed_date before visit_date");
		if (r->visit_date < c->min_day || r->visit_date > as_of)
			add_finding(c, MQ_E008, MQ_F_VISIT_DATE, "走访日期（visit_date）不在2013-01-01至运行日期之间",
				    "visit_date outside 2013-01-01..run date");
	}
	if (r->closed_date != MQ_NO_DAY && r->closed_date > as_of)
		add_finding(c, MQ_E007, MQ_F_CLOSED_DATE, "办结日期（closed_date）晚于运行日期", "closed_date after the run date");
	/* W001 (told when accepted): the roster */
	const char *cadre = norm_text(c, MQ_F_CADRE_ID);
	c->not_in_roster = c->ref && c->ref->has_roster && cadre && !(r->cadre_ref = mq_ref_cadre(c->ref, cadre));
	r->cadre_exact = r->cadre_ref != NULL; /* found by the record's own text */
	/* E009: the registry */
	const char *t = norm_text(c, MQ_F_TOWNSHIP), *vil = norm_text(c, MQ_F_VILLAGE);
	if (c->ref && c->ref->has_registry && t && vil &&
	    !(r->village_ref = mq_ref_village_near(c->ref, r->cadre_ref, t, vil))) {
		char zh[320];
		snprintf(zh, sizeof zh, "%s/%s 不在村庄名册中", t, vil);
		add_finding(c, MQ_E009, MQ_F_VILLAGE, zh, "%s/%s not in the registry", t, vil);
	}
	r->village_exact = r->village_ref && !strchr(t, 0x1F) && !strchr(vil, 0x1F);
}

/* Every check of one record that needs nothing but the record, the run
 * date and the reference data: fills c's findings, the normalised record
 * (c->rec, its text in c->norm) and, when it has no finding, the hashes
 * of its id and household. */
static int check_record(struct check *c, const struct mq_raw_record *raw)
{
	struct mq_record *r = &c->rec;
	c->nfindings = 0;
	mq_buf_reset(&c->norm);
	if (mq_buf_add(&c->norm, "\0\0\0", NORM_HEAD))
		return MQ_ERR_NOMEM;
	*r = (struct mq_record){ .source = raw->source, .line = raw->line, .visit_date = MQ_NO_DAY,
				 .due_date = MQ_NO_DAY, .closed_date = MQ_NO_DAY, .household_type = -1,
				 .visit_mode = -1, .status = -1, .satisfaction = -1, .plain = raw->plain };
	c->plain = raw->plain;
	if (raw->structural) {
		add_finding(c, MQ_E001, -1, raw->structural_zh ? raw->structural_zh : raw->structural,
			    "%s", raw->structural);
		return 0;
	}
	const char *present[MQ_NFIELDS] = { 0 };
	for (int f = 0; f < MQ_NFIELDS; f++) {
		c->norm_off[f] = (size_t)-1;
		const char *s;
		size_t n = raw->value[f] ? mq_trim(raw->value[f], raw->len[f], &s) : 0;
		if (raw->value[f] && raw->bad_text[f]) {
			char zh[160];
			snprintf(zh, sizeof zh, "%s（%s）含有不是有效文字的字节", FZH(f), FNAME(f));
			add_finding(c, MQ_E010, f, zh, "bytes that are not valid text in %s", FNAME(f));
			present[f] = "";
			continue;
		}
		if (!n) {
			if (mq_fields[f].required == MQ_REQUIRED) {
				char zh[160];
				snprintf(zh, sizeof zh, "%s（%s）缺失", FZH(f), FNAME(f));
				add_finding(c, MQ_E002, f, zh, "%s is missing", FNAME(f));
			}
			continue;
		}
		present[f] = s;
		if (check_field(c, f, s, n, r))
			return MQ_ERR_NOMEM;
	}
	check_cross_field(c, r, present);
	for (int f = 0; f < MQ_NFIELDS; f++) {
		r->text[f] = norm_text(c, f);
		r->len[f] = r->text[f] ? c->norm_len[f] : 0;
	}
	if (c->reread)
		return 0;
	/* a rejected record's id is still looked up (E006 joins its findings) */
	c->id_tail = -1;
	if (r->text[MQ_F_RECORD_ID]) { /* the index keys ids as C strings */
		const char *id = r->text[MQ_F_RECORD_ID];
		size_t n = strlen(id);
		if ((c->id_tail = mq_idpages_tail(id, n)) >= 0)
			c->group_hash = dup_group_hash(c, id, n);
		c->id_hash = dup_id_hash(c, id, n, c->id_tail, c->group_hash);
	}
	if (c->nfindings)
		return 0;
	c->hh_tail = -1;
	if (r->text[MQ_F_HOUSEHOLD_ID]) { /* required: always there when no finding */
		const char *hh = r->text[MQ_F_HOUSEHOLD_ID];
		size_t n = r->len[MQ_F_HOUSEHOLD_ID];
		if (n <= HH_MAX_PAGED && (c->hh_tail = mq_idpages_tail(hh, n)) >= 0)
			c->hh_hash = mq_hash(hh, n - 2, 13);
		else
			c->hh_hash = mq_intern_hash(hh, n);
	}
	return values_key(c, r) ? MQ_ERR_NOMEM : 0;
}

/* ---- checking ahead ---- */

struct mq_preparer {
	struct check check;
};

struct mq_preparer *mq_preparer_new(const struct mq_validate_opts *opts)
{
	struct mq_preparer *p = calloc(1, sizeof *p);
	if (p)
		check_init(&p->check, opts);
	return p;
}

void mq_preparer_free(struct mq_preparer *p)
{
	if (p)
		check_free(&p->check);
	free(p);
}

int mq_validate_prepare(const struct mq_raw_record *raw, int spare, struct mq_buf *out, void *preparer)
{
	(void)spare;
	struct check *c = &((struct mq_preparer *)preparer)->check;
	if (check_record(c, raw))
		return MQ_ERR_NOMEM;
	/* the values key is norm itself, or comes after it */
	int apart = c->nfindings == 0 && !c->reread && c->values_data != c->norm.data;
	size_t values_len = c->reread ? 0 : c->values_len;
	struct prepared head = { .clean = c->nfindings == 0 && c->norm.len + values_len < OFF_IN_CELL };
	if (head.clean) {
		head.id_hash = c->id_hash;
		head.hh_hash = c->hh_hash;
		head.group_hash = c->group_hash;
		head.id_tail = c->id_tail;
		head.hh_tail = c->hh_tail;
		head.rec = c->rec;
		for (int f = 0; f < MQ_NFIELDS; f++)
			head.off[f] = !c->rec.text[f] ? UINT32_MAX
				      : c->norm_off[f] == NORM_IN_CELL ? OFF_IN_CELL | (uint32_t)(c->in_cell[f] - raw->value[f])
				      : (uint32_t)c->norm_off[f];
		head.values_off = apart ? (uint32_t)c->norm.len : 0;
		head.values_len = (uint32_t)values_len;
		head.not_in_roster = c->not_in_roster;
	}
	if (mq_buf_add(out, &head, offsetof(struct prepared, text)))
		return MQ_ERR_NOMEM;
	if (head.clean && (mq_buf_add(out, c->norm.data, c->norm.len) ||
			   (apart && mq_buf_add(out, c->values_data, values_len))))
		return MQ_ERR_NOMEM;
	return 0;
}

const struct mq_record *mq_preparer_record(const struct mq_preparer *p)
{
	return p->check.nfindings == 0 ? &p->check.rec : NULL;
}

/* Takes a clean prepared record into c as if check_record had run; 0 when
 * the record must be checked here (it has findings). */
static int take_prepared(struct check *c, const struct prepared *pr, const struct mq_raw_record *raw)
{
	if (!pr->clean)
		return 0;
	struct mq_record *r = &c->rec;
	*r = pr->rec;
	r->source = raw->source;
	r->line = raw->line;
	for (int f = 0; f < MQ_NFIELDS; f++)
		r->text[f] = pr->off[f] == UINT32_MAX ? NULL
			     : pr->off[f] & OFF_IN_CELL ? raw->value[f] + (pr->off[f] & ~OFF_IN_CELL)
			     : pr->text + pr->off[f];
	c->nfindings = 0;
	c->id_hash = pr->id_hash;
	c->hh_hash = pr->hh_hash;
	c->group_hash = pr->group_hash;
	c->id_tail = pr->id_tail;
	c->hh_tail = pr->hh_tail;
	c->values_data = pr->text + pr->values_off;
	c->values_len = pr->values_len;
	c->not_in_roster = pr->not_in_roster;
	return 1;
}

void mq_validate_ahead(struct mq_validator *v, const void *prepared)
{
	const struct prepared *pr = prepared;
	if (!pr->clean || v->opts.reread)
		return;
	/* the ids' slots on their groups' pages (found by their hashes: a
	 * guess, enough for a hint), else the id's home slot in the table and
	 * the household's in the interning's */
	uint32_t *slot = pr->id_tail >= 0 ? mq_idpages_guess(v->id_pages, pr->group_hash, pr->id_tail) : NULL;
	uint32_t *hh_slot = pr->hh_tail >= 0 ? mq_idpages_guess(v->hh_pages, pr->hh_hash, pr->hh_tail) : NULL;
	if (slot)
		__builtin_prefetch(slot);
	else
		mq_hashmap_prefetch(&v->dup, pr->id_hash);
	int interned = pr->hh_tail < 0;
	if (hh_slot)
		__builtin_prefetch(hh_slot);
	else if (interned)
		mq_intern_prefetch(v->households, pr->hh_hash, 0);
	/* the household's string pointer and string, once what leads to
	 * them (asked for three records before) has arrived */
	unsigned n = v->nahead++;
	if (n >= 3) {
		if (v->ahead_interned[(n - 3) % 8])
			mq_intern_prefetch(v->households, v->ahead_hh[(n - 3) % 8], 1);
		/* the id in the duplicate table's home slot, compared first */
		uint32_t e = v->ahead_slot[(n - 3) % 8] ? MQ_HASHMAP_NONE
			     : mq_hashmap_home(&v->dup, v->ahead_id[(n - 3) % 8]);
		if (e != MQ_HASHMAP_NONE)
			__builtin_prefetch(dup_entry(v, e));
		/* the household's first village, by the number on its page */
		const uint32_t *hs = v->ahead_hh_slot[(n - 3) % 8];
		if (hs && *hs && *hs - 1 < v->ahv)
			__builtin_prefetch(&v->household_village[*hs - 1]);
	}
	if (n >= 6 && v->ahead_interned[(n - 6) % 8])
		mq_intern_prefetch(v->households, v->ahead_hh[(n - 6) % 8], 2);
	v->ahead_hh[n % 8] = pr->hh_hash;
	v->ahead_interned[n % 8] = (unsigned char)interned;
	v->ahead_id[n % 8] = pr->id_hash;
	v->ahead_slot[n % 8] = slot;
	v->ahead_hh_slot[n % 8] = hh_slot;
}

/* ---- the record against the records before it ---- */

/* The number of the household id s (n bytes, c's hashes), or < 0 when
 * out of memory: from its group's page when the group has one, else
 * interned; a group that comes often gets a page, with the numbers of its
 * households interned so far. */
static int32_t household_number(struct mq_validator *v, const struct check *c, const char *s, size_t n)
{
	if (c->hh_tail < 0)
		return mq_intern_id_h(v->households, s, n, c->hh_hash);
	uint32_t *slot = mq_idpages_slot(v->hh_pages, s, n, c->hh_hash, c->hh_tail);
	if (slot && *slot)
		return (int32_t)(*slot - 1);
	/* with a page: new (the page has every one interned before it) */
	int32_t hh = mq_intern_id(v->households, s, n);
	if (hh < 0)
		return hh;
	if (slot) {
		mq_idpages_fill(v->hh_pages, slot, (uint32_t)hh + 1);
		return hh;
	}
	uint32_t *page = mq_idpages_count(v->hh_pages, c->hh_hash) ? mq_idpages_add(v->hh_pages, s, n, c->hh_hash) : NULL;
	if (!page)
		return hh;
	char key[HH_MAX_PAGED];
	memcpy(key, s, n - 2);
	for (int t = 0; t < MQ_IDPAGE; t++) {
		mq_idpages_set_tail(key, n, t);
		int32_t known = mq_intern_find(v->households, key, n);
		if (known >= 0)
			mq_idpages_fill(v->hh_pages, &page[t], (uint32_t)known + 1);
	}
	return hh;
}

/* The number of an accepted record's "township/village" (villages), or
 * < 0 when out of memory. A village found in the registry under the
 * record's names byte for byte keeps its number by registry row, so the
 * key is built and looked up once per village instead of per record. */
static int32_t village_number(struct mq_validator *v, const struct mq_record *r)
{
	const struct mq_reference *ref = v->opts.ref;
	const struct mq_village_ref *vr = r->village_ref;
	size_t row = vr && ref && vr >= ref->villages && vr < ref->villages + ref->nvillages
		     ? (size_t)(vr - ref->villages) : SIZE_MAX;
	if (row != SIZE_MAX) {
		if (!v->village_of_ref) {
			if (!(v->village_of_ref = malloc(ref->nvillages * sizeof *v->village_of_ref)))
				return MQ_ERR_NOMEM;
			memset(v->village_of_ref, 0xFF, ref->nvillages * sizeof *v->village_of_ref); /* -1 */
		}
		if (v->village_of_ref[row] >= 0 &&
		    (r->village_exact || (strcmp(vr->township, r->text[MQ_F_TOWNSHIP]) == 0 &&
					  strcmp(vr->village, r->text[MQ_F_VILLAGE]) == 0)))
			return v->village_of_ref[row];
	}
	struct mq_buf *key = &v->msg_en; /* free scratch on an accepted record */
	mq_buf_reset(key);
	if (mq_buf_add(key, r->text[MQ_F_TOWNSHIP], r->len[MQ_F_TOWNSHIP]) || mq_buf_addc(key, '/') ||
	    mq_buf_add(key, r->text[MQ_F_VILLAGE], r->len[MQ_F_VILLAGE]))
		return MQ_ERR_NOMEM;
	int32_t id = mq_intern_id(v->villages, key->data, key->len);
	if (row != SIZE_MAX && id >= 0 && strcmp(vr->township, r->text[MQ_F_TOWNSHIP]) == 0 &&
	    strcmp(vr->village, r->text[MQ_F_VILLAGE]) == 0)
		v->village_of_ref[row] = id;
	return id;
}

int mq_validate_record(struct mq_validator *v, const struct mq_raw_record *raw,
		       struct mq_verdict *out)
{
	struct check *c = &v->check;
	/* each outcome sets what it says (validate.h), the rest is not read */
	out->outcome = MQ_REJECTED;
	out->nwarnings = 0;
	if (!raw->prepared || !take_prepared(c, raw->prepared, raw))
		if (check_record(c, raw))
			return MQ_ERR_NOMEM;
	struct mq_record *r = &c->rec;

	/* E006 / W006: the id against the ids accepted before (the index
	 * keys ids as C strings) */
	const char *id = r->text[MQ_F_RECORD_ID];
	int indexed = id && !v->opts.reread;
	size_t idlen = indexed ? strlen(id) : 0, pos = 0;
	uint32_t *slot = NULL;
	uint32_t entry = indexed ? dup_find(v, c, id, idlen, &pos, &slot) : MQ_HASHMAP_NONE;
	if (entry != MQ_HASHMAP_NONE) {
		struct dup_found found = { 0 };
		int rc = dup_record(v, entry, &found), same = 0;
		if (rc || (c->nfindings == 0 && (same = dup_same(v, c, &found)) < 0))
			return rc ? rc : same;
		const char *source = found.source;
		uint32_t line = found.line;
		if (same) {
			snprintf(v->drop_en, sizeof v->drop_en,
				 "duplicate of the record accepted at %s line %u: dropped", source, line);
			snprintf(v->drop_zh, sizeof v->drop_zh, "与 %s 第%u行已接受的记录完全相同，已舍弃", source, line);
			out->outcome = MQ_DROPPED;
			out->dropped = (struct mq_finding){ MQ_W006, MQ_F_RECORD_ID, v->drop_en, v->drop_zh };
			return 0;
		}
		char zh[256];
		snprintf(zh, sizeof zh, "记录编号 %.64s 已被 %s 第%u行内容不同的记录使用", id, source, line);
		add_finding(c, MQ_E006, MQ_F_RECORD_ID, zh,
			    "record_id %.64s already accepted (%s line %u) with different content", id, source, line);
	}
	if (c->nfindings)
		return build_reject(v, out);

	/* accepted: claim the id, then the warnings */
	if (indexed && entry == MQ_HASHMAP_NONE) {
		int rc = dup_insert(v, c, pos, slot, id, idlen, c->values_data, c->values_len, raw->source, raw->line);
		if (rc)
			return rc;
	}
	out->record = *r;
	r = &out->record;
	if (v->opts.reread) {
		out->outcome = MQ_ACCEPTED;
		return 0;
	}
	const char *cadre = r->text[MQ_F_CADRE_ID];
	if (c->not_in_roster) {
		char zh[160];
		snprintf(zh, sizeof zh, "干部 %.64s 不在干部花名册中", cadre);
		add_warning(v, out, MQ_W001, MQ_F_CADRE_ID, zh, "cadre %.64s not in the roster", cadre);
	}
	int32_t village = village_number(v, r);
	int32_t hh = household_number(v, c, r->text[MQ_F_HOUSEHOLD_ID], r->len[MQ_F_HOUSEHOLD_ID]);
	if (village < 0 || hh < 0)
		return MQ_ERR_NOMEM;
	size_t old = v->ahv;
	if (mq_grow((void **)&v->household_village, &v->ahv, (size_t)hh + 1, sizeof *v->household_village))
		return MQ_ERR_NOMEM;
	for (size_t i = old; i < v->ahv; i++)
		v->household_village[i] = -1; /* no village seen yet */
	r->household_set = v->household_set;
	r->household_no = hh;
	if (v->household_village[hh] < 0) {
		v->household_village[hh] = village;
	} else if (v->household_village[hh] != village) {
		const char *first = mq_intern_str(v->villages, v->household_village[hh]);
		char zh[320];
		snprintf(zh, sizeof zh, "户 %.64s 也在 %s", r->text[MQ_F_HOUSEHOLD_ID], first);
		add_warning(v, out, MQ_W002, MQ_F_HOUSEHOLD_ID, zh, "household %.64s also in %s",
			    r->text[MQ_F_HOUSEHOLD_ID], first);
	}
	out->outcome = MQ_ACCEPTED;
	return 0;
}

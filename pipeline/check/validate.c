/* validate.c — the rules of contract section 3, one record at a time.
 *
 * Every field is normalised by its type from the field table; each problem
 * becomes a finding; the findings are ordered by code (then field) and the
 * first one files the reject, the rest go into its message. The duplicate-id
 * index keeps, per accepted record id, a hash of its normalised content,
 * where it was accepted and where its values lie in a temporary file: a
 * record with the same id and hash is a duplicate (W006) only when its
 * values are equal, so a hash collision never drops a record. The
 * household index keeps each household's first village (W002). */
#include "minqing/check/validate.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/intern.h"
#include "minqing/core/utf8.h"
#include "minqing/core/date.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

struct finding {
	enum mq_code code;
	int field;
	char en[256], zh[256];
};

/* An accepted record id: where it was accepted and what it held. */
struct dup_entry {
	uint64_t content;
	uint64_t id_off;   /* offset of the NUL-terminated id in ids */
	uint64_t values_off; /* its values in the values file (values_key) */
	uint32_t values_len;
	uint32_t line;
	uint16_t source;
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
	struct mq_buf norm;          /* normalised values, NUL-separated */
	size_t norm_off[MQ_NFIELDS], norm_len[MQ_NFIELDS];
	struct mq_record rec;        /* parsed values; text set at the end */
	uint64_t id_hash, hh_hash, content;
};

struct mq_validator {
	struct mq_validate_opts opts;
	/* duplicate-id index */
	uint64_t *slots;   /* id hash's high half << 32 | entry index + 1; 0 = empty */
	size_t nslots;     /* a power of two, at most 2^32 */
	unsigned shift;    /* 64 - log2(nslots): an id's home slot is its hash >> shift */
	struct dup_entry *entries;
	size_t nentries, aentries;
	struct mq_buf ids;
	struct mq_intern *sources;
	/* the values of the accepted records with an id: an unlinked temporary
	 * file, the last bytes still in values_buf */
	int values_fd;
	uint64_t values_written;
	struct mq_buf values_buf, values_a, values_b;
	/* households: id -> first accepted village */
	struct mq_intern *households;
	int32_t *household_village;
	size_t ahv;
	struct mq_intern *villages;  /* "township/village" */
	struct check check;          /* the record being validated */
	uint64_t ahead_hh[8];        /* household hashes seen by mq_validate_ahead, a ring */
	unsigned nahead;
	struct mq_buf msg_en, msg_zh;
	char warn_en[MQ_MAX_WARNINGS][256], warn_zh[MQ_MAX_WARNINGS][256];
	char drop_en[256], drop_zh[256];
};

/* What mq_validate_prepare leaves for mq_validate_record: a record with no
 * finding of its own, its normalised text in text[] (off[], absent:
 * UINT32_MAX) and what check_record computed from it. Copied into a
 * reader's batch, so rec's pointers are rebuilt from off[] on the way out. */
struct prepared {
	uint64_t clean;              /* 0: the record has findings, check it again */
	uint64_t id_hash, hh_hash, content;   /* first: mq_validate_ahead reads one cache line */
	struct mq_record rec;        /* parsed values and lengths */
	uint32_t off[MQ_NFIELDS];
	char text[];
};

static void check_init(struct check *c, const struct mq_validate_opts *opts)
{
	c->as_of = opts->as_of;
	c->ref = opts->ref;
	c->reread = opts->reread;
	c->hash = opts->content_hash ? opts->content_hash : mq_hash;
	c->min_day = mq_day_from_ymd(2013, 1, 1);
}

struct mq_validator *mq_validator_new(const struct mq_validate_opts *opts)
{
	struct mq_validator *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->opts = *opts;
	v->values_fd = -1;
	check_init(&v->check, opts);
	v->nslots = 1024;
	v->shift = 64 - 10;
	v->slots = calloc(v->nslots, sizeof *v->slots);
	v->sources = mq_intern_new();
	v->households = mq_intern_new();
	v->villages = mq_intern_new();
	if (!v->slots || !v->sources || !v->households || !v->villages) {
		mq_validator_free(v);
		return NULL;
	}
	return v;
}

void mq_validator_free(struct mq_validator *v)
{
	if (!v)
		return;
	free(v->slots);
	free(v->entries);
	mq_buf_free(&v->ids);
	if (v->values_fd >= 0)
		close(v->values_fd);
	mq_buf_free(&v->values_buf);
	mq_buf_free(&v->values_a);
	mq_buf_free(&v->values_b);
	mq_intern_free(v->sources);
	mq_intern_free(v->households);
	free(v->household_village);
	mq_intern_free(v->villages);
	mq_buf_free(&v->check.norm);
	mq_buf_free(&v->msg_en);
	mq_buf_free(&v->msg_zh);
	free(v);
}

size_t mq_validator_index_bytes(const struct mq_validator *v)
{
	return v->nslots * sizeof *v->slots + v->aentries * sizeof *v->entries + v->ids.alloc;
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
	return c->norm_off[f] == (size_t)-1 ? NULL : c->norm.data + c->norm_off[f];
}

static int set_norm(struct check *c, int f, const char *s, size_t n)
{
	c->norm_off[f] = c->norm.len;
	c->norm_len[f] = n;
	return mq_buf_add(&c->norm, s, n) || mq_buf_addc(&c->norm, '\0');
}

static int enum_index(const char *const *values, const char *s, size_t n)
{
	/* bytes equal ignoring ASCII case are equal after | 0x20: a cheap
	 * first-byte filter before the real comparison */
	unsigned first = n ? ((unsigned char)s[0] | 0x20u) : 0;
	for (int i = 0; values[i]; i++)
		if (((unsigned char)values[i][0] | 0x20u) == first && strlen(values[i]) == n &&
		    strncasecmp(values[i], s, n) == 0)
			return i;
	return -1;
}

static int parse_bool(const char *s, size_t n)
{
	static const char *const yes[] = { "是", "y", "yes", "true", "1", NULL };
	static const char *const no[] = { "否", "n", "no", "false", "0", NULL };
	if (enum_index(yes, s, n) >= 0)
		return 1;
	if (enum_index(no, s, n) >= 0)
		return 0;
	return -1;
}

/* Integer of plain digits; -1 when not one. */
static long parse_int(const char *s, size_t n)
{
	if (n == 0 || n > 9)
		return -1;
	long x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	return x;
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
				int idx = enum_index(mq_topics, t, tl);
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
		return set_norm(c, f, s, n);
	case MQ_T_DATE: {
		mq_day day;
		if (mq_date_parse(s, n, &day)) {
			char zh[200];
			snprintf(zh, sizeof zh, "%s（%s）“%s”不是有效日期", FZH(f), FNAME(f), shown(s, n, q));
			add_finding(c, MQ_E003, f, zh, "%s \"%s\" is not a valid date", FNAME(f), q);
			return set_norm(c, f, s, n);
		}
		*(f == MQ_F_VISIT_DATE ? &r->visit_date : f == MQ_F_DUE_DATE ? &r->due_date : &r->closed_date) = day;
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
		int k = snprintf(num, sizeof num, "%ld", x);
		return set_norm(c, f, num, (size_t)k);
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
		int idx = enum_index(d->values, s, n);
		if (idx < 0) {
			char zh[200];
			snprintf(zh, sizeof zh, "%s（%s）“%s”不在规定选项内", FZH(f), FNAME(f), shown(s, n, q));
			add_finding(c, MQ_E005, f, zh, "%s \"%s\" not in enumeration", FNAME(f), q);
			return set_norm(c, f, s, n);
		}
		*(f == MQ_F_HOUSEHOLD_TYPE ? &r->household_type : f == MQ_F_VISIT_MODE ? &r->visit_mode
			: f == MQ_F_STATUS ? &r->status : &r->satisfaction) = idx;
		return set_norm(c, f, d->values[idx], strlen(d->values[idx]));
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
		return set_norm(c, f, x ? "是" : "否", strlen("是"));
	}
	}
	return 0;
}

/* ---- the duplicate-id index ---- */

/* The normalised values lie in v->norm in field order, each with its NUL;
 * they are hashed in one pass, then every field's length (absent: all
 * ones), so values that differ only in where one field ends (or in NULs)
 * hash apart. Equal hashes only make two records candidates: the
 * duplicate rule then compares their values (below), so a collision can
 * never drop a record. */
static uint64_t content_hash(const struct check *c)
{
	uint64_t len[MQ_NFIELDS];
	for (int f = 0; f < MQ_NFIELDS; f++)
		len[f] = c->norm_off[f] == (size_t)-1 ? UINT64_MAX : c->norm_len[f];
	return c->hash(len, sizeof len, c->hash(c->norm.data ? c->norm.data : "", c->norm.len, 0));
}

/* ---- the values of accepted records, compared on a hash match ---- */

#define VALUES_BUF (1 << 20)

/* A record's normalised values as bytes: per field its length (absent:
 * all ones) and its text. Equal bytes, equal records. */
static int values_key(const struct mq_record *r, struct mq_buf *out)
{
	mq_buf_reset(out);
	for (int f = 0; f < MQ_NFIELDS; f++) {
		uint32_t n = r->text[f] ? (uint32_t)r->len[f] : UINT32_MAX;
		if (mq_buf_add(out, &n, sizeof n) || (r->text[f] && mq_buf_add(out, r->text[f], r->len[f])))
			return MQ_ERR_NOMEM;
	}
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
	}
	for (size_t done = 0; done < v->values_buf.len;) {
		ssize_t w = pwrite(v->values_fd, v->values_buf.data + done, v->values_buf.len - done,
				   (off_t)(v->values_written + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return MQ_ERR_IO;
		done += (size_t)w;
	}
	v->values_written += v->values_buf.len;
	mq_buf_reset(&v->values_buf);
	return 0;
}

/* Appends key to the values file; sets where it lies. */
static int values_put(struct mq_validator *v, const struct mq_buf *key, struct dup_entry *e)
{
	if (v->values_buf.len + key->len > VALUES_BUF && values_flush(v))
		return MQ_ERR_IO;
	e->values_off = v->values_written + v->values_buf.len;
	e->values_len = (uint32_t)key->len;
	return mq_buf_add(&v->values_buf, key->data, key->len);
}

/* 1 when the entry's values are key, 0 when not, < 0 on an error */
static int values_equal(struct mq_validator *v, const struct dup_entry *e, const struct mq_buf *key)
{
	if (e->values_len != key->len)
		return 0;
	if (e->values_off >= v->values_written)
		return memcmp(v->values_buf.data + (e->values_off - v->values_written), key->data, key->len) == 0;
	if (e->values_off + e->values_len > v->values_written && values_flush(v))
		return MQ_ERR_IO;
	mq_buf_reset(&v->values_b);
	if (mq_buf_reserve(&v->values_b, e->values_len))
		return MQ_ERR_NOMEM;
	for (size_t done = 0; done < e->values_len;) {
		ssize_t r = pread(v->values_fd, v->values_b.data + done, e->values_len - done, (off_t)(e->values_off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return MQ_ERR_IO;
		done += (size_t)r;
	}
	return memcmp(v->values_b.data, key->data, key->len) == 0;
}

#define SLOT_ENTRY(x) ((uint32_t)(x))
#define SLOT_TAG(h) ((h) & 0xFFFFFFFF00000000ULL)

/* The slot of id: its own, or the empty one where it would go. The tag
 * (the hash's high half) spares most string comparisons; the home slot
 * comes from the hash's top bits, so the tag alone finds it again when the
 * table grows, without touching the ids. */
static uint64_t *dup_slot(struct mq_validator *v, const char *id, size_t len, uint64_t h)
{
	size_t mask = v->nslots - 1, i = (size_t)(h >> v->shift);
	for (;; i = (i + 1) & mask) {
		uint64_t x = v->slots[i];
		if (!x)
			return &v->slots[i];
		if (SLOT_TAG(x) != SLOT_TAG(h))
			continue;
		const char *other = v->ids.data + v->entries[SLOT_ENTRY(x) - 1].id_off;
		if (strncmp(other, id, len) == 0 && other[len] == '\0')
			return &v->slots[i];
	}
}

/* Doubles the table. Taken in slot order, the entries go to the new table
 * in nearly ascending order too (home 2i or 2i + 1): a streaming pass. */
static int dup_grow(struct mq_validator *v)
{
	size_t n = v->nslots * 2, mask = n - 1;
	if (v->shift == 32)
		return -1;
	uint64_t *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	unsigned shift = v->shift - 1;
	for (size_t k = 0; k < v->nslots; k++) {
		uint64_t x = v->slots[k];
		if (!x)
			continue;
		size_t i = (size_t)(SLOT_TAG(x) >> shift);
		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = x;
	}
	free(v->slots);
	v->slots = slots;
	v->nslots = n;
	v->shift = shift;
	return 0;
}

static int dup_insert(struct mq_validator *v, uint64_t *slot, uint64_t h, const char *id, size_t len,
		      uint64_t content, const struct mq_buf *values, const char *source, long line)
{
	if (v->nentries == v->aentries) {
		size_t n = v->aentries ? v->aentries * 2 : 1024;
		struct dup_entry *p = realloc(v->entries, n * sizeof *p);
		if (!p)
			return -1;
		v->entries = p;
		v->aentries = n;
	}
	int32_t src = mq_intern_id(v->sources, source, strlen(source));
	struct dup_entry *e = &v->entries[v->nentries];
	e->content = content;
	e->id_off = v->ids.len;
	e->line = line > 0 && line < UINT32_MAX ? (uint32_t)line : 0;
	e->source = src >= 0 && src < DUP_NO_SOURCE ? (uint16_t)src : DUP_NO_SOURCE;
	if (src < 0 || values_put(v, values, e) || mq_buf_add(&v->ids, id, len) || mq_buf_addc(&v->ids, '\0'))
		return -1;
	*slot = SLOT_TAG(h) | ++v->nentries;
	if (v->nentries * 4 > v->nslots * 3)
		return dup_grow(v);
	return 0;
}

static const char *entry_source(const struct mq_validator *v, const struct dup_entry *e)
{
	return e->source == DUP_NO_SOURCE ? "?" : mq_intern_str(v->sources, e->source);
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
	if (i == n)
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
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
	/* E009: the registry */
	const char *t = norm_text(c, MQ_F_TOWNSHIP), *vil = norm_text(c, MQ_F_VILLAGE);
	if (c->ref && c->ref->has_registry && t && vil && !mq_ref_village(c->ref, t, vil)) {
		char zh[320];
		snprintf(zh, sizeof zh, "%s/%s 不在村庄名册中", t, vil);
		add_finding(c, MQ_E009, MQ_F_VILLAGE, zh, "%s/%s not in the registry", t, vil);
	}
}

/* Every check of one record that needs nothing but the record, the run
 * date and the reference data: fills c's findings, the normalised record
 * (c->rec, its text in c->norm) and, when it has no finding, the hashes
 * of its id, household and content. */
static int check_record(struct check *c, const struct mq_raw_record *raw)
{
	struct mq_record *r = &c->rec;
	c->nfindings = 0;
	mq_buf_reset(&c->norm);
	*r = (struct mq_record){ .source = raw->source, .line = raw->line, .visit_date = MQ_NO_DAY,
				 .due_date = MQ_NO_DAY, .closed_date = MQ_NO_DAY, .household_type = -1,
				 .visit_mode = -1, .status = -1, .satisfaction = -1 };
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
	if (r->text[MQ_F_RECORD_ID]) /* the index keys ids as C strings */
		c->id_hash = mq_hash(r->text[MQ_F_RECORD_ID], strlen(r->text[MQ_F_RECORD_ID]), 7);
	if (c->nfindings)
		return 0;
	if (r->text[MQ_F_HOUSEHOLD_ID]) /* required: always there when no finding */
		c->hh_hash = mq_intern_hash(r->text[MQ_F_HOUSEHOLD_ID], r->len[MQ_F_HOUSEHOLD_ID]);
	c->content = content_hash(c);
	return 0;
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
		mq_buf_free(&p->check.norm);
	free(p);
}

int mq_validate_prepare(const struct mq_raw_record *raw, int spare, struct mq_buf *out, void *preparer)
{
	(void)spare;
	struct check *c = &((struct mq_preparer *)preparer)->check;
	if (check_record(c, raw))
		return MQ_ERR_NOMEM;
	struct prepared head = { .clean = c->nfindings == 0 && c->norm.len < UINT32_MAX };
	if (head.clean) {
		head.id_hash = c->id_hash;
		head.hh_hash = c->hh_hash;
		head.content = c->content;
		head.rec = c->rec;
		for (int f = 0; f < MQ_NFIELDS; f++)
			head.off[f] = c->rec.text[f] ? (uint32_t)c->norm_off[f] : UINT32_MAX;
	}
	if (mq_buf_add(out, &head, offsetof(struct prepared, text)))
		return MQ_ERR_NOMEM;
	if (head.clean && c->norm.len && mq_buf_add(out, c->norm.data, c->norm.len))
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
		r->text[f] = pr->off[f] == UINT32_MAX ? NULL : pr->text + pr->off[f];
	c->nfindings = 0;
	c->id_hash = pr->id_hash;
	c->hh_hash = pr->hh_hash;
	c->content = pr->content;
	return 1;
}

void mq_validate_ahead(struct mq_validator *v, const void *prepared)
{
	const struct prepared *pr = prepared;
	if (!pr->clean || v->opts.reread)
		return;
	__builtin_prefetch(&v->slots[pr->id_hash >> v->shift]);
	mq_intern_prefetch(v->households, pr->hh_hash, 0);
	/* the household's string, once its slot (asked for four records
	 * ago) has arrived */
	unsigned n = v->nahead++;
	if (n >= 4)
		mq_intern_prefetch(v->households, v->ahead_hh[(n - 4) % 8], 1);
	v->ahead_hh[n % 8] = pr->hh_hash;
}

/* ---- the record against the records before it ---- */

int mq_validate_record(struct mq_validator *v, const struct mq_raw_record *raw,
		       struct mq_verdict *out)
{
	struct check *c = &v->check;
	memset(out, 0, sizeof *out);
	if (!raw->prepared || !take_prepared(c, raw->prepared, raw))
		if (check_record(c, raw))
			return MQ_ERR_NOMEM;
	struct mq_record *r = &c->rec;

	/* E006 / W006: the id against the ids accepted before */
	const char *id = r->text[MQ_F_RECORD_ID];
	size_t idlen = r->len[MQ_F_RECORD_ID];
	uint64_t *slot = id && !v->opts.reread ? dup_slot(v, id, idlen, c->id_hash) : NULL;
	/* the values as bytes: compared on a hash match, kept when accepted */
	if (slot && c->nfindings == 0 && values_key(r, &v->values_a))
		return MQ_ERR_NOMEM;
	if (slot && *slot) {
		const struct dup_entry *e = &v->entries[SLOT_ENTRY(*slot) - 1];
		int same = c->nfindings == 0 && e->content == c->content ? values_equal(v, e, &v->values_a) : 0;
		if (same < 0)
			return same;
		if (same) {
			snprintf(v->drop_en, sizeof v->drop_en,
				 "duplicate of the record accepted at %s line %u: dropped", entry_source(v, e), e->line);
			snprintf(v->drop_zh, sizeof v->drop_zh, "与 %s 第%u行已接受的记录完全相同，已舍弃",
				 entry_source(v, e), e->line);
			out->outcome = MQ_DROPPED;
			out->dropped = (struct mq_finding){ MQ_W006, MQ_F_RECORD_ID, v->drop_en, v->drop_zh };
			return 0;
		}
		char zh[256];
		snprintf(zh, sizeof zh, "记录编号 %.64s 已被 %s 第%u行内容不同的记录使用", id, entry_source(v, e), e->line);
		add_finding(c, MQ_E006, MQ_F_RECORD_ID, zh,
			    "record_id %.64s already accepted (%s line %u) with different content", id,
			    entry_source(v, e), e->line);
	}
	if (c->nfindings)
		return build_reject(v, out);

	/* accepted: claim the id, then the warnings */
	if (slot && dup_insert(v, slot, c->id_hash, id, idlen, c->content, &v->values_a, raw->source, raw->line))
		return MQ_ERR_NOMEM;
	out->record = *r;
	r = &out->record;
	if (v->opts.reread) {
		out->outcome = MQ_ACCEPTED;
		return 0;
	}
	const char *cadre = r->text[MQ_F_CADRE_ID];
	if (v->opts.ref && v->opts.ref->has_roster && !mq_ref_cadre(v->opts.ref, cadre)) {
		char zh[160];
		snprintf(zh, sizeof zh, "干部 %.64s 不在干部花名册中", cadre);
		add_warning(v, out, MQ_W001, MQ_F_CADRE_ID, zh, "cadre %.64s not in the roster", cadre);
	}
	struct mq_buf *key = &v->msg_en; /* free scratch on an accepted record */
	mq_buf_reset(key);
	if (mq_buf_add(key, r->text[MQ_F_TOWNSHIP], r->len[MQ_F_TOWNSHIP]) || mq_buf_addc(key, '/') ||
	    mq_buf_add(key, r->text[MQ_F_VILLAGE], r->len[MQ_F_VILLAGE]))
		return MQ_ERR_NOMEM;
	int32_t village = mq_intern_id(v->villages, key->data, key->len);
	int32_t hh = mq_intern_id_h(v->households, r->text[MQ_F_HOUSEHOLD_ID], r->len[MQ_F_HOUSEHOLD_ID], c->hh_hash);
	if (village < 0 || hh < 0)
		return MQ_ERR_NOMEM;
	if ((size_t)hh >= v->ahv) {
		size_t n = v->ahv ? v->ahv * 2 : 1024;
		int32_t *p = realloc(v->household_village, n * sizeof *p);
		if (!p)
			return MQ_ERR_NOMEM;
		for (size_t i = v->ahv; i < n; i++)
			p[i] = -1;
		v->household_village = p;
		v->ahv = n;
	}
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

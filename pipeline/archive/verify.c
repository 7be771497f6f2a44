/* verify.c — checks a package: safe names and limits first (nothing is
 * read from a package that fails them), then every member streamed once
 * (CRC, SHA-256, SHA-512), then the bag: bagit.txt, manifests, tag
 * manifests, Payload-Oxum. Nothing is written to disk. */
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/utf8.h"
#include "minqing/archive/bag.h"
#include "minqing/archive/verify.h"
#include "minqing/archive/zip_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TAG_FILE_MAX (64u << 20) /* tag files are read into memory */
#define RATIO_MIN_SIZE (1u << 20)

void mq_verify_limits_default(struct mq_verify_limits *l)
{
	l->member_max = 4ull << 30;
	l->total_max = 16ull << 30;
	l->ratio_max = 200;
	l->entries_max = 100000;
}

struct member {
	const struct mq_zip_entry *e;
	char sha256[65], sha512[129];
	uint64_t bytes;
	int read_ok;       /* streamed without error */
	int payload;       /* under data/ */
	int listed[2];     /* in manifest-sha256 / manifest-sha512 */
	int tag_listed;    /* in a tag manifest */
	struct mq_buf text;/* content, for tag files */
};

struct check {
	struct member *m;
	size_t n;
	size_t *sorted; /* indexes of m by name */
	const char *root; /* "NAME/" when the bag was zipped inside its folder, else "" */
	size_t root_len;
	struct mq_buf *report;
	struct mq_verify_result *res;
};

static int problem(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int problem(struct check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char line[2048];
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	c->res->problems++;
	if (mq_buf_adds(c->report, line) || mq_buf_addc(c->report, '\n'))
		return MQ_ERR_NOMEM;
	return 0;
}

static int cmp_entries(const struct mq_zip_entry *x, const struct mq_zip_entry *y)
{
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int r = memcmp(x->name, y->name, n);
	return r ? r : (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

struct named {
	const struct mq_zip_entry *e;
	size_t index;
};

static int cmp_named(const void *a, const void *b)
{
	return cmp_entries(((const struct named *)a)->e, ((const struct named *)b)->e);
}

/* Compares a member's name with the bag's root followed by name. */
static int cmp_rooted(const struct check *c, const struct mq_zip_entry *e, const char *name, size_t len)
{
	size_t n = e->name_len < c->root_len ? e->name_len : c->root_len;
	int r = memcmp(e->name, c->root, n);
	if (r || e->name_len < c->root_len)
		return r ? r : -1;
	const char *rest = e->name + c->root_len;
	size_t rest_len = e->name_len - c->root_len;
	n = rest_len < len ? rest_len : len;
	r = memcmp(rest, name, n);
	return r ? r : (rest_len > len) - (rest_len < len);
}

/* The member of the bag named name (a path inside the bag). */
static struct member *find(struct check *c, const char *name, size_t len)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = cmp_rooted(c, c->m[c->sorted[mid]].e, name, len);
		if (!r)
			return &c->m[c->sorted[mid]];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- phase 1: names and declared sizes ---- */

static int unsafe_name(const struct mq_zip_entry *e, const char **why)
{
	const char *s = e->name;
	size_t len = e->name_len;
	if (len == 0)
		return *why = "成员名为空 / empty member name", 1;
	if (strlen(s) != len)
		return *why = "成员名含 NUL 字节 / member name holds a NUL byte", 1;
	if (strchr(s, '\\'))
		return *why = "成员名含反斜杠 / member name holds a backslash", 1;
	if (s[0] == '/' || (((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') && s[1] == ':'))
		return *why = "成员名是绝对路径 / member name is an absolute path", 1;
	for (const char *p = s; *p;) {
		const char *q = strchr(p, '/');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return *why = "成员名含 \"..\" / member name has a \"..\" component", 1;
		p += n + (q != NULL);
	}
	if (!mq_utf8_valid(s, len))
		return *why = "成员名不是有效的 UTF-8 / member name is not valid UTF-8", 1;
	return 0;
}

static int screen(struct check *c, const struct mq_verify_limits *lim)
{
	int rc = 0;
	uint64_t total = 0;
	for (size_t i = 0; i < c->n && !rc; i++) {
		const struct mq_zip_entry *e = c->m[i].e;
		const char *why;
		if (unsafe_name(e, &why)) {
			/* print the name with NUL shown as \0 */
			char shown[600];
			size_t k = 0;
			for (size_t j = 0; j < e->name_len && k + 3 < sizeof shown; j++) {
				if (e->name[j])
					shown[k++] = e->name[j];
				else {
					memcpy(shown + k, "\\0", 2);
					k += 2;
				}
			}
			shown[k] = '\0';
			rc = problem(c, "拒绝 / refused: %s: \"%s\"", why, shown);
			continue;
		}
		if (e->flag & 1)
			rc = problem(c, "拒绝 / refused: 成员已加密 / member is encrypted: %s", e->name);
		else if (e->method != 0 && e->method != 8)
			rc = problem(c, "拒绝 / refused: 不支持的压缩方法 %u / unsupported compression method %u: %s",
				     e->method, e->method, e->name);
		else if (e->size > lim->member_max)
			rc = problem(c, "拒绝 / refused: 成员声明大小 %llu 字节超过上限 %llu / declared size %llu bytes passes the limit %llu: %s",
				     (unsigned long long)e->size, (unsigned long long)lim->member_max,
				     (unsigned long long)e->size, (unsigned long long)lim->member_max, e->name);
		else if (e->size > RATIO_MIN_SIZE && e->size / (e->csize ? e->csize : 1) > lim->ratio_max)
			rc = problem(c, "拒绝 / refused: 压缩比 %llu:1 超过上限 %llu:1（疑似 ZIP 炸弹）/ compression ratio %llu:1 passes the limit %llu:1 (zip bomb?): %s",
				     (unsigned long long)(e->size / (e->csize ? e->csize : 1)), (unsigned long long)lim->ratio_max,
				     (unsigned long long)(e->size / (e->csize ? e->csize : 1)), (unsigned long long)lim->ratio_max, e->name);
		total += e->size;
	}
	if (!rc && total > lim->total_max)
		rc = problem(c, "拒绝 / refused: 声明总大小 %llu 字节超过上限 %llu / declared total size %llu bytes passes the limit %llu",
			     (unsigned long long)total, (unsigned long long)lim->total_max,
			     (unsigned long long)total, (unsigned long long)lim->total_max);
	for (size_t k = 1; k < c->n && !rc; k++) {
		const struct mq_zip_entry *a = c->m[c->sorted[k - 1]].e, *b = c->m[c->sorted[k]].e;
		if (a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0 &&
		    (k < 2 || cmp_entries(c->m[c->sorted[k - 2]].e, a) != 0))
			rc = problem(c, "拒绝 / refused: 成员名重复 / duplicated member name: \"%s\"", a->name);
	}
	return rc;
}

/* ---- phase 2: stream every member ---- */

struct sink {
	struct mq_digests d;
	struct mq_buf *text; /* NULL for payload */
};

static int sink_fn(void *ctx, const void *data, size_t len)
{
	struct sink *s = ctx;
	if (mq_digests_update(&s->d, data, len))
		return MQ_ERR_NOMEM;
	if (s->text)
		return mq_buf_add(s->text, data, len);
	return 0;
}

static int read_all(struct check *c, struct mq_zip_reader *z, const struct mq_verify_limits *lim,
		    struct mq_error *err)
{
	uint64_t total = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct member *m = &c->m[i];
		if (m->e->name[m->e->name_len - 1] == '/' && m->e->size == 0)
			continue; /* a folder entry */
		struct sink s = {0};
		if (mq_digests_init(&s.d))
			return mq_fail_nomem(err, NULL, 0);
		if (!m->payload) {
			m->text.cap = TAG_FILE_MAX;
			s.text = &m->text;
		}
		uint64_t room = lim->total_max - total;
		uint64_t limit = lim->member_max < room ? lim->member_max : room;
		struct mq_error e = {0};
		int rc = mq_zip_stream(z, i, limit, sink_fn, &s, &m->bytes, &e);
		total += m->bytes;
		if (rc == 0) {
			m->read_ok = 1;
			if (mq_digests_final(&s.d, m->sha256, m->sha512))
				return mq_fail_nomem(err, NULL, 0);
			continue;
		}
		mq_digests_free(&s.d);
		if (rc == MQ_ERR_NOMEM)
			return mq_fail(err, rc, NULL, 0, "%s", mq_nomem_message);
		if (rc == MQ_ERR_LIMIT) {
			c->res->refused = 1;
			return problem(c, "拒绝 / refused: %s: %s", m->e->name, e.message);
		}
		if (!m->payload && m->text.len >= TAG_FILE_MAX)
			rc = problem(c, "标签文件过大 / tag file too large: %s", m->e->name + c->root_len);
		else
			rc = problem(c, "损坏 / damaged: %s (%s)", m->e->name + c->root_len, e.message);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- phase 3: the bag ---- */

static const struct { const char *alg; int slot; } algs[] = {{"sha256", 0}, {"sha512", 1}};

static const char *member_hash(const struct member *m, int slot)
{
	return slot == 0 ? m->sha256 : m->sha512;
}

/* Splits text into lines "HEX WS PATH"; calls fn for each. */
static int each_manifest_line(struct check *c, const struct member *man, int slot, int tag)
{
	const char *s = man->text.data;
	size_t len = man->text.len, lineno = 0;
	size_t hexlen = slot == 0 ? 64 : 128;
	struct mq_buf path = MQ_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < len && !rc;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len, n = end - i;
		const char *line = s + i;
		i = end + 1;
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (!n)
			continue;
		size_t h = 0;
		while (h < n && line[h] != ' ' && line[h] != '\t')
			h++;
		size_t p = h;
		while (p < n && (line[p] == ' ' || line[p] == '\t'))
			p++;
		if (h != hexlen || p == h || p == n) {
			rc = problem(c, "清单格式错误 / malformed manifest line: %s 第 %zu 行 / line %zu", man->e->name, lineno, lineno);
			continue;
		}
		mq_buf_reset(&path);
		if (mq_bagit_path_decode(line + p, n - p, &path)) {
			rc = MQ_ERR_NOMEM;
			break;
		}
		int in_data = strncmp(path.data, "data/", 5) == 0;
		if (tag ? in_data || strncmp(path.data, "tagmanifest-", 12) == 0 : !in_data) {
			rc = problem(c, tag ? "标签清单列出了非标签文件 / tag manifest lists a non-tag file: %s in %s"
					    : "清单列出了 data/ 以外的文件 / manifest lists a file outside data/: %s in %s",
				     path.data, man->e->name);
			continue;
		}
		struct member *m = find(c, path.data, path.len);
		if (!m) {
			rc = problem(c, "缺少 / missing: %s (列于 / listed in %s)", path.data, man->e->name);
			continue;
		}
		if (tag)
			m->tag_listed = 1;
		else if (m->listed[slot]++) {
			rc = problem(c, "清单重复列出 / listed twice: %s in %s", path.data, man->e->name);
			continue;
		}
		if (m->read_ok && strncasecmp(member_hash(m, slot), line, hexlen) != 0)
			rc = problem(c, "被改动 / altered: %s (%s 不符 / %s mismatch)", path.data,
				     algs[slot].alg, algs[slot].alg);
	}
	mq_buf_free(&path);
	return rc;
}

static int check_bag(struct check *c)
{
	int rc = 0;
	struct member *bagit = find(c, "bagit.txt", 9);
	if (!bagit)
		rc = problem(c, "缺少 / missing: bagit.txt");
	else if (bagit->read_ok) {
		/* accept CRLF as well as LF */
		struct mq_buf t = MQ_BUF_INIT;
		for (size_t i = 0; i < bagit->text.len && !rc; i++)
			if (bagit->text.data[i] != '\r')
				rc = mq_buf_addc(&t, bagit->text.data[i]);
		if (!rc && strcmp(t.data, mq_bagit_txt) != 0)
			rc = problem(c, "bagit.txt 内容不对 / bagit.txt is not \"BagIt-Version: 1.0 / Tag-File-Character-Encoding: UTF-8\"");
		mq_buf_free(&t);
	}
	for (size_t a = 0; a < sizeof algs / sizeof algs[0] && !rc; a++) {
		char name[64];
		snprintf(name, sizeof name, "manifest-%s.txt", algs[a].alg);
		struct member *man = find(c, name, strlen(name));
		if (!man) {
			if (a == 0)
				rc = problem(c, "缺少 / missing: %s", name);
			continue;
		}
		if (man->read_ok)
			rc = each_manifest_line(c, man, algs[a].slot, 0);
		for (size_t i = 0; i < c->n && !rc; i++) {
			struct member *m = &c->m[i];
			if (m->payload && !m->listed[algs[a].slot])
				rc = problem(c, "多余 / extra: %s (不在 / not in %s)", m->e->name + c->root_len, name);
		}
	}
	int any_tag = 0;
	for (size_t a = 0; a < sizeof algs / sizeof algs[0] && !rc; a++) {
		char name[64];
		snprintf(name, sizeof name, "tagmanifest-%s.txt", algs[a].alg);
		struct member *man = find(c, name, strlen(name));
		if (!man)
			continue;
		any_tag = 1;
		if (man->read_ok)
			rc = each_manifest_line(c, man, algs[a].slot, 1);
	}
	if (!rc && !any_tag)
		rc = problem(c, "缺少 / missing: tagmanifest-sha256.txt");
	for (size_t i = 0; i < c->n && !rc && any_tag; i++) {
		struct member *m = &c->m[i];
		const char *nm = m->e->name + c->root_len;
		if (!m->payload && !m->tag_listed && strncmp(nm, "tagmanifest-", 12) != 0 &&
		    m->e->name[m->e->name_len - 1] != '/')
			rc = problem(c, "多余 / extra: %s (不在标签清单中 / not in the tag manifest)", nm);
	}
	/* Payload-Oxum: octets.streamcount of data/ */
	struct member *info = find(c, "bag-info.txt", 12);
	if (!rc && !info)
		rc = problem(c, "缺少 / missing: bag-info.txt");
	else if (!rc && info->read_ok) {
		const char *s = info->text.data;
		const char *p = strstr(s, "Payload-Oxum:");
		while (p && p != s && p[-1] != '\n')
			p = strstr(p + 1, "Payload-Oxum:");
		unsigned long long octets, streams;
		if (!p)
			rc = problem(c, "bag-info.txt 缺少 Payload-Oxum / bag-info.txt has no Payload-Oxum");
		else if (sscanf(p + 13, " %llu.%llu", &octets, &streams) != 2)
			rc = problem(c, "Payload-Oxum 格式错误 / malformed Payload-Oxum");
		else if (octets != c->res->payload_bytes || streams != c->res->payload_files)
			rc = problem(c, "Payload-Oxum 不符：记载 %llu.%llu，实有 %llu.%zu / Payload-Oxum differs: says %llu.%llu, found %llu.%zu",
				     octets, streams, (unsigned long long)c->res->payload_bytes, c->res->payload_files,
				     octets, streams, (unsigned long long)c->res->payload_bytes, c->res->payload_files);
	}
	return rc;
}

/* A bag zipped with its folder ("NAME/bagit.txt", "NAME/data/…", as
 * minqing writes it and as zipping an extracted bag gives) is read inside
 * that folder: when there is no top-level bagit.txt, every member lies
 * under one first folder and that folder holds bagit.txt. */
static void find_root(struct check *c)
{
	c->root = "";
	c->root_len = 0;
	if (c->n == 0 || find(c, "bagit.txt", 9))
		return;
	const struct mq_zip_entry *first = c->m[c->sorted[0]].e;
	const char *slash = memchr(first->name, '/', first->name_len);
	if (!slash)
		return;
	size_t len = (size_t)(slash - first->name) + 1;
	for (size_t i = 0; i < c->n; i++) {
		const struct mq_zip_entry *e = c->m[i].e;
		if (e->name_len < len || memcmp(e->name, first->name, len) != 0)
			return;
	}
	c->root = first->name;
	c->root_len = len;
	if (!find(c, "bagit.txt", 9)) {
		c->root = "";
		c->root_len = 0;
	}
}

int mq_verify_package(const char *zip_path, const struct mq_verify_limits *lim,
		      struct mq_verify_result *res, struct mq_buf *report,
		      struct mq_error *err)
{
	struct mq_verify_limits dflt;
	if (!lim) {
		mq_verify_limits_default(&dflt);
		lim = &dflt;
	}
	memset(res, 0, sizeof *res);
	struct mq_zip_reader *z = NULL;
	struct check c = {.report = report, .res = res, .root = ""};
	int rc = mq_zip_open(zip_path, lim->entries_max, &z, err);
	if (rc == MQ_ERR_LIMIT) {
		res->refused = 1;
		if (problem(&c, "拒绝 / refused: %s", err->message))
			return mq_fail_nomem(err, zip_path, 0);
		return MQ_ERR_VERIFY;
	}
	if (rc)
		return rc;
	c.n = mq_zip_count(z);
	c.m = calloc(c.n + 1, sizeof *c.m);
	c.sorted = calloc(c.n + 1, sizeof *c.sorted);
	if (!c.m || !c.sorted) {
		rc = mq_fail_nomem(err, zip_path, 0);
		goto out;
	}
	for (size_t i = 0; i < c.n; i++) {
		c.m[i].e = mq_zip_get(z, i);
		mq_buf_init(&c.m[i].text);
	}
	struct named *byname = calloc(c.n + 1, sizeof *byname);
	if (!byname) {
		rc = mq_fail_nomem(err, zip_path, 0);
		goto out;
	}
	for (size_t i = 0; i < c.n; i++)
		byname[i] = (struct named){c.m[i].e, i};
	qsort(byname, c.n, sizeof *byname, cmp_named);
	for (size_t i = 0; i < c.n; i++)
		c.sorted[i] = byname[i].index;
	free(byname);
	res->members = c.n;
	find_root(&c);
	for (size_t i = 0; i < c.n; i++) {
		const struct mq_zip_entry *e = c.m[i].e;
		c.m[i].payload = e->name_len > c.root_len &&
				 strncmp(e->name + c.root_len, "data/", 5) == 0 &&
				 e->name[e->name_len - 1] != '/';
	}

	size_t before = res->problems;
	rc = screen(&c, lim);
	if (!rc && res->problems > before)
		res->refused = 1;
	if (!rc && !res->refused) {
		struct mq_error lerr = {0};
		int lrc = mq_zip_check_local(z, zip_path, &lerr);
		if (lrc == MQ_ERR_VERIFY) {
			res->refused = 1;
			rc = problem(&c, "拒绝 / refused: %s", lerr.message);
		} else if (lrc) {
			*err = lerr;
			rc = lrc;
			goto out;
		}
	}
	if (!rc && !res->refused)
		rc = read_all(&c, z, lim, err);
	if (!rc && !res->refused) {
		for (size_t i = 0; i < c.n; i++)
			if (c.m[i].payload) {
				res->payload_files++;
				res->payload_bytes += c.m[i].bytes;
			}
		rc = check_bag(&c);
	}
	if (rc == MQ_ERR_NOMEM)
		rc = mq_fail(err, rc, zip_path, 0, "%s", mq_nomem_message);
	else if (!rc && res->problems)
		rc = mq_fail(err, MQ_ERR_VERIFY, zip_path, 0, "档案包无效 / package is invalid (%zu)", res->problems);
out:
	if (c.m)
		for (size_t i = 0; i < c.n; i++)
			mq_buf_free(&c.m[i].text);
	free(c.m);
	free(c.sorted);
	mq_zip_close(z);
	return rc;
}

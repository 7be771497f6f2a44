/* bagit.c — the bag in memory: payload list, bag-info fields, safe member
 * names (core/safename.c per component), manifest lines, streaming
 * digests and the digest cache that bags share. */
#include "minqing/core/arena.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/intern.h"
#include "minqing/core/safename.h"
#include "minqing/archive/bag.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <utf8proc.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char mq_bagit_txt[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/* ---- bag ---- */

static int valid_date(const char *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
	if (y < 1980 || y > 2107 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && day == 29 && !leap);
}

struct mq_bag *mq_bag_new(const char *date, struct mq_error *err)
{
	if (!valid_date(date)) {
		mq_fail(err, MQ_ERR_USAGE, NULL, 0, "日期无效（应为 YYYY-MM-DD，1980–2107）/ invalid date (YYYY-MM-DD, 1980-2107): \"%s\"",
			date ? date : "");
		return NULL;
	}
	struct mq_bag *bag = calloc(1, sizeof *bag);
	if (!bag || !(bag->strings = mq_arena_new())) {
		free(bag);
		mq_fail_nomem(err, NULL, 0);
		return NULL;
	}
	memcpy(bag->date, date, 11);
	return bag;
}

void mq_bag_free(struct mq_bag *bag)
{
	if (!bag)
		return;
	mq_arena_free(bag->strings);
	free(bag->files);
	free(bag->fields);
	mq_name_set_free(bag->names);
	free(bag);
}

/* A copy of s that the bag owns (its arena); NULL on OOM. */
static char *bag_str(struct mq_bag *bag, const char *s, size_t len)
{
	return mq_arena_strndup(bag->strings, s, len);
}

int mq_bag_set_root(struct mq_bag *bag, const char *root, struct mq_error *err)
{
	struct mq_buf safe = MQ_BUF_INIT;
	int rc = mq_archive_safe_name(root, strlen(root), 1, &safe);
	if (rc) {
		mq_buf_free(&safe);
		return rc == MQ_ERR_NOMEM ? mq_fail_nomem(err, NULL, 0)
					  : mq_fail(err, rc, root, 0, "文件夹名无效 / unusable folder name");
	}
	bag->root = bag_str(bag, safe.data, safe.len);
	mq_buf_free(&safe);
	return bag->root ? 0 : mq_fail_nomem(err, NULL, 0);
}

int mq_bag_add_file(struct mq_bag *bag, const char *src, const char *name,
		    const char *expect_sha256, struct mq_error *err)
{
	struct mq_buf full = MQ_BUF_INIT;
	int rc = mq_buf_adds(&full, "data/");
	if (!rc)
		rc = mq_archive_safe_name(name, strlen(name), 0, &full);
	if (rc == MQ_ERR_FORMAT) {
		mq_buf_free(&full);
		return mq_fail(err, rc, src, 0, "成员名为空 / empty member name: \"%s\"", name);
	}
	if (!rc && !bag->names && !(bag->names = mq_name_set_new()))
		rc = MQ_ERR_NOMEM;
	if (!rc)
		rc = mq_name_set_claim(bag->names, &full);
	if (!rc)
		rc = mq_grow((void **)&bag->files, &bag->afiles, bag->nfiles + 1, sizeof *bag->files);
	struct mq_bag_file f = {0};
	if (!rc) {
		f.src = bag_str(bag, src, strlen(src));
		f.expect_sha256 = expect_sha256 ? bag_str(bag, expect_sha256, strlen(expect_sha256)) : NULL;
		f.name = bag_str(bag, full.data, full.len);
		if (!f.src || !f.name || (expect_sha256 && !f.expect_sha256))
			rc = MQ_ERR_NOMEM;
	}
	mq_buf_free(&full);
	if (rc)
		return mq_fail_nomem(err, src, 0);
	bag->files[bag->nfiles++] = f;
	return 0;
}

int mq_bag_add_info(struct mq_bag *bag, const char *label, const char *value,
		    struct mq_error *err)
{
	if (!*label)
		return mq_fail(err, MQ_ERR_FORMAT, NULL, 0, "bag-info 标签为空 / empty bag-info label");
	for (const char *p = label; *p; p++)
		if (*p <= ' ' || *p >= 0x7F || *p == ':')
			return mq_fail(err, MQ_ERR_FORMAT, NULL, 0,
				       "bag-info 标签无效 / invalid bag-info label: \"%s\"", label);
	if (mq_grow((void **)&bag->fields, &bag->afields, bag->nfields + 1, sizeof *bag->fields))
		return mq_fail_nomem(err, NULL, 0);
	if (!value)
		value = "";
	char *l = bag_str(bag, label, strlen(label)), *v = bag_str(bag, value, strlen(value));
	if (!l || !v)
		return mq_fail_nomem(err, NULL, 0);
	for (char *p = v; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	bag->fields[bag->nfields].label = l;
	bag->fields[bag->nfields].value = v;
	bag->nfields++;
	return 0;
}

/* ---- safe names ---- */

int mq_archive_safe_name(const char *s, size_t len, int one_component, struct mq_buf *out)
{
	size_t start_len = out->len, i = 0;
	int rc = 0;
	while (i < len && !rc) {
		size_t j = i;
		while (j < len && (one_component || s[j] != '/'))
			j++;
		if (j > i) {
			size_t before = out->len;
			if (out->len > start_len)
				rc = mq_buf_addc(out, '/');
			if (!rc)
				rc = mq_safe_name(s + i, j - i, out);
			if (!rc && out->len == before + (before > start_len)) {
				out->len = before; /* component vanished */
				out->data[before] = '\0';
			}
		}
		i = j + 1;
	}
	if (rc)
		return rc;
	return out->len > start_len ? 0 : MQ_ERR_FORMAT;
}

/* ---- manifest lines ---- */

int mq_bagit_manifest_line(struct mq_buf *out, const char *hex, const char *path)
{
	int rc = mq_buf_adds(out, hex);
	if (!rc)
		rc = mq_buf_adds(out, "  ");
	for (const char *p = path; *p && !rc; p++) {
		if (*p == '%')
			rc = mq_buf_adds(out, "%25");
		else if (*p == '\n')
			rc = mq_buf_adds(out, "%0A");
		else if (*p == '\r')
			rc = mq_buf_adds(out, "%0D");
		else
			rc = mq_buf_addc(out, *p);
	}
	return rc ? rc : mq_buf_addc(out, '\n');
}

int mq_bagit_path_decode(const char *s, size_t len, struct mq_buf *out)
{
	static const struct { const char *enc; char c; } codes[] = {
		{"%25", '%'}, {"%0A", '\n'}, {"%0D", '\r'},
	};
	int rc = 0;
	for (size_t i = 0; i < len && !rc;) {
		size_t k, n = sizeof codes / sizeof codes[0];
		for (k = 0; k < n; k++)
			if (len - i >= 3 && strncasecmp(s + i, codes[k].enc, 3) == 0)
				break;
		if (k < n) {
			rc = mq_buf_addc(out, codes[k].c);
			i += 3;
		} else {
			rc = mq_buf_addc(out, s[i]);
			i++;
		}
	}
	return rc;
}

/* ---- digests ---- */

/* SHA-256, and SHA-512 when with_sha512 (run.txt keeps SHA-256 alone) */
static int digests_init(struct mq_digests *d, int with_sha512)
{
	d->sha256 = EVP_MD_CTX_new();
	d->sha512 = with_sha512 ? EVP_MD_CTX_new() : NULL;
	if (!d->sha256 || (with_sha512 && !d->sha512) ||
	    EVP_DigestInit_ex(d->sha256, EVP_sha256(), NULL) != 1 ||
	    (with_sha512 && EVP_DigestInit_ex(d->sha512, EVP_sha512(), NULL) != 1)) {
		mq_digests_free(d);
		return MQ_ERR_NOMEM;
	}
	return 0;
}

int mq_digests_init(struct mq_digests *d)
{
	return digests_init(d, 1);
}

int mq_digests_init_sha256(struct mq_digests *d)
{
	return digests_init(d, 0);
}

int mq_digests_update(struct mq_digests *d, const void *data, size_t len)
{
	if (EVP_DigestUpdate(d->sha256, data, len) != 1 ||
	    (d->sha512 && EVP_DigestUpdate(d->sha512, data, len) != 1))
		return MQ_ERR_NOMEM;
	return 0;
}

static void to_hex(const unsigned char *md, unsigned n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
}

int mq_digests_final(struct mq_digests *d, char hex256[65], char hex512[129])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	int rc = 0;
	if (EVP_DigestFinal_ex(d->sha256, md, &n) == 1 && n == 32)
		to_hex(md, n, hex256);
	else
		rc = MQ_ERR_NOMEM;
	if (!d->sha512)
		;   /* SHA-256 alone */
	else if (EVP_DigestFinal_ex(d->sha512, md, &n) == 1 && n == 64)
		to_hex(md, n, hex512);
	else
		rc = MQ_ERR_NOMEM;
	mq_digests_free(d);
	return rc;
}

void mq_digests_free(struct mq_digests *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->sha256);
	EVP_MD_CTX_free(d->sha512);
	d->sha256 = d->sha512 = NULL;
}

/* ---- digests shared between bags ---- */

struct cached {
	enum { ABSENT, HASHING, KNOWN, DROPPED } state; /* DROPPED: the next getter hashes it */
	struct mq_known_digests d;
};

struct mq_digest_cache {
	pthread_mutex_t mu;
	pthread_cond_t changed;
	struct mq_intern *srcs;     /* the paths asked for; a path's id indexes e */
	struct cached *e;
	size_t alloc;
};

struct mq_digest_cache *mq_digest_cache_new(void)
{
	struct mq_digest_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	int mu = -1;
	if (!(c->srcs = mq_intern_new()) || (mu = pthread_mutex_init(&c->mu, NULL)) ||
	    pthread_cond_init(&c->changed, NULL)) {
		if (mu == 0)
			pthread_mutex_destroy(&c->mu);
		mq_intern_free(c->srcs);
		free(c);
		return NULL;
	}
	return c;
}

void mq_digest_cache_free(struct mq_digest_cache *c)
{
	if (!c)
		return;
	mq_intern_free(c->srcs);
	free(c->e);
	pthread_cond_destroy(&c->changed);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* the entry of src; NULL when none (the mutex held) */
static struct cached *cache_entry(struct mq_digest_cache *c, const char *src)
{
	int32_t id = mq_intern_find(c->srcs, src, strlen(src));
	return id < 0 || (size_t)id >= c->alloc || c->e[id].state == ABSENT ? NULL : &c->e[id];
}

/* A new entry of src, being hashed; -1 when out of memory (the mutex held). */
static int cache_add(struct mq_digest_cache *c, const char *src)
{
	int32_t id = mq_intern_id(c->srcs, src, strlen(src));
	if (id < 0 || mq_grow((void **)&c->e, &c->alloc, (size_t)id + 1, sizeof *c->e))
		return -1;
	c->e[id] = (struct cached){ .state = HASHING };
	return 0;
}

int mq_digest_cache_get(struct mq_digest_cache *c, const char *src, struct mq_known_digests *out)
{
	pthread_mutex_lock(&c->mu);
	struct cached *e;
	while ((e = cache_entry(c, src)) && e->state == HASHING)
		pthread_cond_wait(&c->changed, &c->mu);
	int rc = 0;
	if (e && e->state == KNOWN) {
		*out = e->d;
		rc = 1;
	} else if (e) {
		e->state = HASHING; /* dropped before: this caller hashes it */
	} else if (cache_add(c, src)) {
		rc = MQ_ERR_NOMEM;
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

void mq_digest_cache_put(struct mq_digest_cache *c, const char *src, const struct mq_known_digests *d)
{
	pthread_mutex_lock(&c->mu);
	struct cached *e = cache_entry(c, src);
	if (e) {
		e->d = *d;
		e->state = KNOWN;
	}
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->mu);
}

void mq_digest_cache_drop(struct mq_digest_cache *c, const char *src)
{
	pthread_mutex_lock(&c->mu);
	struct cached *e = cache_entry(c, src);
	if (e && e->state == HASHING)
		e->state = DROPPED;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->mu);
}

/* safename.c — names made from data, safe on every file system and unique
 * within their folder (safename.h). */
#include "minqing/core/safename.h"

#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/hashmap.h"
#include "minqing/core/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

static int put_cp(struct mq_buf *out, uint32_t c)
{
	utf8proc_uint8_t u[4];
	utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)c, u);
	return mq_buf_add(out, u, (size_t)n);
}

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Windows device names, matched on the part before the first dot with
 * trailing spaces ignored, in any case; COM¹ COM² COM³ are devices too. */
static int reserved_device(const char *s, size_t len)
{
	static const char *const names[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
	size_t n = 0;
	while (n < len && s[n] != '.')
		n++;
	while (n && s[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && strncasecmp(s, names[i], n) == 0)
			return 1;
	int comlpt = n >= 4 && (strncasecmp(s, "COM", 3) == 0 || strncasecmp(s, "LPT", 3) == 0);
	if (comlpt && n == 4 && s[3] >= '0' && s[3] <= '9')
		return 1;
	return comlpt && n == 5 && (unsigned char)s[3] == 0xC2 &&
	       ((unsigned char)s[4] == 0xB9 || (unsigned char)s[4] == 0xB2 || (unsigned char)s[4] == 0xB3);
}

/* s → valid UTF-8 without control characters, in NFC */
static int clean_nfc(const char *s, size_t len, struct mq_buf *out)
{
	struct mq_buf a = MQ_BUF_INIT;
	int rc = mq_buf_add(&a, "", 0);
	for (size_t i = 0; i < len && !rc;) {
		uint32_t cp;
		int n = mq_utf8_decode(s + i, len - i, &cp);
		if (!n) {
			cp = '_';
			n = 1;
		}
		i += (size_t)n;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			cp = '_';
		rc = put_cp(&a, cp);
	}
	utf8proc_uint8_t *nfc = NULL;
	utf8proc_ssize_t n = rc ? 0 : utf8proc_map((const utf8proc_uint8_t *)a.data, (utf8proc_ssize_t)a.len, &nfc,
						   UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (!rc)
		rc = n >= 0 ? mq_buf_add(out, nfc, (size_t)n) : mq_buf_add(out, a.data, a.len);
	free(nfc);
	mq_buf_free(&a);
	return rc;
}

int mq_safe_name(const char *s, size_t len, struct mq_buf *out)
{
	struct mq_buf c = MQ_BUF_INIT, b = MQ_BUF_INIT;
	int rc = clean_nfc(s, len, &c);
	/* the characters Windows refuses → their full-width forms (U+FF01…) */
	size_t trail = c.len;
	while (trail && (c.data[trail - 1] == '.' || c.data[trail - 1] == ' '))
		trail--;
	if (!rc && trail && reserved_device(c.data, c.len))
		rc = mq_buf_addc(&b, '_');
	for (size_t i = 0; i < c.len && !rc; i++) {
		unsigned char ch = (unsigned char)c.data[i];
		if (i >= trail)
			rc = ch == '.' ? put_cp(&b, 0xFF0E) : mq_buf_addc(&b, '_');
		else if (ch < 0x80 && strchr("\\/:*?\"<>|", ch))
			rc = put_cp(&b, 0xFEE0u + ch);
		else
			rc = mq_buf_addc(&b, (char)ch);
	}
	if (!rc && b.len > MQ_SAFE_NAME_MAX) {
		/* keep a short extension, cut the stem on a character boundary */
		const char *dot = strrchr(b.data, '.');
		size_t ext = dot && dot != b.data ? b.len - (size_t)(dot - b.data) : 0;
		if (ext > 16)
			ext = 0;
		char suffix[16];
		int ns = snprintf(suffix, sizeof suffix, "~%08x", (unsigned)fnv1a(s, len));
		size_t keep = MQ_SAFE_NAME_MAX - ext - (size_t)ns;
		while (keep && ((unsigned char)b.data[keep] & 0xC0) == 0x80)
			keep--;
		rc = mq_buf_add(out, b.data, keep);
		if (!rc)
			rc = mq_buf_add(out, suffix, (size_t)ns);
		if (!rc)
			rc = mq_buf_add(out, b.data + b.len - ext, ext);
	} else if (!rc) {
		rc = mq_buf_add(out, b.len ? b.data : "", b.len);
	}
	mq_buf_free(&c);
	mq_buf_free(&b);
	return rc ? MQ_ERR_NOMEM : 0;
}

/* ---- names unique in a folder ---- */

struct mq_name_set {
	struct mq_hashmap map;  /* entries: indexes into names */
	char **names;           /* the names given out, as given */
	size_t n, alloc;
};

/* Windows compares names without case (ASCII letters here) */
static uint64_t fold_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		h = (h ^ (ch >= 'A' && ch <= 'Z' ? ch + 32 : ch)) * 16777619u;
	}
	return h;
}

static uint64_t name_hash(void *ctx, uint32_t e)
{
	return fold_hash(((const struct mq_name_set *)ctx)->names[e]);
}

static int name_equal(void *ctx, uint32_t e, const void *key)
{
	return strcasecmp(((const struct mq_name_set *)ctx)->names[e], key) == 0;
}

struct mq_name_set *mq_name_set_new(void)
{
	struct mq_name_set *set = calloc(1, sizeof *set);
	if (set && mq_hashmap_init(&set->map, 50, name_hash, name_equal, set)) {
		free(set);
		return NULL;
	}
	return set;
}

void mq_name_set_free(struct mq_name_set *set)
{
	if (!set)
		return;
	mq_strs_free(set->names, set->n);
	mq_hashmap_free(&set->map);
	free(set);
}

int mq_name_set_has(const struct mq_name_set *set, const char *name)
{
	return mq_hashmap_find(&set->map, fold_hash(name), name, NULL) != MQ_HASHMAP_NONE;
}

static int add(struct mq_name_set *set, const char *name)
{
	uint64_t h = fold_hash(name);
	size_t pos;
	if (mq_hashmap_find(&set->map, h, name, &pos) != MQ_HASHMAP_NONE)
		return 0;
	if (set->n >= MQ_HASHMAP_NONE || mq_strs_push(&set->names, &set->n, &set->alloc, strdup(name)))
		return MQ_ERR_NOMEM;
	if (mq_hashmap_insert(&set->map, h, pos, (uint32_t)(set->n - 1))) {
		free(set->names[--set->n]);
		return MQ_ERR_NOMEM;
	}
	return 0;
}

int mq_name_set_claim(struct mq_name_set *set, struct mq_buf *name)
{
	if (!mq_name_set_has(set, name->data))
		return add(set, name->data);
	const char *slash = strrchr(name->data, '/');
	const char *base = slash ? slash + 1 : name->data;
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - name->data) : name->len;
	struct mq_buf try = MQ_BUF_INIT;
	for (unsigned n = 2;; n++) {
		char suffix[16];
		size_t ns = (size_t)snprintf(suffix, sizeof suffix, " (%u)", n), keep = stem;
		size_t base_at = (size_t)(base - name->data);
		/* stay within MQ_SAFE_NAME_MAX: cut the stem on a character boundary */
		while (keep > base_at && name->len - base_at - (stem - keep) + ns > MQ_SAFE_NAME_MAX) {
			keep--;
			while (keep > base_at && ((unsigned char)name->data[keep] & 0xC0) == 0x80)
				keep--;
		}
		mq_buf_reset(&try);
		if (mq_buf_add(&try, name->data, keep) || mq_buf_printf(&try, "%s%s", suffix, name->data + stem)) {
			mq_buf_free(&try);
			return MQ_ERR_NOMEM;
		}
		if (!mq_name_set_has(set, try.data))
			break;
	}
	int rc = add(set, try.data);
	if (rc) {
		mq_buf_free(&try);
		return rc;
	}
	mq_buf_free(name);
	*name = try;
	return 0;
}

/* util.c — errors, buffers, arena, interning, UTF-8, atomic files, CSV out. */
#include "minqing/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <limits.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mq_fail(struct mq_error *err, int code, const char *file, long line,
	    const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return code;
}

/* ---- buffers ---- */

static int buf_grow(struct mq_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (b->cap && need > b->cap + 1)
		return MQ_ERR_LIMIT;
	if (need <= b->alloc)
		return 0;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n *= 2;
	char *p = realloc(b->data, n);
	if (!p)
		return MQ_ERR_NOMEM;
	b->data = p;
	b->alloc = n;
	return 0;
}

int mq_buf_add(struct mq_buf *b, const void *data, size_t len)
{
	int rc = buf_grow(b, len);
	if (rc)
		return rc;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int mq_buf_addc(struct mq_buf *b, char c) { return mq_buf_add(b, &c, 1); }
int mq_buf_adds(struct mq_buf *b, const char *s) { return mq_buf_add(b, s, strlen(s)); }

int mq_buf_printf(struct mq_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MQ_ERR_FORMAT;
	int rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void mq_buf_reset(struct mq_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void mq_buf_free(struct mq_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

/* ---- growing arrays ---- */

int mq_grow(void **arr, size_t *alloc, size_t need, size_t elem)
{
	if (need <= *alloc)
		return 0;
	size_t n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, n * elem);
	if (!p)
		return MQ_ERR_NOMEM;
	memset((char *)p + *alloc * elem, 0, (n - *alloc) * elem);
	*arr = p;
	*alloc = n;
	return 0;
}

/* ---- arena ---- */

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct mq_arena {
	struct arena_block *head;
	size_t total;
};

struct mq_arena *mq_arena_new(void) { return calloc(1, sizeof(struct mq_arena)); }

void *mq_arena_alloc(struct mq_arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bs = size > 60000 ? size : 64 * 1024 - sizeof *b;
		b = malloc(sizeof *b + bs);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = bs;
		a->head = b;
		a->total += sizeof *b + bs;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	return p;
}

char *mq_arena_strndup(struct mq_arena *a, const char *s, size_t len)
{
	char *p = mq_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t mq_arena_bytes(const struct mq_arena *a) { return a ? a->total : 0; }

void mq_arena_free(struct mq_arena *a)
{
	if (!a)
		return;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

/* ---- interning: open addressing on (hash, id) ---- */

/* Eight bytes a step, read little-endian so a hash is the same on every
 * machine (partial files carry one). */
static inline uint64_t load_le(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&w, p, n); /* one load where the machine is little-endian */
#else
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
#endif
	return w;
}

uint64_t mq_hash(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15ULL);
	while (len >= 8) {
		h = (h ^ load_le(p, 8)) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		p += 8;
		len -= 8;
	}
	h = (h ^ load_le(p, len)) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

/* A slot holds the hash's high half as a tag, the id and the string,
 * whose length sits in the four bytes before it: a probe reads one slot
 * and touches the string (one more cache line) only when the tags match.
 * With many strings (households) the table is out of cache and every
 * memory access counts; mq_intern_prefetch starts both loads early. */
struct intern_slot {
	uint64_t tag_id;    /* tag << 32 | (id + 1), 0 = empty */
	const char *str;
};

struct mq_intern {
	struct mq_arena *arena;
	struct intern_slot *slots;
	size_t nslots;
	const char **strs;  /* id -> string */
	uint64_t *hashes;   /* id -> hash, for growing the table */
	int32_t count, alloc;
};

#define INTERN_TAG(h) ((h) & 0xFFFFFFFF00000000ULL)

static uint32_t intern_len(const char *str)
{
	uint32_t len;
	memcpy(&len, str - sizeof len, sizeof len);
	return len;
}

struct mq_intern *mq_intern_new(void)
{
	struct mq_intern *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->arena = mq_arena_new();
	t->nslots = 64;
	t->slots = calloc(t->nslots, sizeof *t->slots);
	if (!t->arena || !t->slots) {
		mq_intern_free(t);
		return NULL;
	}
	return t;
}

uint64_t mq_intern_hash(const char *s, size_t len) { return mq_hash(s, len, 0); }

void mq_intern_prefetch(const struct mq_intern *t, uint64_t h, int stage)
{
	const struct intern_slot *sl = &t->slots[h & (t->nslots - 1)];
	if (stage == 0)
		__builtin_prefetch(sl);
	else if (sl->tag_id && INTERN_TAG(sl->tag_id) == INTERN_TAG(h))
		__builtin_prefetch(sl->str - sizeof(uint32_t));
}

static size_t intern_slot(const struct mq_intern *t, const char *s, size_t len, uint64_t h, int *found)
{
	size_t mask = t->nslots - 1, i = h & mask;
	for (;; i = (i + 1) & mask) {
		const struct intern_slot *sl = &t->slots[i];
		if (!sl->tag_id) {
			*found = 0;
			return i;
		}
		if (INTERN_TAG(sl->tag_id) == INTERN_TAG(h) && intern_len(sl->str) == len &&
		    memcmp(sl->str, s, len) == 0) {
			*found = 1;
			return i;
		}
	}
}

static int intern_rehash(struct mq_intern *t)
{
	size_t n = t->nslots * 2;
	struct intern_slot *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	for (int32_t id = 0; id < t->count; id++) {
		size_t i = t->hashes[id] & (n - 1);
		while (t->slots[i].tag_id)
			i = (i + 1) & (n - 1);
		t->slots[i] = (struct intern_slot){ INTERN_TAG(t->hashes[id]) | (uint32_t)(id + 1), t->strs[id] };
	}
	return 0;
}

int32_t mq_intern_find_h(const struct mq_intern *t, const char *s, size_t len, uint64_t h)
{
	int found;
	size_t i = intern_slot(t, s, len, h, &found);
	return found ? (int32_t)(uint32_t)t->slots[i].tag_id - 1 : -1;
}

int32_t mq_intern_find(const struct mq_intern *t, const char *s, size_t len)
{
	return mq_intern_find_h(t, s, len, mq_intern_hash(s, len));
}

int32_t mq_intern_id_h(struct mq_intern *t, const char *s, size_t len, uint64_t h)
{
	int found;
	size_t i = intern_slot(t, s, len, h, &found);
	if (found)
		return (int32_t)(uint32_t)t->slots[i].tag_id - 1;
	if (len > UINT32_MAX - 8)
		return -1;
	if (t->count == t->alloc) {
		int32_t na = t->alloc ? t->alloc * 2 : 64;
		const char **ns = realloc(t->strs, (size_t)na * sizeof *ns);
		if (!ns)
			return -1;
		t->strs = ns;
		uint64_t *nh = realloc(t->hashes, (size_t)na * sizeof *nh);
		if (!nh)
			return -1;
		t->hashes = nh;
		t->alloc = na;
	}
	/* the length, then the bytes and a NUL */
	char *copy = mq_arena_alloc(t->arena, sizeof(uint32_t) + len + 1);
	if (!copy)
		return -1;
	uint32_t len32 = (uint32_t)len;
	memcpy(copy, &len32, sizeof len32);
	copy += sizeof len32;
	memcpy(copy, s, len);
	copy[len] = '\0';
	int32_t id = t->count++;
	t->strs[id] = copy;
	t->hashes[id] = h;
	t->slots[i] = (struct intern_slot){ INTERN_TAG(h) | (uint32_t)(id + 1), copy };
	if ((size_t)t->count * 2 > t->nslots && intern_rehash(t))
		return -1;
	return id;
}

int32_t mq_intern_id(struct mq_intern *t, const char *s, size_t len)
{
	return mq_intern_id_h(t, s, len, mq_intern_hash(s, len));
}

const char *mq_intern_str(const struct mq_intern *t, int32_t id)
{
	return (id >= 0 && id < t->count) ? t->strs[id] : NULL;
}

int32_t mq_intern_count(const struct mq_intern *t) { return t ? t->count : 0; }

void mq_intern_free(struct mq_intern *t)
{
	if (!t)
		return;
	mq_arena_free(t->arena);
	free(t->slots);
	free(t->strs);
	free(t->hashes);
	free(t);
}

/* ---- UTF-8 ---- */

int mq_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (!len)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n;
	uint32_t c, min;
	if ((s[0] & 0xE0) == 0xC0) { n = 2; c = s[0] & 0x1F; min = 0x80; }
	else if ((s[0] & 0xF0) == 0xE0) { n = 3; c = s[0] & 0x0F; min = 0x800; }
	else if ((s[0] & 0xF8) == 0xF0) { n = 4; c = s[0] & 0x07; min = 0x10000; }
	else return 0;
	if ((size_t)n > len)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

int mq_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (i + 8 <= len) {
			uint64_t w = load_le((const unsigned char *)s + i, 8);
			/* eight ASCII bytes, none of them NUL */
			if ((w & 0x8080808080808080ULL) == 0 &&
			    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) == 0) {
				i += 8;
				continue;
			}
		}
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			return 0; /* NUL is no character of any text a clerk types */
		if (c < 0x80) {
			i++;
			continue;
		}
		/* most Chinese text: a three-byte sequence without the E0/ED edge cases */
		if (c >= 0xE1 && c != 0xED && c <= 0xEF && i + 2 < len &&
		    ((unsigned char)s[i + 1] & 0xC0) == 0x80 && ((unsigned char)s[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		uint32_t cp;
		int n = mq_utf8_decode(s + i, len - i, &cp);
		if (!n)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

size_t mq_utf8_count(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static size_t space_at(const char *s, size_t len)
{
	if (len && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
		return 1;
	if (len >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x80)
		return 3;
	return 0;
}

size_t mq_trim(const char *s, size_t len, const char **start)
{
	size_t n;
	while ((n = space_at(s, len))) {
		s += n;
		len -= n;
	}
	for (;;) {
		if (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
			len--;
		else if (len >= 3 && space_at(s + len - 3, 3) == 3)
			len -= 3;
		else
			break;
	}
	*start = s;
	return len;
}

/* ---- atomic output ---- */

int mq_mkdirs(const char *dir, struct mq_error *err)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return mq_fail(err, MQ_ERR_IO, dir, 0, "路径过长 / path too long");
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST)
			return mq_fail(err, MQ_ERR_IO, path, 0, "无法创建目录 / cannot create directory: %s", strerror(errno));
		*p = '/';
	}
	if (mkdir(path, 0777) && errno != EEXIST)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法创建目录 / cannot create directory: %s", strerror(errno));
	return 0;
}

int mq_out_open(struct mq_out *o, const char *path, struct mq_error *err)
{
	memset(o, 0, sizeof *o);
	size_t n = strlen(path) + 32;
	o->path = strdup(path);
	o->tmp = malloc(n);
	if (!o->path || !o->tmp) {
		mq_out_abort(o);
		return mq_fail(err, MQ_ERR_NOMEM, path, 0, "内存不足 / out of memory");
	}
	snprintf(o->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	o->fp = fopen(o->tmp, "wb");
	if (!o->fp) {
		int e = errno;
		mq_out_abort(o);
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法写入文件 / cannot write file: %s", strerror(e));
	}
	return 0;
}

#define WB_KEEP (512LL << 20)   /* smaller files stay in the page cache whole */
#define WB_WINDOW (32LL << 20)

void mq_out_write_behind(struct mq_out *o, long long written)
{
	if (o->behind < WB_KEEP)
		o->behind = WB_KEEP;
	int fd = fileno(o->fp);
	/* one window being written back, the one before it waited for and
	 * dropped: the writer never waits for the disk in the usual case */
	while (written - o->behind >= 2 * WB_WINDOW) {
		sync_file_range(fd, o->behind + WB_WINDOW, WB_WINDOW, SYNC_FILE_RANGE_WRITE);
		sync_file_range(fd, o->behind, WB_WINDOW,
				SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
		posix_fadvise(fd, o->behind, WB_WINDOW, POSIX_FADV_DONTNEED);
		o->behind += WB_WINDOW;
	}
}

int mq_out_commit(struct mq_out *o, struct mq_error *err)
{
	int bad = ferror(o->fp);
	bad |= fflush(o->fp) != 0;
	bad |= fsync(fileno(o->fp)) != 0 && errno != EINVAL;
	bad |= fclose(o->fp) != 0;
	o->fp = NULL;
	if (bad || rename(o->tmp, o->path)) {
		int e = errno;
		int rc = mq_fail(err, MQ_ERR_IO, o->path, 0, "写入文件失败 / writing failed: %s", strerror(e));
		mq_out_abort(o);
		return rc;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void mq_out_abort(struct mq_out *o)
{
	if (!o)
		return;
	if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}

/* ---- CSV out ---- */

/* 1 when any byte of the 8 in w equals c (exact: the classic zero-byte test). */
static inline int has_byte(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (0x0101010101010101ULL * c);
	return ((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL) != 0;
}

/* 1 when the cell must be quoted (RFC 4180, plus white space at its ends,
 * which readers would trim); eight bytes a step, as notes are long. */
static int csv_needs_quote(const char *s, size_t len)
{
	if (s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t')
		return 1;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
	const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
	for (; i + 16 <= len; i += 16) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, comma), _mm_cmpeq_epi8(w, quote)),
					   _mm_or_si128(_mm_cmpeq_epi8(w, lf), _mm_cmpeq_epi8(w, cr)));
		if (_mm_movemask_epi8(hit))
			return 1;
	}
#endif
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (has_byte(w, ',') || has_byte(w, '"') || has_byte(w, '\n') || has_byte(w, '\r'))
			return 1;
	}
	for (; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

void mq_csv_cell_n(FILE *fp, const char *s, size_t len, int first)
{
	if (!first)
		putc_unlocked(',', fp);
	if (!s || !len)
		return;
	if (!csv_needs_quote(s, len)) {
		fwrite_unlocked(s, 1, len, fp);
		return;
	}
	putc_unlocked('"', fp);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			putc_unlocked('"', fp);
		putc_unlocked(s[i], fp);
	}
	putc_unlocked('"', fp);
}

int mq_csv_cell_buf(struct mq_buf *b, const char *s, size_t len, int first)
{
	if (!s)
		len = 0;
	/* room for the worst case: a comma, quotes, every byte doubled */
	if (len > (SIZE_MAX - 3) / 2)
		return MQ_ERR_LIMIT;
	int rc = buf_grow(b, 2 * len + 3);
	if (rc)
		return rc;
	char *p = b->data + b->len;
	if (!first)
		*p++ = ',';
	if (len && csv_needs_quote(s, len)) {
		*p++ = '"';
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '"')
				*p++ = '"';
			*p++ = s[i];
		}
		*p++ = '"';
	} else if (len) {
		memcpy(p, s, len);
		p += len;
	}
	*p = '\0';
	b->len = (size_t)(p - b->data);
	return 0;
}

void mq_csv_cell(FILE *fp, const char *s, int first)
{
	mq_csv_cell_n(fp, s, s ? strlen(s) : 0, first);
}

void mq_csv_end(FILE *fp)
{
	fputs("\r\n", fp);
}

void mq_csv_row(FILE *fp, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mq_csv_cell(fp, cells[i], i == 0);
	mq_csv_end(fp);
}

void mq_csv_bom(FILE *fp, int bom)
{
	if (bom)
		fputs("\xEF\xBB\xBF", fp);
}

/* ---- staging folders ---- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int mq_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return 0;
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#define STAGE_PREFIX ".minqing.tmp."

int mq_stage_dir_prepare(const char *out_dir, char *stage, size_t stage_size, struct mq_error *err)
{
	int rc = mq_mkdirs(out_dir, err);
	if (rc)
		return rc;
	DIR *d = opendir(out_dir);
	if (!d)
		return mq_fail(err, MQ_ERR_IO, out_dir, 0, "无法读取目录 / cannot read folder: %s", strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, STAGE_PREFIX, strlen(STAGE_PREFIX)) != 0)
			continue;
		long pid = strtol(e->d_name + strlen(STAGE_PREFIX), NULL, 10);
		if (pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH) {
			char old[4200];
			snprintf(old, sizeof old, "%s/%s", out_dir, e->d_name);
			mq_remove_tree(old);
		}
	}
	closedir(d);
	if (snprintf(stage, stage_size, "%s/" STAGE_PREFIX "%ld", out_dir, (long)getpid()) >= (int)stage_size)
		return mq_fail(err, MQ_ERR_IO, out_dir, 0, "路径过长 / path too long");
	mq_remove_tree(stage);
	return mq_mkdirs(stage, err);
}

int mq_stage_dir_commit(const char *stage, const char *out_dir, struct mq_error *err)
{
	static const char *const parts[] = { "data", "reports", "archive" };
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	int rc = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && !rc; i++) {
		char from[4200], to[4200];
		snprintf(from, sizeof from, "%s/%s", stage, parts[i]);
		snprintf(to, sizeof to, "%s/%s", out_dir, parts[i]);
		struct stat st;
		if (lstat(from, &st))
			continue;
		if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0)
			continue;
		if (errno == ENOENT && rename(from, to) == 0)
			continue;
		rc = mq_fail(err, MQ_ERR_IO, to, 0, "无法替换输出 / cannot replace the output: %s", strerror(errno));
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	mq_remove_tree(stage);
	return rc;
}

/* ---- template files ---- */

int mq_find_template(const char *name, char *out, size_t outlen, struct mq_error *err)
{
	char dirs[4][PATH_MAX];
	int n = 0;
	const char *env = getenv("MINQING_TEMPLATES");
	if (env && *env)
		snprintf(dirs[n++], PATH_MAX, "%s", env);
	snprintf(dirs[n++], PATH_MAX, "templates");
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dirs[n++], PATH_MAX, "%.3000s/../share/minqing/templates", exe);
			/* a program run from the build folder of a checkout */
			snprintf(dirs[n++], PATH_MAX, "%.3000s/../templates", exe);
		}
	}
	char tried[4 * PATH_MAX] = "";
	for (int i = 0; i < n; i++) {
		snprintf(out, outlen, "%s/%s", dirs[i], name);
		struct stat st;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		size_t used = strlen(tried);
		snprintf(tried + used, sizeof tried - used, "%s%s", i ? ", " : "", out);
	}
	return mq_fail(err, MQ_ERR_IO, name, 0, "找不到模板文件 / template file not found: %s (looked at %.900s)",
		       name, tried);
}

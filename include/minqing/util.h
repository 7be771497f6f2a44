/* util.h — low-level helpers every stage uses: errors, growing buffers,
 * an arena with string interning, atomic output files and UTF-8 checks.
 *
 * Nothing here calls a stage. Every function that can fail returns 0 on
 * success or a negative MQ_ERR_* code and, when given a struct mq_error,
 * fills it; the caller owns the struct. Free functions accept NULL. */
#ifndef MINQING_UTIL_H
#define MINQING_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Error codes; a fatal error of the run maps to exit status 3. */
enum {
	MQ_OK = 0,
	MQ_ERR_IO = -1,     /* a file could not be read or written */
	MQ_ERR_NOMEM = -2,
	MQ_ERR_FORMAT = -3, /* a configuration, template or reference file is invalid */
	MQ_ERR_USAGE = -4,
	MQ_ERR_LIMIT = -5,  /* input exceeds a safety limit */
	MQ_ERR_VERIFY = -6, /* a package failed verification */
};

struct mq_error {
	int code;          /* 0 when nothing went wrong */
	char file[512];    /* the subject file, "" when none */
	long line;         /* 0 when unknown */
	char message[1024];/* Chinese and English, one line */
};

/* Fills err (may be NULL) and returns code, so a caller writes
 * `return mq_fail(err, MQ_ERR_IO, path, 0, "...%s", x);`. */
int mq_fail(struct mq_error *err, int code, const char *file, long line,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Growing byte buffer, always NUL-terminated once it holds anything.
 * Initialise with {0}; cap (0 = none) bounds the size: growth past it fails
 * with MQ_ERR_LIMIT, so hostile input cannot blow it up. */
struct mq_buf {
	char *data;
	size_t len, alloc, cap;
};
int mq_buf_add(struct mq_buf *b, const void *data, size_t len);
int mq_buf_addc(struct mq_buf *b, char c);
int mq_buf_adds(struct mq_buf *b, const char *s);
int mq_buf_printf(struct mq_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mq_buf_reset(struct mq_buf *b); /* len = 0, keeps memory */
void mq_buf_free(struct mq_buf *b);

/* Grows the array *arr of elem-sized items (capacity *alloc) to hold at
 * least need items, doubling; new items are zeroed. 0 or MQ_ERR_NOMEM, the
 * array left as it was on failure. */
int mq_grow(void **arr, size_t *alloc, size_t need, size_t elem);

/* Arena: allocate many, free once. Memory lives until mq_arena_free. */
struct mq_arena;
struct mq_arena *mq_arena_new(void);
void *mq_arena_alloc(struct mq_arena *a, size_t size); /* 8-aligned, NULL on OOM */
char *mq_arena_strndup(struct mq_arena *a, const char *s, size_t len);
size_t mq_arena_bytes(const struct mq_arena *a);
void mq_arena_free(struct mq_arena *a);

/* String interning: equal strings give the same pointer and a dense id
 * (0, 1, 2, … in order of first sight). Strings live in the table's arena. */
struct mq_intern;
struct mq_intern *mq_intern_new(void);
/* Returns the id of s (inserting it), or -1 on OOM. */
int32_t mq_intern_id(struct mq_intern *t, const char *s, size_t len);
/* Returns the id of s or -1 when s was never interned. */
int32_t mq_intern_find(const struct mq_intern *t, const char *s, size_t len);
const char *mq_intern_str(const struct mq_intern *t, int32_t id);
/* The same with the string's hash given (mq_intern_hash), so a caller can
 * compute it once and start the memory loads early: mq_intern_prefetch
 * with stage 0 loads the slot, a later call with stage 1 loads the string
 * the slot points at. Prefetching is a hint: it changes no result. */
uint64_t mq_intern_hash(const char *s, size_t len);
void mq_intern_prefetch(const struct mq_intern *t, uint64_t h, int stage);
int32_t mq_intern_id_h(struct mq_intern *t, const char *s, size_t len, uint64_t h);
int32_t mq_intern_find_h(const struct mq_intern *t, const char *s, size_t len, uint64_t h);
int32_t mq_intern_count(const struct mq_intern *t);
void mq_intern_free(struct mq_intern *t);

uint64_t mq_hash(const void *data, size_t len, uint64_t seed); /* FNV-1a style, 64-bit */

/* UTF-8 helpers. mq_utf8_valid: 1 when s[0..len) is valid UTF-8 without NUL.
 * mq_utf8_count: code points in valid UTF-8. mq_utf8_decode reads one code
 * point at s (returns its byte length, 0 at invalid input). */
int mq_utf8_valid(const char *s, size_t len);
size_t mq_utf8_count(const char *s, size_t len);
int mq_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Trims space, tab, CR, LF and U+3000 on both sides; returns the new length
 * and sets *start. */
size_t mq_trim(const char *s, size_t len, const char **start);

/* Atomic output: writes go to "PATH.tmp.PID"; mq_out_commit renames it to
 * PATH, mq_out_abort removes it. A file is never seen half-written. */
struct mq_out {
	FILE *fp;
	char *path, *tmp;
	long long behind;   /* bytes written back and dropped from the page cache */
};
int mq_out_open(struct mq_out *o, const char *path, struct mq_error *err);
int mq_out_commit(struct mq_out *o, struct mq_error *err); /* closes, fsyncs, renames */
void mq_out_abort(struct mq_out *o);                        /* closes and unlinks; NULL-safe */
/* For a file of gigabytes written in one go: given the bytes written so
 * far, writes back and drops from the page cache what lies well behind
 * the end (past its first 512 MB), so dirty pages never pile up to where
 * the kernel throttles the writer. Best effort; errors show at commit. */
void mq_out_write_behind(struct mq_out *o, long long written);

/* Creates dir and its parents (mode 0777 & ~umask). */
int mq_mkdirs(const char *dir, struct mq_error *err);

/* CSV writing (RFC 4180, rows end in CRLF): a cell is quoted when it holds
 * a comma, quote, CR or LF, or starts or ends with white space. */
void mq_csv_cell(FILE *fp, const char *s, int first); /* s NULL = empty */
void mq_csv_cell_n(FILE *fp, const char *s, size_t len, int first);
/* The same cell appended to a buffer (for writers that build whole rows);
 * 0 or the buffer's error. */
int mq_csv_cell_buf(struct mq_buf *b, const char *s, size_t len, int first);
void mq_csv_end(FILE *fp);                              /* ends the row */
void mq_csv_row(FILE *fp, const char *const *cells, size_t n);
/* Writes the UTF-8 BOM when bom is set. */
void mq_csv_bom(FILE *fp, int bom);

#endif

/* ---- replacing a run's output folder as a whole ----
 * A run writes into a staging folder inside out_dir (.minqing.tmp.PID);
 * mq_stage_dir_commit swaps each of its subfolders (data, reports, archive)
 * with out_dir's in one rename each (RENAME_EXCHANGE), with signals held
 * off, and removes what it replaced. Other files in out_dir are never
 * touched. mq_stage_dir_prepare also removes staging folders that killed
 * runs left behind. */
int mq_stage_dir_prepare(const char *out_dir, char *stage, size_t stage_size, struct mq_error *err);
int mq_stage_dir_commit(const char *stage, const char *out_dir, struct mq_error *err);
/* Finds a file shipped under templates/: in $MINQING_TEMPLATES, then
 * ./templates, then <program dir>/../share/minqing/templates, then
 * <program dir>/../templates. 0 and the path in out, or MQ_ERR_IO. */
int mq_find_template(const char *name, char *out, size_t outlen, struct mq_error *err);
/* Removes a file tree (no error when it does not exist). */
int mq_remove_tree(const char *path);

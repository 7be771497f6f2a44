/* bag.h — BagIt bags (RFC 8493) written as reproducible ZIP packages, the
 * safe names of their members, and the digests of their manifests.
 * Knows nothing of visits: any files can be packaged.
 *
 * Ownership. A struct mq_bag collects what goes into one package: payload
 * files (a path on disk and a name under data/) and bag-info.txt fields.
 * The bag copies every string it is given and frees them in mq_bag_free;
 * its fields are read-only to callers. Nothing is read from disk before
 * mq_archive_write, which streams each payload file once (SHA-256,
 * SHA-512, CRC-32 and deflate in the same pass) into a temporary file and
 * renames it to the ZIP's path when complete. Bags that share a digest
 * cache (mq_digest_cache) hash a file they all carry once: the others
 * copy it and take its digests from the cache.
 *
 * Package layout (fixed, so the same inputs give a byte-identical ZIP):
 * every member under the bag's root folder when it has one (ROOT/…);
 * payload members "data/…" in byte order of their names, then bagit.txt,
 * bag-info.txt, manifest-sha256.txt, manifest-sha512.txt and
 * tagmanifest-sha256.txt. Every entry carries the UTF-8 name flag
 * (general purpose bit 11), the bag date at 00:00:00 (DOS local time),
 * "made by" Unix with mode 0644 (Info-ZIP unzip would read names from a
 * DOS host as CP437 despite bit 11), no extra field and no comment. A payload
 * file compressed already by its kind (a member name ending in .pdf, .xlsx
 * or .zip, any case) is stored, so is one whose first 64 KiB shrink by less
 * than 3% under deflate (images, random data); the rest is deflated at
 * level MQ_ARCHIVE_LEVEL. The choice depends on name and content only. bag-info.txt holds the fields added
 * with mq_bag_add_info in their order, then Bagging-Date and Payload-Oxum.
 *
 * Names. mq_archive_safe_name makes a relative name safe on Windows and
 * Unix: each component through mq_safe_name (core/safename.h: NFC,
 * full-width forms of the characters Windows refuses, no trailing dot or
 * space, no device name, at most 200 bytes); empty components are dropped,
 * "." and ".." become "．" and "．．". */
#ifndef MINQING_ARCHIVE_BAG_H
#define MINQING_ARCHIVE_BAG_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/safename.h"

struct mq_arena;

#define MQ_ARCHIVE_LEVEL 1 /* deflate level: 5-6:1 on our CSVs at >200 MB/s a core (level 3: 5% smaller, 1.4x slower) */

struct mq_bag_file {
	char *src;           /* path on disk */
	char *name;          /* member name, "data/…", safe and unique in the bag */
	char *expect_sha256; /* NULL, or the SHA-256 (hex) the file must have */
};

struct mq_bag_field {
	char *label, *value;
};

struct mq_bag {
	char date[11]; /* YYYY-MM-DD: Bagging-Date and every entry's timestamp */
	char *root;    /* NULL, or the one top-level folder every member is
			* written under ("ROOT/bagit.txt", "ROOT/data/…"), so
			* "extract here" gives one folder; set by mq_bag_set_root */
	/* Called after each chunk of payload is written (may be NULL), with
	 * its bytes and on_bytes_ctx, from the thread that writes the bag. */
	void (*on_bytes)(uint64_t bytes, void *ctx);
	void *on_bytes_ctx;
	/* NULL, or digests shared with other bags (not owned; see
	 * mq_digest_cache_new) */
	struct mq_digest_cache *digests;
	struct mq_bag_file *files;
	size_t nfiles, afiles;
	struct mq_bag_field *fields;
	size_t nfields, afields;
	struct mq_name_set *names; /* member names given out (unique, as Windows compares) */
	struct mq_arena *strings;  /* owns root and every string of files and fields */
};

/* Returns a new empty bag dated date (YYYY-MM-DD, 1980..2107), NULL on a
 * bad date or OOM (err filled). Free with mq_bag_free. */
struct mq_bag *mq_bag_new(const char *date, struct mq_error *err);
void mq_bag_free(struct mq_bag *bag); /* NULL-safe */

/* Adds src as data/<safe name>; name may hold "/" for subfolders. A name
 * that clashes with one already in the bag gets " (2)", " (3)", … before
 * its extension. expect_sha256 (hex, may be NULL): mq_archive_write fails
 * when the file's SHA-256 differs (an input changed since the run).
 * Returns 0, MQ_ERR_FORMAT (name empty after sanitising) or MQ_ERR_NOMEM. */
int mq_bag_add_file(struct mq_bag *bag, const char *src, const char *name,
		    const char *expect_sha256, struct mq_error *err);

/* Puts every member under the folder root (made safe as one component,
 * mq_archive_safe_name). Returns 0, MQ_ERR_FORMAT (nothing left of it) or
 * MQ_ERR_NOMEM. */
int mq_bag_set_root(struct mq_bag *bag, const char *root, struct mq_error *err);

/* Appends "label: value" to bag-info.txt. label: printable ASCII without
 * ':' (else MQ_ERR_FORMAT); CR, LF and tabs in value become spaces.
 * Bagging-Date and Payload-Oxum are written by mq_archive_write. */
int mq_bag_add_info(struct mq_bag *bag, const char *label, const char *value,
		    struct mq_error *err);

/* Writes the bag as a ZIP at zip_path (temp file + rename; nothing is left
 * behind on failure). Returns 0, MQ_ERR_IO (a payload file unreadable or
 * changed while read, disk full), MQ_ERR_VERIFY (expect_sha256 mismatch)
 * or MQ_ERR_NOMEM. payload_bytes (may be NULL) gets the payload octets. */
int mq_archive_write(const char *zip_path, const struct mq_bag *bag,
		     uint64_t *payload_bytes, struct mq_error *err);

/* ---- names and tag-file text (bagit.c) ---- */

/* Appends the safe form of the relative name s[0..len) (components split
 * at "/") to out. Returns 0, MQ_ERR_FORMAT when nothing is left, or
 * MQ_ERR_NOMEM. With one_component set, "/" is replaced like the other
 * forbidden characters (for file names on disk). */
int mq_archive_safe_name(const char *s, size_t len, int one_component, struct mq_buf *out);

/* Appends "HEX  PATH\n" with "%", CR and LF in PATH percent-encoded
 * (RFC 8493 section 2.1.3). Returns 0 or MQ_ERR_NOMEM. */
int mq_bagit_manifest_line(struct mq_buf *out, const char *hex, const char *path);
/* Decodes %25, %0A, %0D (any case) in s[0..len) into out. */
int mq_bagit_path_decode(const char *s, size_t len, struct mq_buf *out);

/* The exact content of bagit.txt. */
extern const char mq_bagit_txt[];

/* Streaming SHA-256 + SHA-512 (libcrypto EVP). init returns 0 or
 * MQ_ERR_NOMEM; final writes lower-case hex (65 and 129 bytes with NUL)
 * and frees; free alone is for error paths (NULL-safe). init_sha256
 * computes SHA-256 alone: final then leaves hex512 alone (may be NULL). */
struct mq_digests {
	void *sha256, *sha512; /* EVP_MD_CTX; sha512 NULL: not computed */
};
int mq_digests_init(struct mq_digests *d);
int mq_digests_init_sha256(struct mq_digests *d);
int mq_digests_update(struct mq_digests *d, const void *data, size_t len);
int mq_digests_final(struct mq_digests *d, char hex256[65], char hex512[129]);
void mq_digests_free(struct mq_digests *d);

/* Digests of payload files by path, shared by bags written at the same
 * time by several threads (thread-safe): the first writer of a file hashes
 * it, a writer of the same file in another bag waits for that and copies
 * the file without hashing it. Free after every bag that uses it is
 * written. new returns NULL when out of memory. */
struct mq_digest_cache;
struct mq_digest_cache *mq_digest_cache_new(void);
void mq_digest_cache_free(struct mq_digest_cache *c); /* NULL-safe */

/* A file's size and digests (lower-case hex): what the cache knows of
 * it, and what the ZIP writer lists in the manifests. */
struct mq_known_digests {
	uint64_t size;
	char sha256[65], sha512[129];
};

/* 1: src is known (*out filled); 0: the caller is to hash it now and then
 * call mq_digest_cache_put (or _drop when it could not); MQ_ERR_NOMEM.
 * Waits while another thread hashes src. */
int mq_digest_cache_get(struct mq_digest_cache *c, const char *src, struct mq_known_digests *out);
void mq_digest_cache_put(struct mq_digest_cache *c, const char *src, const struct mq_known_digests *d);
void mq_digest_cache_drop(struct mq_digest_cache *c, const char *src);

#endif

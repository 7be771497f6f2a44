/* zip.c — writes a bag as a reproducible ZIP (bag.h) and reads ZIP members
 * as streams (zip_read.h): the archive layer's one user of minizip and
 * zlib. */
#include "minqing/archive/bag.h"
#include "minqing/archive/zip_read.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"

#include <errno.h>
#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#define IO_CHUNK (256 * 1024)
#define SAMPLE (64 * 1024)
#define UTF8_NAME_FLAG (1u << 11)
/* Unix host, spec 2.0, mode 0644: Info-ZIP unzip converts names from a
 * DOS host as CP437 even when bit 11 says UTF-8; a Unix host keeps them. */
#define VERSION_MADE_BY ((3 << 8) | 20)
#define UNIX_MODE_0644 (0100644ul << 16)

/* ---- minizip I/O on an already open FILE* (the mq_out temp file) ---- */

static voidpf io_open(voidpf opaque, const void *filename, int mode)
{
	(void)opaque;
	(void)mode;
	return (voidpf)filename; /* "filename" is the FILE* itself */
}

static uLong io_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	(void)opaque;
	return (uLong)fread(buf, 1, size, stream);
}

static uLong io_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	int *io_errno = opaque;
	int e = mq_fault(); /* test-only fault injection (error.h) */
	uLong n = e ? 0 : (uLong)fwrite(buf, 1, size, stream);
	if (n != size && !*io_errno)
		*io_errno = e ? e : errno ? errno : EIO;
	return n;
}

static ZPOS64_T io_tell(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return (ZPOS64_T)ftello(stream);
}

static long io_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
	static const int whence[] = {[ZLIB_FILEFUNC_SEEK_SET] = SEEK_SET,
				     [ZLIB_FILEFUNC_SEEK_CUR] = SEEK_CUR,
				     [ZLIB_FILEFUNC_SEEK_END] = SEEK_END};
	if (origin < 0 || origin > 2)
		return -1;
	if (fseeko(stream, (off_t)offset, whence[origin]) == 0)
		return 0;
	/* a seek writes the buffered bytes first: a full disk shows here too */
	int *io_errno = opaque;
	if (io_errno && !*io_errno)
		*io_errno = errno;
	return -1;
}

static int io_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0; /* mq_out_commit / mq_out_abort close it */
}

static int io_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	return ferror(stream);
}

/* ---- writing ---- */

struct writer {
	const char *zip_path;
	int io_errno;         /* errno of the first failed write */
	zipFile zf;
	const struct mq_bag *bag;
	struct mq_buf name; /* the member's name under the bag's root */
	zip_fileinfo info;
	unsigned char *buf, *scratch;
	z_stream probe;
	int probe_ready;
};

/* Stores what does not compress: deflate the sample at level 1 and keep
 * deflate only when it saves at least 3%. Depends on content only. */
static int worth_deflating(struct writer *w, const unsigned char *data, size_t len)
{
	if (len < 64)
		return 1;
	if (!w->probe_ready) {
		if (deflateInit2(&w->probe, 1, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return 1;
		w->probe_ready = 1;
	} else if (deflateReset(&w->probe) != Z_OK) {
		return 1;
	}
	w->probe.next_in = (Bytef *)data;
	w->probe.avail_in = (uInt)len;
	w->probe.next_out = w->scratch;
	w->probe.avail_out = (uInt)deflateBound(&w->probe, (uLong)len);
	if (deflate(&w->probe, Z_FINISH) != Z_STREAM_END)
		return 1;
	return w->probe.total_out * 100 < (uLong)len * 97;
}

static int open_entry(struct writer *w, const char *name, int deflated, int zip64)
{
	if (w->bag->root) {
		mq_buf_reset(&w->name);
		if (mq_buf_printf(&w->name, "%s/%s", w->bag->root, name))
			return ZIP_INTERNALERROR;
		name = w->name.data;
	}
	return zipOpenNewFileInZip4_64(w->zf, name, &w->info, NULL, 0, NULL, 0, NULL,
				       deflated ? Z_DEFLATED : 0, deflated ? MQ_ARCHIVE_LEVEL : 0, 0,
				       -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, NULL, 0, VERSION_MADE_BY,
				       UTF8_NAME_FLAG, zip64);
}

/* A member that could not be written: the package named, and the cause */
static int member_fail(const struct writer *w, const char *name, struct mq_error *err)
{
	return mq_fail(err, MQ_ERR_IO, w->zip_path, 0, "写入档案包成员 %s 失败 / cannot write member %s of the package: %s",
		       name, name, mq_errno_text(w->io_errno ? w->io_errno : EIO));
}

static int write_memory(struct writer *w, const char *name, const char *data, size_t len,
			struct mq_error *err)
{
	if (open_entry(w, name, 1, 0) != ZIP_OK || zipWriteInFileInZip(w->zf, data, (unsigned)len) != ZIP_OK ||
	    zipCloseFileInZip(w->zf) != ZIP_OK)
		return member_fail(w, name, err);
	return 0;
}

/* Compressed already by their kind: deflating them again gains a few
 * percent at the full cost of deflate. */
static int stored_kind(const char *name)
{
	static const char *const kinds[] = {".pdf", ".xlsx", ".zip"};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		size_t k = strlen(kinds[i]);
		if (n > k && strcasecmp(name + n - k, kinds[i]) == 0)
			return 1;
	}
	return 0;
}

/* Writes payload file f, hashing it into *h unless the bag's digest cache
 * knows it (another bag carries the same file). */
static int write_payload(struct writer *w, const struct mq_bag_file *f, struct mq_known_digests *h,
			 struct mq_error *err)
{
	struct mq_digests d = {0};
	struct mq_known_digests known;
	int cached = 0, claimed = 0; /* claimed: this writer hashes it for the cache */
	FILE *fp = fopen(f->src, "rb");
	if (!fp)
		return mq_fail(err, MQ_ERR_IO, f->src, 0, "无法读取文件 / cannot read file: %s", strerror(errno));
	struct stat st;
	int rc = 0, opened = 0;
	if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode)) {
		rc = mq_fail(err, MQ_ERR_IO, f->src, 0, "不是普通文件 / not a regular file");
		goto out;
	}
	if (w->bag->digests) {
		cached = mq_digest_cache_get(w->bag->digests, f->src, &known);
		if (cached < 0) {
			rc = mq_fail_nomem(err, f->src, 0);
			goto out;
		}
		claimed = !cached;
	}
	if (!cached && mq_digests_init(&d)) {
		rc = mq_fail_nomem(err, f->src, 0);
		goto out;
	}
	uint64_t total = 0;
	size_t n = fread(w->buf, 1, IO_CHUNK, fp);
	int deflated = !stored_kind(f->name) && worth_deflating(w, w->buf, n < SAMPLE ? n : SAMPLE);
	/* zip64 is decided from the size before reading, so it is reproducible */
	if (open_entry(w, f->name, deflated, (uint64_t)st.st_size >= 0xFFFFFFFFu) != ZIP_OK) {
		rc = member_fail(w, f->name, err);
		goto out;
	}
	opened = 1;
	while (n > 0) {
		if ((!cached && mq_digests_update(&d, w->buf, n)) ||
		    zipWriteInFileInZip(w->zf, w->buf, (unsigned)n) != ZIP_OK) {
			rc = member_fail(w, f->name, err);
			goto out;
		}
		total += n;
		if (w->bag->on_bytes)
			w->bag->on_bytes(n, w->bag->on_bytes_ctx);
		n = fread(w->buf, 1, IO_CHUNK, fp);
	}
	if (ferror(fp)) {
		rc = mq_fail(err, MQ_ERR_IO, f->src, 0, "读取文件出错 / read error: %s", strerror(errno));
		goto out;
	}
	if (total != (uint64_t)st.st_size || (cached && total != known.size)) {
		rc = mq_fail(err, MQ_ERR_IO, f->src, 0, "文件在打包时被改动 / file changed while being packaged");
		goto out;
	}
	opened = 0;
	if (zipCloseFileInZip(w->zf) != ZIP_OK) {
		rc = member_fail(w, f->name, err);
		goto out;
	}
	if (cached) {
		*h = known;
	} else if (mq_digests_final(&d, h->sha256, h->sha512)) {
		rc = mq_fail_nomem(err, f->src, 0);
		goto out;
	}
	h->size = total;
	if (claimed) {
		mq_digest_cache_put(w->bag->digests, f->src, h);
		claimed = 0;
	}
	if (f->expect_sha256 && strcasecmp(f->expect_sha256, h->sha256) != 0)
		rc = mq_fail(err, MQ_ERR_VERIFY, f->src, 0,
			     "文件与运行时记录的 SHA-256 不符（运行后被改动？）/ SHA-256 differs from the one recorded by the run (changed since?)");
out:
	if (claimed)
		mq_digest_cache_drop(w->bag->digests, f->src);
	if (opened)
		zipCloseFileInZip(w->zf);
	mq_digests_free(&d);
	fclose(fp);
	return rc;
}

struct named {
	const char *name;
	size_t index;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static int tag_files(const struct mq_bag *bag, const size_t *order, const struct mq_known_digests *h,
		     uint64_t octets, struct mq_buf tags[4])
{
	/* tags: bag-info.txt, manifest-sha256.txt, manifest-sha512.txt, tagmanifest-sha256.txt */
	int rc = 0;
	for (size_t i = 0; i < bag->nfields && !rc; i++)
		rc = mq_buf_printf(&tags[0], "%s: %s\n", bag->fields[i].label, bag->fields[i].value);
	if (!rc)
		rc = mq_buf_printf(&tags[0], "Bagging-Date: %s\nPayload-Oxum: %llu.%zu\n", bag->date,
				   (unsigned long long)octets, bag->nfiles);
	for (size_t k = 0; k < bag->nfiles && !rc; k++) {
		size_t i = order[k];
		rc = mq_bagit_manifest_line(&tags[1], h[i].sha256, bag->files[i].name);
		if (!rc)
			rc = mq_bagit_manifest_line(&tags[2], h[i].sha512, bag->files[i].name);
	}
	/* an empty manifest is still a file */
	for (int t = 1; t <= 2 && !rc; t++)
		rc = mq_buf_add(&tags[t], "", 0);
	/* tagmanifest lines in byte order of the names */
	const struct { const char *name; const char *data; size_t len; } listed[] = {
		{"bag-info.txt", tags[0].data, tags[0].len},
		{"bagit.txt", mq_bagit_txt, strlen(mq_bagit_txt)},
		{"manifest-sha256.txt", tags[1].data, tags[1].len},
		{"manifest-sha512.txt", tags[2].data, tags[2].len},
	};
	for (size_t t = 0; t < sizeof listed / sizeof listed[0] && !rc; t++) {
		struct mq_digests d = {0};
		struct mq_known_digests th;
		rc = mq_digests_init(&d);
		if (!rc)
			rc = mq_digests_update(&d, listed[t].data, listed[t].len);
		if (!rc)
			rc = mq_digests_final(&d, th.sha256, th.sha512);
		mq_digests_free(&d);
		if (!rc)
			rc = mq_bagit_manifest_line(&tags[3], th.sha256, listed[t].name);
	}
	return rc;
}

int mq_archive_write(const char *zip_path, const struct mq_bag *bag,
		     uint64_t *payload_bytes, struct mq_error *err)
{
	struct mq_out out;
	struct writer w = {.bag = bag, .name = MQ_BUF_INIT};
	struct mq_buf tags[4] = {MQ_BUF_INIT, MQ_BUF_INIT, MQ_BUF_INIT, MQ_BUF_INIT};
	size_t *order = calloc(bag->nfiles + 1, sizeof *order);
	struct mq_known_digests *h = calloc(bag->nfiles + 1, sizeof *h);
	w.buf = malloc(IO_CHUNK);
	w.scratch = malloc(2 * SAMPLE);
	if (!order || !h || !w.buf || !w.scratch) {
		free(order);
		free(h);
		free(w.buf);
		free(w.scratch);
		return mq_fail_nomem(err, zip_path, 0);
	}
	int rc = mq_out_open(&out, zip_path, err);
	if (rc)
		goto done;

	w.zip_path = zip_path;
	zlib_filefunc64_def io = {io_open, io_read, io_write, io_tell, io_seek, io_close, io_error, &w.io_errno};
	w.zf = zipOpen2_64(out.fp, APPEND_STATUS_CREATE, NULL, &io);
	if (!w.zf) {
		rc = mq_fail(err, MQ_ERR_IO, zip_path, 0, "无法创建 ZIP / cannot create ZIP: %s",
			     mq_errno_text(w.io_errno ? w.io_errno : EIO));
		goto done;
	}
	int year = atoi(bag->date), mon = atoi(bag->date + 5), day = atoi(bag->date + 8);
	w.info.tmz_date.tm_year = (uInt)year;
	w.info.tmz_date.tm_mon = (uInt)(mon - 1);
	w.info.tmz_date.tm_mday = (uInt)day;
	w.info.external_fa = UNIX_MODE_0644;

	struct named *sorted = calloc(bag->nfiles + 1, sizeof *sorted);
	if (!sorted) {
		rc = mq_fail_nomem(err, zip_path, 0);
		goto done;
	}
	for (size_t i = 0; i < bag->nfiles; i++)
		sorted[i] = (struct named){bag->files[i].name, i};
	qsort(sorted, bag->nfiles, sizeof *sorted, by_name);
	for (size_t i = 0; i < bag->nfiles; i++)
		order[i] = sorted[i].index;
	free(sorted);
	uint64_t octets = 0;
	for (size_t k = 0; k < bag->nfiles; k++) {
		rc = write_payload(&w, &bag->files[order[k]], &h[order[k]], err);
		if (rc)
			goto done;
		octets += h[order[k]].size;
	}
	rc = tag_files(bag, order, h, octets, tags);
	if (rc) {
		rc = mq_fail(err, rc, zip_path, 0, "%s", mq_nomem_message);
		goto done;
	}
	const struct { const char *name; const char *data; size_t len; } members[] = {
		{"bagit.txt", mq_bagit_txt, strlen(mq_bagit_txt)},
		{"bag-info.txt", tags[0].data, tags[0].len},
		{"manifest-sha256.txt", tags[1].data, tags[1].len},
		{"manifest-sha512.txt", tags[2].data, tags[2].len},
		{"tagmanifest-sha256.txt", tags[3].data, tags[3].len},
	};
	for (size_t t = 0; t < sizeof members / sizeof members[0] && !rc; t++)
		rc = write_memory(&w, members[t].name, members[t].data, members[t].len, err);
	if (rc)
		goto done;
	int zrc = zipClose(w.zf, NULL);
	w.zf = NULL;
	if (zrc != ZIP_OK) {
		rc = mq_fail(err, MQ_ERR_IO, zip_path, 0, "写入 ZIP 失败 / cannot finish ZIP: %s",
			     mq_errno_text(w.io_errno ? w.io_errno : EIO));
		goto done;
	}
	rc = mq_out_commit(&out, err);
	if (!rc && payload_bytes)
		*payload_bytes = octets;
done:
	if (w.zf)
		zipClose(w.zf, NULL);
	if (rc)
		mq_out_abort(&out);
	if (w.probe_ready)
		deflateEnd(&w.probe);
	for (int t = 0; t < 4; t++)
		mq_buf_free(&tags[t]);
	mq_buf_free(&w.name);
	free(order);
	free(h);
	free(w.buf);
	free(w.scratch);
	return rc;
}

/* ---- reading ---- */

struct mq_zip_reader {
	unzFile uf;
	struct mq_zip_entry *entries;
	unz64_file_pos *pos;
	size_t n;
	unsigned char *buf;
};

size_t mq_zip_count(const struct mq_zip_reader *z) { return z->n; }
const struct mq_zip_entry *mq_zip_get(const struct mq_zip_reader *z, size_t i) { return &z->entries[i]; }

void mq_zip_close(struct mq_zip_reader *z)
{
	if (!z)
		return;
	if (z->uf)
		unzClose(z->uf);
	for (size_t i = 0; i < z->n; i++)
		free(z->entries[i].name);
	free(z->entries);
	free(z->pos);
	free(z->buf);
	free(z);
}

struct span {
	uint64_t from, to; /* local header to the end of the data */
	size_t entry;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->from < y->from ? -1 : x->from > y->from;
}

/* What an extractor reads is the local header: its name must be the central
 * directory's, byte for byte; and no two members may share bytes (one
 * deflate stream listed many times multiplies the work of the reader). */
int mq_zip_check_local(struct mq_zip_reader *z, const char *path, struct mq_error *err)
{
	FILE *fp = fopen(path, "rb");
	struct span *spans = calloc(z->n + 1, sizeof *spans);
	char *name = malloc(65536 + 1);
	int rc = 0;
	if (!fp || !spans || !name) {
		rc = fp ? mq_fail_nomem(err, path, 0)
			: mq_fail(err, MQ_ERR_IO, path, 0, "无法读取文件 / cannot read file: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < z->n && !rc; i++) {
		const struct mq_zip_entry *e = &z->entries[i];
		if (unzGoToFilePos64(z->uf, &z->pos[i]) != UNZ_OK || unzOpenCurrentFile(z->uf) != UNZ_OK) {
			rc = mq_fail(err, MQ_ERR_VERIFY, path, 0, "成员 %s 的本地文件头损坏 / the local header of member %s is damaged",
				     e->name, e->name);
			break;
		}
		uint64_t data = unzGetCurrentFileZStreamPos64(z->uf);
		int extra = unzGetLocalExtrafield(z->uf, NULL, 0);
		unzCloseCurrentFile(z->uf);
		/* minizip checked the local name's length against the directory's */
		uint64_t head = 30 + (uint64_t)e->name_len + (uint64_t)(extra > 0 ? extra : 0);
		if (extra < 0 || data < head || fseeko(fp, (off_t)(data - head + 30), SEEK_SET) ||
		    fread(name, 1, e->name_len, fp) != e->name_len) {
			rc = mq_fail(err, MQ_ERR_VERIFY, path, 0, "成员 %s 的本地文件头损坏 / the local header of member %s is damaged",
				     e->name, e->name);
			break;
		}
		if (memcmp(name, e->name, e->name_len) != 0) {
			name[e->name_len] = '\0';
			rc = mq_fail(err, MQ_ERR_VERIFY, path, 0,
				     "成员 %s 的本地文件头写的是另一个名称 %s，拒绝 / member %s is named %s in its local header: refused",
				     e->name, name, e->name, name);
			break;
		}
		spans[i] = (struct span){data - head, data + e->csize, i};
	}
	if (!rc && z->n > 1) {
		qsort(spans, z->n, sizeof *spans, cmp_span);
		for (size_t i = 1; i < z->n && !rc; i++)
			if (spans[i].from < spans[i - 1].to)
				rc = mq_fail(err, MQ_ERR_VERIFY, path, 0, "成员 %s 与 %s 的数据重叠，拒绝 / members %s and %s "
					     "overlap: refused", z->entries[spans[i - 1].entry].name, z->entries[spans[i].entry].name,
					     z->entries[spans[i - 1].entry].name, z->entries[spans[i].entry].name);
	}
out:
	if (fp)
		fclose(fp);
	free(spans);
	free(name);
	return rc;
}

int mq_zip_open(const char *path, size_t max_entries, struct mq_zip_reader **out,
		struct mq_error *err)
{
	*out = NULL;
	FILE *probe = fopen(path, "rb");
	if (!probe)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取文件 / cannot read file: %s", strerror(errno));
	fclose(probe);
	struct mq_zip_reader *z = calloc(1, sizeof *z);
	char *name = malloc(65536 + 1);
	if (!z || !name || !(z->buf = malloc(IO_CHUNK))) {
		free(name);
		mq_zip_close(z);
		return mq_fail_nomem(err, path, 0);
	}
	int rc = 0;
	z->uf = unzOpen64(path);
	unz_global_info64 gi;
	if (!z->uf || unzGetGlobalInfo64(z->uf, &gi) != UNZ_OK) {
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "不是 ZIP 文件或已损坏 / not a ZIP file, or damaged");
		goto out;
	}
	if (gi.number_entry > max_entries) {
		rc = mq_fail(err, MQ_ERR_LIMIT, path, 0, "成员过多（%llu，上限 %zu）/ too many members (%llu, limit %zu)",
			     (unsigned long long)gi.number_entry, max_entries,
			     (unsigned long long)gi.number_entry, max_entries);
		goto out;
	}
	z->entries = calloc((size_t)gi.number_entry + 1, sizeof *z->entries);
	z->pos = calloc((size_t)gi.number_entry + 1, sizeof *z->pos);
	if (!z->entries || !z->pos) {
		rc = mq_fail_nomem(err, path, 0);
		goto out;
	}
	int zr = gi.number_entry ? unzGoToFirstFile(z->uf) : UNZ_END_OF_LIST_OF_FILE;
	while (zr == UNZ_OK) {
		if (z->n >= gi.number_entry)
			break;
		unz_file_info64 fi;
		if (unzGetCurrentFileInfo64(z->uf, &fi, name, 65536 + 1, NULL, 0, NULL, 0) != UNZ_OK ||
		    unzGetFilePos64(z->uf, &z->pos[z->n]) != UNZ_OK) {
			rc = mq_fail(err, MQ_ERR_IO, path, 0, "ZIP 目录损坏 / damaged ZIP directory");
			goto out;
		}
		struct mq_zip_entry *e = &z->entries[z->n];
		e->name_len = fi.size_filename;
		e->name = malloc(fi.size_filename + 1);
		if (!e->name) {
			rc = mq_fail_nomem(err, path, 0);
			goto out;
		}
		memcpy(e->name, name, fi.size_filename);
		e->name[fi.size_filename] = '\0';
		e->size = fi.uncompressed_size;
		e->csize = fi.compressed_size;
		e->flag = (unsigned)fi.flag;
		e->method = (unsigned)fi.compression_method;
		z->n++;
		zr = unzGoToNextFile(z->uf);
	}
	if (zr != UNZ_OK && zr != UNZ_END_OF_LIST_OF_FILE) {
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "ZIP 目录损坏 / damaged ZIP directory");
		goto out;
	}
out:
	free(name);
	if (rc)
		mq_zip_close(z);
	else
		*out = z;
	return rc;
}

int mq_zip_stream(struct mq_zip_reader *z, size_t i, uint64_t limit,
		  int (*fn)(void *ctx, const void *data, size_t len), void *ctx,
		  uint64_t *out_bytes, struct mq_error *err)
{
	const struct mq_zip_entry *e = &z->entries[i];
	uint64_t total = 0;
	int rc = 0;
	if (out_bytes)
		*out_bytes = 0;
	if (unzGoToFilePos64(z->uf, &z->pos[i]) != UNZ_OK || unzOpenCurrentFile(z->uf) != UNZ_OK)
		return mq_fail(err, MQ_ERR_VERIFY, e->name, 0, "无法打开成员（本地文件头损坏）/ cannot open member (damaged local header)");
	for (;;) {
		int n = unzReadCurrentFile(z->uf, z->buf, IO_CHUNK);
		if (n == 0)
			break;
		if (n < 0) {
			rc = mq_fail(err, MQ_ERR_VERIFY, e->name, 0, "数据损坏，无法解压 / damaged data, cannot inflate");
			break;
		}
		total += (uint64_t)n;
		if (total > limit) {
			rc = mq_fail(err, MQ_ERR_LIMIT, e->name, 0, "解压后超过大小上限 %llu 字节 / inflated size passes the limit of %llu bytes",
				     (unsigned long long)limit, (unsigned long long)limit);
			break;
		}
		rc = fn(ctx, z->buf, (size_t)n);
		if (rc)
			break;
	}
	int crc = unzCloseCurrentFile(z->uf);
	if (!rc && total != e->size)
		rc = mq_fail(err, MQ_ERR_VERIFY, e->name, 0, "大小与目录不符（%llu ≠ %llu）/ size differs from the directory (%llu != %llu)",
			     (unsigned long long)total, (unsigned long long)e->size,
			     (unsigned long long)total, (unsigned long long)e->size);
	if (!rc && crc == UNZ_CRCERROR)
		rc = mq_fail(err, MQ_ERR_VERIFY, e->name, 0, "CRC 校验失败 / CRC mismatch");
	else if (!rc && crc != UNZ_OK)
		rc = mq_fail(err, MQ_ERR_VERIFY, e->name, 0, "数据损坏 / damaged data");
	if (out_bytes)
		*out_bytes = total;
	return rc;
}

/* ingest.c — opening each input once, choosing its reader by content, and
 * expanding folders.
 *
 * An input is opened once and read once: the first bytes that decide its
 * kind are kept and handed to the reader ahead of the rest of the same
 * descriptor, so a pipe, a FIFO, /dev/stdin or `-` reads like a file.
 * Between the descriptor and the text readers sit two filters: UTF-16
 * (a BOM) to UTF-8, and tab-separated to comma-separated text (Excel's
 * "Unicode text"), so the CSV reader sees one dialect. A device, a pipe
 * that never delivers, or a stream longer than MAX_STREAM is refused with
 * a message instead of read for ever. */
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/utf8.h"
#include "minqing/ingest/ingest.h"
#include "ingest_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEAD_BYTES (64 << 10)
#define FIRST_BYTE_WAIT_MS 5000          /* a pipe silent this long has no writer */
#define MAX_STREAM (4LL << 30)           /* bytes one non-regular input may bring */
#define MAX_WORKBOOK_MEM (1LL << 30)     /* a workbook through a pipe is read whole */
#define TSV_FIELD_HOLD (1 << 20)         /* a TSV field held back to see if it needs quotes */

enum tsv_state { TSV_START, TSV_PLAIN, TSV_QUOTED, TSV_QUOTE_IN_QUOTED, TSV_AFTER, TSV_LONG };

struct input {
	const char *path;
	int fd;
	int regular;
	unsigned char *head;
	size_t nhead, hpos;
	long long total;            /* bytes taken from fd, head included */
	int too_long;
	int io_errno;
	iconv_t cd;                 /* UTF-16 to UTF-8, or (iconv_t)-1 */
	char raw[1 << 16];          /* UTF-16 bytes not yet converted */
	size_t nraw;
	int raw_eof;
	int tsv;
	enum tsv_state ts;
	struct mq_buf field;        /* a plain TSV field held back */
	struct mq_buf out;          /* bytes converted, not yet handed over */
	size_t outpos;
	int tsv_eof;
};

/* ---- layer 1: the descriptor, the kept head first ---- */

static ssize_t raw_read(struct input *in, char *buf, size_t n)
{
	if (in->hpos < in->nhead) {
		size_t k = in->nhead - in->hpos < n ? in->nhead - in->hpos : n;
		memcpy(buf, in->head + in->hpos, k);
		in->hpos += k;
		return (ssize_t)k;
	}
	for (;;) {
		ssize_t k = read(in->fd, buf, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			in->io_errno = errno;
			return -1;
		}
		in->total += k;
		if (!in->regular && in->total > MAX_STREAM) {
			in->too_long = 1;
			errno = EFBIG;
			return -1;
		}
		return k;
	}
}

/* ---- layer 2: UTF-16 to UTF-8 ---- */

static ssize_t utf8_read(struct input *in, char *buf, size_t n)
{
	if (in->cd == (iconv_t)-1)
		return raw_read(in, buf, n);
	if (n < 8)
		return 0;
	char *o = buf;
	size_t olen = n;
	while (o == buf) {
		if (!in->raw_eof && in->nraw < sizeof in->raw / 2) {
			ssize_t k = raw_read(in, in->raw + in->nraw, sizeof in->raw - in->nraw);
			if (k < 0)
				return -1;
			in->raw_eof = k == 0;
			in->nraw += (size_t)k;
		}
		if (in->nraw == 0)
			return 0;
		char *ip = in->raw;
		size_t ilen = in->nraw;
		size_t r = iconv(in->cd, &ip, &ilen, &o, &olen);
		if (r == (size_t)-1 && (errno == EILSEQ || (errno == EINVAL && in->raw_eof))) {
			/* a unit that is no character: one byte no UTF-8 has, so
			 * the cell is rejected as bad text (E010) */
			size_t skip = ilen >= 2 ? 2 : ilen;
			if (olen) {
				*o++ = (char)0xFF;
				olen--;
			}
			ip += skip;
			ilen -= skip;
		}
		memmove(in->raw, ip, ilen);
		in->nraw = ilen;
		if (o == buf && in->raw_eof && in->nraw == 0)
			return 0;
	}
	return o - buf;
}

/* ---- layer 3: tab-separated to comma-separated ---- */

/* A plain TSV field goes out as it is, or quoted when it holds a comma or
 * a quote. */
static int tsv_flush_field(struct input *in)
{
	int quote = memchr(in->field.data, ',', in->field.len) || memchr(in->field.data, '"', in->field.len);
	int rc = 0;
	if (quote)
		rc |= mq_buf_addc(&in->out, '"');
	for (size_t i = 0; !rc && i < in->field.len; i++) {
		if (in->field.data[i] == '"')
			rc |= mq_buf_addc(&in->out, '"');
		rc |= mq_buf_addc(&in->out, in->field.data[i]);
	}
	if (quote)
		rc |= mq_buf_addc(&in->out, '"');
	mq_buf_reset(&in->field);
	return rc ? -1 : 0;
}

static int tsv_byte(struct input *in, char c)
{
	struct mq_buf *o = &in->out;
	int end = c == '\t' || c == '\r' || c == '\n';
	char sep = c == '\t' ? ',' : c;
	switch (in->ts) {
	case TSV_START:
		if (c == '"') {
			in->ts = TSV_QUOTED;
			return mq_buf_addc(o, c);
		}
		if (end)
			return mq_buf_addc(o, sep);
		in->ts = TSV_PLAIN;
		return mq_buf_addc(&in->field, c);
	case TSV_PLAIN:
		if (end) {
			in->ts = TSV_START;
			return tsv_flush_field(in) || mq_buf_addc(o, sep) ? -1 : 0;
		}
		if (in->field.len >= TSV_FIELD_HOLD) {
			/* too long to hold: quote it from here on */
			in->ts = TSV_LONG;
			if (mq_buf_addc(o, '"'))
				return -1;
			for (size_t i = 0; i < in->field.len; i++)
				if ((in->field.data[i] == '"' && mq_buf_addc(o, '"')) ||
				    mq_buf_addc(o, in->field.data[i]))
					return -1;
			mq_buf_reset(&in->field);
			return tsv_byte(in, c);
		}
		return mq_buf_addc(&in->field, c);
	case TSV_LONG:
		if (end) {
			in->ts = TSV_START;
			return mq_buf_addc(o, '"') || mq_buf_addc(o, sep) ? -1 : 0;
		}
		return (c == '"' && mq_buf_addc(o, '"')) || mq_buf_addc(o, c) ? -1 : 0;
	case TSV_QUOTED:
		if (c == '"')
			in->ts = TSV_QUOTE_IN_QUOTED;
		return mq_buf_addc(o, c);
	case TSV_QUOTE_IN_QUOTED:
		if (c == '"') {
			in->ts = TSV_QUOTED;
			return mq_buf_addc(o, c);
		}
		in->ts = end ? TSV_START : TSV_AFTER;
		return mq_buf_addc(o, sep);
	case TSV_AFTER:     /* text after a closing quote: the CSV reader rejects it (E001) */
		if (end)
			in->ts = TSV_START;
		return mq_buf_addc(o, sep);
	}
	return 0;
}

static ssize_t tsv_read(struct input *in, char *buf, size_t n)
{
	if (!in->tsv)
		return utf8_read(in, buf, n);
	char chunk[1 << 15];
	while (in->outpos == in->out.len && !in->tsv_eof) {
		mq_buf_reset(&in->out);
		in->outpos = 0;
		ssize_t k = utf8_read(in, chunk, sizeof chunk);
		if (k < 0)
			return -1;
		if (k == 0) {
			in->tsv_eof = 1;
			int rc = in->ts == TSV_PLAIN ? tsv_flush_field(in)
				 : in->ts == TSV_LONG ? mq_buf_addc(&in->out, '"') : 0;
			if (rc) {
				errno = ENOMEM;
				return -1;
			}
			break;
		}
		for (ssize_t i = 0; i < k; i++)
			if (tsv_byte(in, chunk[i])) {
				errno = ENOMEM;
				return -1;
			}
	}
	size_t k = in->out.len - in->outpos < n ? in->out.len - in->outpos : n;
	memcpy(buf, in->out.data + in->outpos, k);
	in->outpos += k;
	return (ssize_t)k;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t n)
{
	return tsv_read(cookie, buf, n);
}

/* ---- opening ---- */

static int refuse(struct mq_error *err, const char *path, const char *zh, const char *en)
{
	return mq_fail(err, MQ_ERR_FORMAT, path, 0,
		       "看起来是%s，不是走访记录表；请在 Excel/WPS 中另存为 .xlsx 或 CSV 后再试 / "
		       "looks like %s, not a table of records: save it as .xlsx or CSV and try again", zh, en);
}

/* Opens path ("-": standard input) and reads its first bytes into in->head. */
static int open_input(struct input *in, const char *path, struct mq_error *err)
{
	int stdin_ = strcmp(path, "-") == 0;
	in->fd = stdin_ ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (in->fd < 0)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取输入文件 / cannot read input: %s", strerror(errno));
	struct stat st;
	if (fstat(in->fd, &st))
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取输入文件 / cannot read input: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return mq_fail(err, MQ_ERR_IO, path, 0, "是目录，不是文件 / a folder, not a file");
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return mq_fail(err, MQ_ERR_FORMAT, path, 0,
			       "是设备，不是文件；请给出导出的 CSV 或 .xlsx 文件 / a device, not a file: "
			       "give the exported CSV or .xlsx file");
	in->regular = S_ISREG(st.st_mode);
	if (!in->regular) {
		struct pollfd p = { .fd = in->fd, .events = POLLIN };
		int k;
		while ((k = poll(&p, 1, FIRST_BYTE_WAIT_MS)) < 0 && errno == EINTR)
			;
		if (k == 0)
			return mq_fail(err, MQ_ERR_IO, path, 0,
				       "%d 秒内没有收到任何数据（管道没有写入方？）/ nothing arrived within %d s "
				       "(a pipe nobody writes into?)", FIRST_BYTE_WAIT_MS / 1000, FIRST_BYTE_WAIT_MS / 1000);
	}
	if (!stdin_) {
		int fl = fcntl(in->fd, F_GETFL);
		if (fl >= 0)
			fcntl(in->fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	in->head = malloc(HEAD_BYTES);
	if (!in->head)
		return mq_fail_nomem(err, path, 0);
	while (in->nhead < HEAD_BYTES) {
		ssize_t k = read(in->fd, in->head + in->nhead, HEAD_BYTES - in->nhead);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return mq_fail(err, MQ_ERR_IO, path, 0, "读取输入文件出错 / read error: %s", strerror(errno));
		if (k == 0)
			break;
		in->nhead += (size_t)k;
	}
	in->total = (long long)in->nhead;
	return 0;
}

static void close_input(struct input *in)
{
	if (in->fd > 0)
		close(in->fd);
	if (in->cd != (iconv_t)-1)
		iconv_close(in->cd);
	free(in->head);
	mq_buf_free(&in->field);
	mq_buf_free(&in->out);
}

/* The reader's I/O error, told the way the clerk needs it. */
static int stream_error(struct input *in, int rc, struct mq_error *err)
{
	if (in->too_long)
		return mq_fail(err, MQ_ERR_LIMIT, in->path, 0,
			       "输入超过 %lld GiB 仍未结束，已停止读取；请先保存为文件 / the input went on past %lld GiB: "
			       "save it as a file first", MAX_STREAM >> 30, MAX_STREAM >> 30);
	if (in->io_errno)
		return mq_fail(err, MQ_ERR_IO, in->path, 0, "读取输入文件出错 / read error: %s", strerror(in->io_errno));
	return rc;
}

/* Comma-separated text in a regular file: a stream of its own on the
 * descriptor, from the start again (the kept head is the file's first
 * bytes), which glibc reads straight into the CSV reader's block; through
 * the layers' cookie stream every byte would be copied once more. */
static int read_plain_csv(struct input *in, const struct mq_ingest_opts *o, mq_record_fn fn, void *ctx,
			  struct mq_ingest_stats *stats, struct mq_error *err)
{
	int fd = dup(in->fd);
	FILE *fp = fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 ? fdopen(fd, "rb") : NULL;
	if (!fp) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return mq_fail(err, MQ_ERR_IO, in->path, 0, "读取输入文件出错 / read error: %s", strerror(e));
	}
	int rc = mq_ingest_csv_fp(fp, in->path, o, fn, ctx, stats, err);
	fclose(fp);
	return rc;
}

static int read_text(struct input *in, const struct mq_sniff *sn, const struct mq_ingest_opts *opts,
		     mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	struct mq_ingest_opts o = { 0 };
	if (opts)
		o = *opts;
	if (sn->utf16 && sn->kind != MQ_KIND_XML) {
		in->cd = iconv_open("UTF-8", sn->utf16 == 1 ? "UTF-16LE" : "UTF-16BE");
		if (in->cd == (iconv_t)-1)
			return mq_fail(err, MQ_ERR_IO, in->path, 0, "系统不支持UTF-16转换 / iconv lacks UTF-16");
		in->hpos = 2;           /* past the BOM */
		o.encoding = MQ_ENC_UTF8;
	}
	in->tsv = sn->kind == MQ_KIND_TSV;
	int xml = sn->kind == MQ_KIND_XML;
	if (in->regular && in->cd == (iconv_t)-1 && !in->tsv && !xml)
		return read_plain_csv(in, &o, fn, ctx, stats, err);
	cookie_io_functions_t io = { .read = cookie_read };
	/* the CSV reader asks for MQ_CSV_BLOCK bytes at a time: a stream
	 * buffer as large makes that one read of the file, not 128 of 8 KB
	 * each (a cookie stream fills its buffer whatever the request, and
	 * glibc keeps its own 8 KB unless given the memory) */
	char *buffer = xml ? NULL : malloc(MQ_CSV_BLOCK);
	FILE *fp = xml || buffer ? fopencookie(in, "rb", io) : NULL;
	if (!fp || (buffer && setvbuf(fp, buffer, _IOFBF, MQ_CSV_BLOCK))) {
		if (fp)
			fclose(fp);
		free(buffer);
		return mq_fail_nomem(err, in->path, 0);
	}
	int rc = xml ? mq_ingest_xml_fp(fp, in->path, &o, fn, ctx, stats, err)
		     : mq_ingest_csv_fp(fp, in->path, &o, fn, ctx, stats, err);
	fclose(fp);
	free(buffer);
	if (rc < 0)
		rc = stream_error(in, rc, err);
	return rc;
}

/* A workbook: a regular file is read where it lies, anything else whole. */
static int read_workbook(struct input *in, const struct mq_ingest_opts *opts, mq_record_fn fn, void *ctx,
			 struct mq_ingest_stats *stats, struct mq_error *err)
{
	struct mq_wb_source src = { .fd = in->fd };
	struct mq_buf whole = MQ_BUF_INIT_CAP(MAX_WORKBOOK_MEM);
	if (in->regular) {
		struct stat st;
		if (fstat(in->fd, &st))
			return mq_fail(err, MQ_ERR_IO, in->path, 0, "无法读取输入文件 / cannot read input: %s",
				       strerror(errno));
		src.size = st.st_size;
	} else {
		ssize_t k = 1;
		int rc = 0;
		while (k > 0 && !(rc = mq_buf_reserve(&whole, HEAD_BYTES * 4))) {
			k = raw_read(in, whole.data + whole.len, whole.alloc - 1 - whole.len);
			if (k > 0)
				whole.len += (size_t)k;
			whole.data[whole.len] = '\0';
		}
		if (rc || k < 0) {
			mq_buf_free(&whole);
			if (rc == MQ_ERR_LIMIT)
				return mq_fail(err, MQ_ERR_LIMIT, in->path, 0,
					       "通过管道传来的工作簿超过 1 GiB；请先保存为文件 / a workbook through a pipe "
					       "larger than 1 GiB: save it as a file first");
			return rc ? mq_fail_nomem(err, in->path, 0) : stream_error(in, MQ_ERR_IO, err);
		}
		src.mem = (const unsigned char *)whole.data;
		src.size = (long long)whole.len;
	}
	int rc = mq_ingest_xlsx(&src, in->path, opts, fn, ctx, stats, err);
	mq_buf_free(&whole);
	return rc;
}

/* FreeXL reads by path: a regular file through our descriptor, anything
 * else copied to a temporary file first. */
static int read_xls(struct input *in, const struct mq_ingest_opts *opts, mq_record_fn fn, void *ctx,
		    struct mq_ingest_stats *stats, struct mq_error *err)
{
	char path[64];
	if (in->regular) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", in->fd);
		return mq_ingest_xls(path, in->path, opts, fn, ctx, stats, err);
	}
	const char *dir = getenv("TMPDIR");
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s/minqing-xls-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(tmp);
	if (fd < 0)
		return mq_fail(err, MQ_ERR_IO, tmp, 0, "无法写入临时文件 / cannot write a temporary file: %s",
			       strerror(errno));
	char buf[1 << 16];
	ssize_t k;
	int rc = 0;
	while (!rc && (k = raw_read(in, buf, sizeof buf)) > 0)
		if (write(fd, buf, (size_t)k) != k)
			rc = mq_fail(err, MQ_ERR_IO, tmp, 0, "无法写入临时文件 / cannot write a temporary file: %s",
				     strerror(errno));
	if (!rc && k < 0)
		rc = stream_error(in, MQ_ERR_IO, err);
	close(fd);
	if (!rc)
		rc = mq_ingest_xls(tmp, in->path, opts, fn, ctx, stats, err);
	unlink(tmp);
	return rc;
}

static int find_utf16le(const unsigned char *s, size_t n, const char *ascii)
{
	size_t m = strlen(ascii);
	for (size_t i = 0; i + 2 * m <= n; i++) {
		size_t j = 0;
		while (j < m && s[i + 2 * j] == (unsigned char)ascii[j] && s[i + 2 * j + 1] == 0)
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

int mq_ingest_file(const char *path, const struct mq_ingest_opts *opts,
		   mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		   struct mq_error *err)
{
	struct input in = { .path = path, .fd = -1, .cd = (iconv_t)-1, .field = MQ_BUF_INIT, .out = MQ_BUF_INIT };
	struct mq_ingest_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	int rc = open_input(&in, path, err);
	if (rc)
		goto out;
	struct mq_sniff sn;
	mq_sniff(in.head, in.nhead, &sn);
	switch (sn.kind) {
	case MQ_KIND_EMPTY:
		/* nothing to read, but said so in the summary */
		stats->empty = 1;
		stats->format = "empty";
		stats->bytes = in.total;
		break;
	case MQ_KIND_REFUSED:
		rc = refuse(err, path, sn.what_zh, sn.what_en);
		break;
	case MQ_KIND_OLE2:
		if (find_utf16le(in.head, in.nhead, "EncryptedPackage"))
			rc = mq_fail(err, MQ_ERR_FORMAT, path, 0,
				     "是加密（设有打开密码）的工作簿，无法读取；请在 Excel/WPS 中去掉密码后另存为 .xlsx / "
				     "an encrypted (password-protected) workbook: remove the password in Excel/WPS and "
				     "save it as .xlsx");
		else
			rc = read_xls(&in, opts, fn, ctx, stats, err);
		break;
	case MQ_KIND_ZIP:
		stats->format = "XLSX";
		rc = read_workbook(&in, opts, fn, ctx, stats, err);
		break;
	default:
		rc = read_text(&in, &sn, opts, fn, ctx, stats, err);
		if (sn.kind == MQ_KIND_XML)
			stats->format = sn.utf16 ? "XML UTF-16" : "XML";
		else if (sn.utf16)
			stats->format = sn.kind == MQ_KIND_TSV ? "TSV UTF-16" : "CSV UTF-16";
		else if (sn.kind == MQ_KIND_TSV)
			stats->format = stats->encoding == MQ_ENC_GB18030 ? "TSV GB18030" : "TSV UTF-8";
		break;
	}
	if (!stats->bytes)
		stats->bytes = in.total;
out:
	close_input(&in);
	return rc;
}

typedef int (*read_fp_fn)(FILE *fp, const char *source_name, const struct mq_ingest_opts *opts,
			  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err);

/* Opens path and hands the stream to read_fp; regular_only refuses
 * anything but a regular file. */
static int read_path(const char *path, int regular_only, read_fp_fn read_fp, const struct mq_ingest_opts *opts,
		     mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取输入文件 / cannot read input: %s", strerror(errno));
	struct stat sb;
	int rc = regular_only && (fstat(fileno(fp), &sb) || !S_ISREG(sb.st_mode))
			 ? mq_fail(err, MQ_ERR_IO, path, 0, "不是普通文件 / not a regular file")
			 : read_fp(fp, path, opts, fn, ctx, stats, err);
	fclose(fp);
	return rc;
}

int mq_ingest_csv(const char *path, const struct mq_ingest_opts *opts,
		  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		  struct mq_error *err)
{
	return read_path(path, 0, mq_ingest_csv_fp, opts, fn, ctx, stats, err);
}

int mq_ingest_xml(const char *path, const struct mq_ingest_opts *opts,
		  mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats,
		  struct mq_error *err)
{
	return read_path(path, 1, mq_ingest_xml_fp, opts, fn, ctx, stats, err);
}

/* ---- folders ---- */

int mq_visit_header(struct mq_visit_reader *v, const char *const *cells, const size_t *lens, size_t n,
		    int empty_unknown)
{
	v->ncols = n;
	v->col_field = malloc((n ? n : 1) * sizeof *v->col_field);
	v->headers = malloc((n ? n : 1) * sizeof *v->headers);
	size_t *off = malloc((n ? n : 1) * sizeof *off);
	int rc = !v->col_field || !v->headers || !off ? MQ_ERR_NOMEM : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		off[i] = v->header_bytes.len;
		rc = mq_buf_add(&v->header_bytes, cells[i] ? cells[i] : "", cells[i] ? lens[i] : 0) ||
		     mq_buf_addc(&v->header_bytes, '\0') ? MQ_ERR_NOMEM : 0;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const char *h;
		v->headers[i] = v->header_bytes.data + off[i];
		size_t hl = mq_trim(v->headers[i], cells[i] ? lens[i] : 0, &h);
		v->col_field[i] = mq_field_lookup(h, hl);
		if (v->col_field[i] < 0 && (hl || empty_unknown) && v->opts && v->opts->unknown_column)
			v->opts->unknown_column(v->source, v->headers[i], v->ctx);
	}
	free(off);
	return rc;
}

void mq_visit_reader_free(struct mq_visit_reader *v)
{
	free(v->col_field);
	free(v->headers);
	mq_buf_free(&v->header_bytes);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file kinds a folder yields, by name: what else lies there (a
 * README.txt, a PDF) is listed as skipped, not read. */
static int known_extension(const char *name)
{
	static const char *const ext[] = { ".csv", ".tsv", ".xml", ".xlsx", ".xlsm", ".xls" };
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t k = strlen(ext[i]);
		if (n > k && strcasecmp(name + n - k, ext[i]) == 0)
			return 1;
	}
	return 0;
}

int mq_expand_inputs(char **inputs, int n, char ***out, int *nout, char ***skipped, int *nskipped,
		     struct mq_error *err)
{
	char **paths = NULL, **skip = NULL;
	size_t np = 0, alloc = 0, ns = 0, salloc = 0;
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(inputs[i], "-") && stat(inputs[i], &st)) {
			mq_strs_free(paths, np);
			mq_strs_free(skip, ns);
			return mq_fail(err, MQ_ERR_IO, inputs[i], 0, "找不到输入文件 / cannot open input: %s",
				       strerror(errno));
		}
		if (strcmp(inputs[i], "-") == 0 || !S_ISDIR(st.st_mode)) {
			if (mq_strs_push(&paths, &np, &alloc, strdup(inputs[i])))
				goto nomem;
			continue;
		}
		DIR *d = opendir(inputs[i]);
		if (!d) {
			mq_strs_free(paths, np);
			mq_strs_free(skip, ns);
			return mq_fail(err, MQ_ERR_IO, inputs[i], 0, "无法读取目录 / cannot read folder: %s",
				       strerror(errno));
		}
		size_t first = np, sfirst = ns;
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			size_t len = strlen(inputs[i]) + strlen(e->d_name) + 2;
			char *p = malloc(len);
			if (!p) {
				closedir(d);
				goto nomem;
			}
			snprintf(p, len, "%s/%s", inputs[i], e->d_name);
			if (stat(p, &st) || !S_ISREG(st.st_mode)) {
				free(p);
				continue;
			}
			int keep = known_extension(e->d_name);
			if (keep ? mq_strs_push(&paths, &np, &alloc, p) : mq_strs_push(&skip, &ns, &salloc, p)) {
				closedir(d);
				goto nomem;
			}
		}
		closedir(d);
		if (np > first) /* an empty folder: paths may still be NULL */
			qsort(paths + first, np - first, sizeof *paths, cmp_str);
		if (ns > sfirst)
			qsort(skip + sfirst, ns - sfirst, sizeof *skip, cmp_str);
	}
	*out = paths;
	*nout = (int)np;
	if (skipped) {
		*skipped = skip;
		*nskipped = (int)ns;
	} else {
		mq_strs_free(skip, ns);
	}
	return 0;
nomem:
	mq_strs_free(paths, np);
	mq_strs_free(skip, ns);
	return mq_fail_nomem(err, NULL, 0);
}

void mq_paths_free(char **paths, int n)
{
	mq_strs_free(paths, n > 0 ? (size_t)n : 0);
}

/* partial.c — the aggregator's whole state as a file (format in
 * include/minqing/figures/aggregate.h), and merging such files back. Integers are
 * written little-endian byte by byte, so a partial made on one machine
 * merges on any other. */
#include "aggregate_internal.h"

#include "minqing/core/error.h"
#include "minqing/core/buf.h"
#include "minqing/core/intern.h"
#include "minqing/core/files.h"
#include "minqing/core/date.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PARTIAL_MAGIC "MQPART1\n"
#define PARTIAL_VERSION 1u
#define ZBUF 65536

/* ---- compressed writer ---- */

struct zw {
	z_stream z;
	FILE *fp;
	int failed;
	unsigned char in[ZBUF], out[ZBUF];
	size_t n;
};

static void zw_deflate(struct zw *w, int flush)
{
	w->z.next_in = w->in;
	w->z.avail_in = (uInt)w->n;
	do {
		w->z.next_out = w->out;
		w->z.avail_out = ZBUF;
		int rc = deflate(&w->z, flush);
		if (rc == Z_STREAM_ERROR) {
			w->failed = 1;
			return;
		}
		size_t have = ZBUF - w->z.avail_out;
		if (have && fwrite(w->out, 1, have, w->fp) != have)
			w->failed = 1;
	} while (w->z.avail_out == 0);
	w->n = 0;
}

static void zw_bytes(struct zw *w, const void *p, size_t len)
{
	const unsigned char *s = p;
	while (len) {
		size_t k = ZBUF - w->n < len ? ZBUF - w->n : len;
		memcpy(w->in + w->n, s, k);
		w->n += k;
		s += k;
		len -= k;
		if (w->n == ZBUF)
			zw_deflate(w, Z_NO_FLUSH);
	}
}

static void zw_u32(struct zw *w, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	zw_bytes(w, b, 4);
}

static void zw_u64(struct zw *w, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	zw_bytes(w, b, 8);
}

static void zw_u64s(struct zw *w, const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		zw_u64(w, v[i]);
}

static void zw_i32(struct zw *w, int32_t v) { zw_u32(w, (uint32_t)v); }

static void zw_str(struct zw *w, const char *s)
{
	size_t len = strlen(s);
	zw_u32(w, (uint32_t)len);
	zw_bytes(w, s, len);
}

/* Groups a vote map or set by owner (key >> 32): offsets[nowners + 1],
 * candidates and values in owner order. */
struct groups {
	size_t *off;
	uint32_t *cand;
	uint64_t *val;
};

static int group_map(const struct agg_map *m, size_t nowners, struct groups *g)
{
	g->off = calloc(nowners + 2, sizeof *g->off);
	g->cand = malloc((m->n ? m->n : 1) * sizeof *g->cand);
	g->val = malloc((m->n ? m->n : 1) * sizeof *g->val);
	if (!g->off || !g->cand || !g->val)
		return -1;
	for (size_t e = 0; e < m->n; e++)
		g->off[(m->keys[e] >> 32) + 1]++;
	for (size_t o = 0; o < nowners; o++)
		g->off[o + 1] += g->off[o];
	size_t *fill = calloc(nowners + 1, sizeof *fill);
	if (!fill)
		return -1;
	for (size_t i = 0; i < m->map.nslots; i++) {
		size_t e = agg_map_at(m, i);
		if (e == (size_t)-1)
			continue;
		uint64_t key = m->keys[e];
		size_t o = (size_t)(key >> 32), at = g->off[o] + fill[o]++;
		g->cand[at] = (uint32_t)key;
		g->val[at] = m->vals ? m->vals[e] : 1;
	}
	free(fill);
	return 0;
}

static void groups_free(struct groups *g)
{
	free(g->off);
	free(g->cand);
	free(g->val);
}

static void zw_group(struct zw *w, const struct groups *g, size_t owner, int with_votes)
{
	size_t a = g->off[owner], b = g->off[owner + 1];
	zw_u32(w, (uint32_t)(b - a));
	for (size_t i = a; i < b; i++) {
		zw_u32(w, g->cand[i]);
		if (with_votes)
			zw_u64(w, g->val[i]);
	}
}

int mq_agg_write_partial(struct mq_agg *agg, const char *path, struct mq_error *err)
{
	struct mq_out o;
	int rc = mq_out_open(&o, path, err);
	if (rc)
		return rc;
	struct zw *w = calloc(1, sizeof *w);
	struct groups hh = { 0 }, county = { 0 }, names = { 0 }, vills = { 0 };
	if (!w || deflateInit(&w->z, 6) != Z_OK) {
		free(w);
		mq_out_abort(&o);
		return mq_fail_nomem(err, path, 0);
	}
	w->fp = o.fp;
	size_t nm = (size_t)agg->period.nmonths;
	if (group_map(&agg->households, agg->nvillages, &hh) ||
	    group_map(&agg->county_votes, agg->nvillages, &county) ||
	    group_map(&agg->name_votes, agg->ncadres, &names) ||
	    group_map(&agg->village_votes, agg->ncadres, &vills)) {
		rc = mq_fail_nomem(err, path, 0);
		goto done;
	}
	fwrite(PARTIAL_MAGIC, 1, 8, o.fp);
	unsigned char ver[4] = { PARTIAL_VERSION, 0, 0, 0 };
	fwrite(ver, 1, 4, o.fp);

	zw_str(w, agg->period.label);
	zw_i32(w, agg->period.first);
	zw_i32(w, agg->period.last);
	zw_i32(w, agg->run_date);
	zw_u64(w, agg->ref_fingerprint);
	zw_u32(w, (uint32_t)nm);
	int32_t ns = mq_intern_count(agg->strs);
	zw_u32(w, (uint32_t)ns);
	for (int32_t i = 0; i < ns; i++)
		zw_str(w, mq_intern_str(agg->strs, i));

	zw_u32(w, (uint32_t)agg->nvillages);
	for (size_t i = 0; i < agg->nvillages; i++) {
		const struct agg_village *v = &agg->villages[i];
		zw_u32(w, (uint32_t)v->township);
		zw_u32(w, (uint32_t)v->village);
		zw_u64s(w, v->count, AGG_V_NCOUNT);
		zw_u64s(w, v->topics, MQ_TOPIC_N);
		zw_u64s(w, agg->vmonths + i * nm * AGG_VM_N, nm * AGG_VM_N);
		zw_group(w, &hh, i, 0);
		zw_group(w, &county, i, 1);
	}

	zw_u32(w, (uint32_t)agg->ncadres);
	for (size_t i = 0; i < agg->ncadres; i++) {
		const struct agg_cadre *c = &agg->cadres[i];
		zw_u32(w, (uint32_t)c->id);
		zw_u64s(w, c->count, AGG_C_NCOUNT);
		zw_i32(w, c->first);
		zw_i32(w, c->last);
		zw_u32(w, (uint32_t)(agg->day_words * 8));
		zw_u64s(w, agg->days + i * agg->day_words, agg->day_words);
		zw_u64s(w, agg->cmonths + i * nm * AGG_CM_N, nm * AGG_CM_N);
		zw_group(w, &names, i, 1);
		zw_group(w, &vills, i, 1);
	}

	zw_u32(w, (uint32_t)agg->nassigns);
	for (size_t i = 0; i < agg->nassigns; i++) {
		zw_u32(w, (uint32_t)agg->assigns[i].cadre);
		zw_u32(w, (uint32_t)agg->assigns[i].household);
		zw_bytes(w, &agg->assigns[i].mask, 1);
	}
	zw_bytes(w, "END\n", 4);
	zw_deflate(w, Z_FINISH);
	if (w->failed)
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "写入部分结果失败 / writing the partial failed");
done:
	deflateEnd(&w->z);
	free(w);
	groups_free(&hh);
	groups_free(&county);
	groups_free(&names);
	groups_free(&vills);
	if (rc) {
		mq_out_abort(&o);
		return rc;
	}
	return mq_out_commit(&o, err);
}

/* ---- compressed reader ---- */

struct zr {
	z_stream z;
	FILE *fp;
	int failed;             /* short or damaged data */
	unsigned char in[ZBUF], out[ZBUF];
	size_t pos, len;
	int done;
};

static int zr_fill(struct zr *r)
{
	if (r->done)
		return -1;
	r->z.next_out = r->out;
	r->z.avail_out = ZBUF;
	while (r->z.avail_out == ZBUF) {
		if (!r->z.avail_in) {
			size_t got = fread(r->in, 1, ZBUF, r->fp);
			if (!got)
				return -1;
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)got;
		}
		int rc = inflate(&r->z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			r->done = 1;
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return -1;
	}
	r->pos = 0;
	r->len = ZBUF - r->z.avail_out;
	return r->len ? 0 : -1;
}

static void zr_bytes(struct zr *r, void *dst, size_t n)
{
	unsigned char *d = dst;
	while (n) {
		if (r->failed) {
			memset(d, 0, n);
			return;
		}
		if (r->pos == r->len && zr_fill(r)) {
			r->failed = 1;
			continue;
		}
		size_t k = r->len - r->pos < n ? r->len - r->pos : n;
		memcpy(d, r->out + r->pos, k);
		r->pos += k;
		d += k;
		n -= k;
	}
}

static uint32_t zr_u32(struct zr *r)
{
	unsigned char b[4];
	zr_bytes(r, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t zr_u64(struct zr *r)
{
	unsigned char b[8];
	zr_bytes(r, b, 8);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static int32_t zr_i32(struct zr *r) { return (int32_t)zr_u32(r); }

/* Adds the file's next n numbers into sum[0..n). */
static void zr_add_u64s(struct zr *r, uint64_t *sum, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum[i] += zr_u64(r);
}

/* Reads a length-prefixed string into buf (capped). */
/* Reads a table's length (at most 2^30 entries) and allocates the table,
 * elem bytes an entry (at least one entry). NULL when the input is
 * damaged (r->failed set) or memory is out (r->failed clear). */
static void *zr_table(struct zr *r, uint32_t *n, size_t elem)
{
	*n = zr_u32(r);
	if (!r->failed && *n > (1u << 30))
		r->failed = 1;
	return r->failed ? NULL : malloc((*n ? *n : 1) * elem);
}

static int zr_str(struct zr *r, struct mq_buf *buf)
{
	uint32_t len = zr_u32(r);
	mq_buf_reset(buf);
	if (r->failed || len > (1u << 24))
		return r->failed = 1, -1;
	while (len) {
		char chunk[4096];
		uint32_t k = len < sizeof chunk ? len : (uint32_t)sizeof chunk;
		zr_bytes(r, chunk, k);
		if (mq_buf_add(buf, chunk, k))
			return -1;
		len -= k;
	}
	return r->failed ? -1 : 0;
}

/* The local string id of a file string index (marks r failed when out of range). */
static int32_t str_of(struct zr *r, const int32_t *smap, uint32_t ns, uint32_t idx)
{
	if (idx < ns)
		return smap[idx];
	r->failed = 1;
	return 0;
}

static int add_vote(struct agg_map *m, uint64_t key, uint64_t n)
{
	int isnew;
	size_t slot = agg_map_put(m, key, &isnew);
	if (slot == (size_t)-1)
		return -1;
	m->vals[slot] += n;
	return 0;
}

/* A group of owner's votes as zw_group wrote it (string, count), into m;
 * -1 when out of memory. */
static int read_votes(struct zr *r, const int32_t *smap, uint32_t ns, struct agg_map *m, long owner)
{
	uint32_t n = zr_u32(r);
	for (uint32_t k = 0; k < n && !r->failed; k++) {
		int32_t s = str_of(r, smap, ns, zr_u32(r));
		if (add_vote(m, AGG_KEY(owner, s), zr_u64(r)))
			return -1;
	}
	return 0;
}

int mq_agg_merge_partial(struct mq_agg *agg, const char *path, struct mq_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取部分结果 / cannot read the partial file");
	struct zr *r = calloc(1, sizeof *r);
	struct mq_buf s = MQ_BUF_INIT;
	int32_t *smap = NULL;
	long *vmap = NULL;
	int rc = 0;
	unsigned char head[12];
	if (!r) {
		fclose(fp);
		return mq_fail_nomem(err, path, 0);
	}
	if (fread(head, 1, 12, fp) != 12 || memcmp(head, PARTIAL_MAGIC, 8) != 0) {
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "不是部分结果文件 / not a minqing partial file");
		goto out_nozlib;
	}
	uint32_t version = (uint32_t)head[8] | (uint32_t)head[9] << 8 | (uint32_t)head[10] << 16 |
			   (uint32_t)head[11] << 24;
	if (version != PARTIAL_VERSION) {
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0,
			     "部分结果版本不支持 / unsupported partial version %u", version);
		goto out_nozlib;
	}
	if (inflateInit(&r->z) != Z_OK) {
		rc = mq_fail_nomem(err, path, 0);
		goto out_nozlib;
	}
	r->fp = fp;
	size_t nm = (size_t)agg->period.nmonths;

	if (zr_str(r, &s))
		goto damaged;
	int32_t first = zr_i32(r), last = zr_i32(r), run = zr_i32(r);
	uint64_t fingerprint = zr_u64(r);
	uint32_t months = zr_u32(r);
	if (strcmp(s.data, agg->period.label) || first != agg->period.first || last != agg->period.last ||
	    run != agg->run_date || months != nm) {
		char want[11], got[11];
		mq_date_format(agg->run_date, want);
		mq_date_format(run, got);
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0,
			     "部分结果的报告期或运行日期不同 / partial is for period %s as of %s, not %s as of %s",
			     s.data, got, agg->period.label, want);
		goto out;
	}
	if (fingerprint != agg->ref_fingerprint) {
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0,
			     "部分结果使用了不同的参考数据 / partial was made with another registry, roster or assignments");
		goto out;
	}
	uint32_t ns, nv;
	if (!(smap = zr_table(r, &ns, sizeof *smap)))
		goto lost;
	for (uint32_t i = 0; i < ns; i++) {
		if (zr_str(r, &s))
			goto damaged;
		if ((smap[i] = mq_intern_id(agg->strs, s.data, s.len)) < 0)
			goto oom;
	}

	if (!(vmap = zr_table(r, &nv, sizeof *vmap)))
		goto lost;
	for (uint32_t i = 0; i < nv && !r->failed; i++) {
		uint32_t t = zr_u32(r), v = zr_u32(r);
		int32_t lt = str_of(r, smap, ns, t), lv = str_of(r, smap, ns, v);
		if (r->failed)
			break;
		long vi = vmap[i] = agg_village_index(agg, lt, lv);
		if (vi < 0)
			goto oom;
		struct agg_village *vil = &agg->villages[vi];
		for (int k = 0; k < AGG_V_NCOUNT; k++) {
			uint64_t n = zr_u64(r);
			vil->count[k] += n;
			if (k == AGG_V_VISITS)
				agg->in_period += (long long)n; /* every record counts one visit */
		}
		zr_add_u64s(r, vil->topics, MQ_TOPIC_N);
		zr_add_u64s(r, agg->vmonths + (size_t)vi * nm * AGG_VM_N, nm * AGG_VM_N);
		uint32_t nh = zr_u32(r);
		for (uint32_t k = 0; k < nh && !r->failed; k++) {
			int32_t h = str_of(r, smap, ns, zr_u32(r)), isnew;
			if (agg_map_put(&agg->households, AGG_KEY(vi, h), &isnew) == (size_t)-1)
				goto oom;
			agg->villages[vi].households += isnew;
		}
		if (read_votes(r, smap, ns, &agg->county_votes, vi))
			goto oom;
	}
	uint32_t ncad = zr_u32(r);
	for (uint32_t i = 0; i < ncad && !r->failed; i++) {
		int32_t id = str_of(r, smap, ns, zr_u32(r));
		if (r->failed)
			break;
		long ci = agg_cadre_index(agg, id);
		if (ci < 0)
			goto oom;
		struct agg_cadre *c = &agg->cadres[ci];
		zr_add_u64s(r, c->count, AGG_C_NCOUNT);
		mq_day f = zr_i32(r), l = zr_i32(r);
		if (f != MQ_NO_DAY && (c->first == MQ_NO_DAY || f < c->first))
			c->first = f;
		if (l != MQ_NO_DAY && (c->last == MQ_NO_DAY || l > c->last))
			c->last = l;
		if (zr_u32(r) != agg->day_words * 8)
			goto damaged;
		for (size_t k = 0; k < agg->day_words; k++)
			agg->days[(size_t)ci * agg->day_words + k] |= zr_u64(r);
		zr_add_u64s(r, agg->cmonths + (size_t)ci * nm * AGG_CM_N, nm * AGG_CM_N);
		if (read_votes(r, smap, ns, &agg->name_votes, ci))
			goto oom;
		uint32_t nvv = zr_u32(r);
		for (uint32_t k = 0; k < nvv && !r->failed; k++) {
			uint32_t fv = zr_u32(r);
			uint64_t n = zr_u64(r);
			if (fv >= nv)
				goto damaged;
			if (add_vote(&agg->village_votes, AGG_KEY(ci, vmap[fv]), n))
				goto oom;
		}
	}
	uint32_t na = zr_u32(r);
	for (uint32_t i = 0; i < na && !r->failed; i++) {
		int32_t c = str_of(r, smap, ns, zr_u32(r)), h = str_of(r, smap, ns, zr_u32(r));
		uint8_t mask;
		zr_bytes(r, &mask, 1);
		size_t slot = agg_map_find(&agg->assign_of, AGG_KEY(c, h));
		if (slot == (size_t)-1 && !r->failed) {
			rc = mq_fail(err, MQ_ERR_FORMAT, path, 0,
				     "部分结果使用了不同的帮扶关系 / partial was made with other assignments");
			goto out;
		}
		if (slot != (size_t)-1)
			agg->assigns[agg->assign_of.vals[slot]].mask |= mask;
	}
	char end[4];
	zr_bytes(r, end, 4);
	if (r->failed || memcmp(end, "END\n", 4) != 0)
		goto damaged;
	agg->dirty = 1;
	goto out;
lost:
	if (!r->failed)
		goto oom;
damaged:
	rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "部分结果文件已损坏 / partial file is damaged or truncated");
	goto out;
oom:
	rc = mq_fail_nomem(err, path, 0);
out:
	inflateEnd(&r->z);
out_nozlib:
	fclose(fp);
	free(r);
	free(smap);
	free(vmap);
	mq_buf_free(&s);
	return rc;
}

int mq_partial_run_date(const char *path, mq_day *run_date, struct mq_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return mq_fail(err, MQ_ERR_IO, path, 0, "无法读取部分结果 / cannot read the partial file");
	struct zr *r = calloc(1, sizeof *r);
	struct mq_buf s = MQ_BUF_INIT;
	unsigned char head[12];
	int rc = 0;
	if (!r || fread(head, 1, 12, fp) != 12 || memcmp(head, PARTIAL_MAGIC, 8) != 0 ||
	    inflateInit(&r->z) != Z_OK) {
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "不是部分结果文件 / not a minqing partial file");
		free(r);
		fclose(fp);
		return rc;
	}
	r->fp = fp;
	zr_str(r, &s);
	zr_i32(r);
	zr_i32(r);
	*run_date = zr_i32(r);
	if (r->failed)
		rc = mq_fail(err, MQ_ERR_FORMAT, path, 0, "部分结果文件已损坏 / partial file is damaged or truncated");
	inflateEnd(&r->z);
	fclose(fp);
	free(r);
	mq_buf_free(&s);
	return rc;
}

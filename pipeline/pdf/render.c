/* render.c — walks a template's blocks with the bound data, lays them out
 * page by page (flowing paragraphs, splitting tables with the header row
 * repeated, keeping headings with what follows) and draws through pdf.c.
 * Only the current block is held in memory; headers and footers, which
 * need the page count, are drawn on every page once the body is done. */
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/hashmap.h"
#include "minqing/core/intern.h"
#include "minqing/pdf/render.h"
#include "minqing/core/utf8.h"

#include "layout_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>

#define MAX_WARNINGS 1000
#define OUTLINE_DEPTH 16
#define RULE 0.5
#define FIT_MAX 0.3        /* share of the width a fit="content" column may take */
#define MEMO_DEPTH 8       /* context levels a memoised condition value may have */

static const uint8_t black[3] = {0, 0, 0};
static const uint8_t head_fill[3] = {0xE6, 0xE6, 0xE6};

/* One level of data context: a row of a data set, innermost first. */
struct frame {
	const struct mq_dataset *set;
	size_t row;
	const struct frame *up;
};

/* Where a piece of text came from, for coverage warnings. */
struct prov {
	const char *set;
	long row;
	const char *field;
};

struct rctx {
	const struct mq_template *t;
	const struct mq_data *d;
	struct mq_pdf *pdf;
	struct mq_error *err;
	struct mq_render_result *res;
	const struct mq_render_opts *opts; /* may be NULL */
	double x0, x1, ytop, ybot, y;
	int at_top;                /* nothing drawn yet on the current page */
	int only_keep;             /* the page holds only headings and captions so far */
	/* the blocks after the one being drawn (and their context): what a
	 * heading or a caption must keep on its page */
	const struct mq_block *next;
	int nnext;
	const struct frame *next_fr;
	int page_no, page_total;   /* for {page} / {pages} in header and footer */
	long line;                 /* template line of the block being rendered */
	struct mq_buf scratch, fmt, peek;
	struct mq_lines lines, peek_lines;  /* peek: a paragraph measured ahead */
	/* the value side of the condition evaluated last, expanded, and the
	 * context it was expanded in: a filter compares every row of a data
	 * set with the same value, so it is expanded once per pass */
	struct cond_memo {
		const struct mq_cond *c;
		const struct mq_dataset *set[MEMO_DEPTH];
		size_t row[MEMO_DEPTH];
		int depth, page_no, page_total, is_num;
		double num;
		struct mq_buf text;
	} memo;
	/* the column of a condition's left side in the rows it was last
	 * looked up in: a table filtered by its outer row (items where
	 * cadre_id = {cadre_id}) asks it of every row, for every outer row */
	struct lhs_memo {
		const struct mq_cond *c;
		const struct mq_dataset *set;
		size_t field;
	} lhs_memo;
	/* a set's rows in the order of one column's values (then of row): the
	 * rows a filter `column = value` passes are one run of them, found by
	 * halving instead of comparing every row (items where cadre_id =
	 * {cadre_id} under each of a county's cadres grew as their square) */
	struct eq_index {
		const struct mq_dataset *set;
		size_t field;
		uint32_t *rows;          /* NULL: none made */
	} eq;
	int counters[3];
	int ostack[OUTLINE_DEPTH], odepth[OUTLINE_DEPTH], nostack, obase;
	uint64_t *seen;            /* warning keys already reported; seen_map indexes them */
	size_t nseen, aseen;
	struct mq_hashmap seen_map;
	/* per-table scratch, grown on demand */
	struct table_cell {
		struct mq_buf text;
		struct mq_lines lines;
		int style;
	} *cells;
	size_t acells;             /* allocated (and initialised) entries of cells */
	/* the rows of a table drawn on this page, one under the other: their
	 * rules are drawn together when the run ends (a line down each
	 * column edge, not one per row) */
	struct grid_run {
		const double *x;   /* the table's column edges */
		int nx;
		double *y;         /* the top, then each row's bottom */
		size_t n, cap;
	} grid;
};

static int nomem(struct rctx *r) { return mq_fail_nomem(r->err, "", 0); }

static void grid_flush(struct rctx *r)
{
	if (r->grid.n >= 2)
		mq_pdf_grid(r->pdf, r->grid.x, r->grid.nx, r->grid.y, r->grid.n, RULE);
	r->grid.n = 0;
}

/* A row from top to bottom in a table of column edges x[0, nx). */
static int grid_add(struct rctx *r, const double *x, int nx, double top, double bottom)
{
	struct grid_run *gr = &r->grid;
	if (gr->n && (gr->x != x || gr->y[gr->n - 1] != top))
		grid_flush(r);
	if (mq_grow((void **)&gr->y, &gr->cap, gr->n + 2, sizeof *gr->y))
		return nomem(r);
	if (!gr->n) {
		gr->x = x;
		gr->nx = nx;
		gr->y[gr->n++] = top;
	}
	gr->y[gr->n++] = bottom;
	return 0;
}

static int tmpl_fail(struct rctx *r, const struct mq_block *b, const char *msg, const char *what)
{
	return mq_fail(r->err, MQ_ERR_FORMAT, r->t->path, b->line, "%s: %s", msg, what ? what : "");
}

/* ---- warnings ---- */

static uint64_t seen_hash(void *ctx, uint32_t e)
{
	return ((const struct rctx *)ctx)->seen[e];
}

static int seen_equal(void *ctx, uint32_t e, const void *key)
{
	return ((const struct rctx *)ctx)->seen[e] == *(const uint64_t *)key;
}

/* 1 when key (a hash of the warning) was reported before, else 0 and it
 * is recorded; -1 on OOM. */
static int seen_before(struct rctx *r, uint64_t key)
{
	size_t pos;
	if (!r->seen_map.slots && mq_hashmap_init(&r->seen_map, 50, seen_hash, seen_equal, r))
		return -1;
	if (mq_hashmap_find(&r->seen_map, key, &key, &pos) != MQ_HASHMAP_NONE)
		return 1;
	if (r->nseen >= MQ_HASHMAP_NONE || mq_grow((void **)&r->seen, &r->aseen, r->nseen + 1, sizeof *r->seen))
		return -1;
	r->seen[r->nseen] = key;
	if (mq_hashmap_insert(&r->seen_map, key, pos, (uint32_t)r->nseen))
		return -1;
	r->nseen++;
	return 0;
}

static int warn(struct rctx *r, const struct prov *pv, uint32_t cp)
{
	char key[256];
	int kl = snprintf(key, sizeof key, "%s\x1f%ld\x1f%s\x1f%X", pv->set, pv->row, pv->field, (unsigned)cp);
	int s = seen_before(r, mq_hash(key, (size_t)(kl < (int)sizeof key ? kl : (int)sizeof key - 1), 7));
	if (s < 0)
		return nomem(r);
	if (s)
		return 0;
	struct mq_render_result *res = r->res;
	res->nwarnings_total++;
	if (res->nwarnings >= MAX_WARNINGS)
		return 0;
	if (!res->warnings && !(res->warnings = calloc(MAX_WARNINGS, sizeof *res->warnings)))
		return nomem(r);
	struct mq_render_warning *w = &res->warnings[res->nwarnings++];
	snprintf(w->dataset, sizeof w->dataset, "%s", pv->set);
	snprintf(w->field, sizeof w->field, "%s", pv->field);
	w->row = pv->row;
	w->codepoint = cp;
	snprintf(w->message, sizeof w->message,
		 "字体无法显示字符 U+%04X（%s%s第 %ld 行 %s），以 [U+%04X] 代替 / "
		 "font cannot show U+%04X (set \"%s\" row %ld field \"%s\"), drawn as [U+%04X]",
		 (unsigned)cp, pv->set, *pv->set ? " " : "", pv->row + 1, pv->field, (unsigned)cp,
		 (unsigned)cp, pv->set, pv->row + 1, pv->field, (unsigned)cp);
	return 0;
}

/* ---- text expansion ---- */

static int use_font(struct rctx *r, int role)
{
	return mq_pdf_font(r->pdf, role, &r->t->fonts[role], r->err);
}

/* Appends s to out, replacing what the font cannot show by [U+XXXX]. */
static int cover(struct rctx *r, int role, const char *s, size_t len, const struct prov *pv,
		 struct mq_buf *out)
{
	if (role < 0)
		return mq_buf_add(out, s, len) ? nomem(r) : 0;
	int rc = use_font(r, role);
	for (size_t i = 0; i < len && !rc; ) {
		size_t run = mq_pdf_drawable(r->pdf, role, s + i, len - i);
		if (run) {   /* most text: added in one piece */
			rc = mq_buf_add(out, s + i, run) ? nomem(r) : 0;
			i += run;
			continue;
		}
		/* a character the fonts do not draw */
		uint32_t cp;
		int n = mq_utf8_next(s + i, len - i, &cp);
		if (cp == '\t')
			rc = mq_buf_addc(out, ' ');
		else if (cp == '\n')
			rc = mq_buf_addc(out, '\n');
		else if (cp == '\r')
			rc = 0;
		else if (!(rc = warn(r, pv, cp)))
			rc = mq_buf_printf(out, "[U+%04X]", (unsigned)cp);
		if (rc > 0)
			rc = nomem(r);
		i += (size_t)n;
	}
	return rc < 0 ? rc : (rc ? nomem(r) : 0);
}

/* Finds name in the context: the innermost row first, then scalars; NULL
 * when the data has no such field. */
static const char *find_field(struct rctx *r, const struct frame *fr, const char *name, struct prov *pv)
{
	static char num[32];
	for (; fr; fr = fr->up) {
		int i = mq_dataset_field(fr->set, name);
		if (i >= 0) {
			*pv = (struct prov){mq_dataset_name(fr->set), (long)fr->row, mq_dataset_field_name(fr->set, (size_t)i)};
			const char *v = mq_dataset_value(fr->set, fr->row, (size_t)i);
			return v ? v : "";
		}
	}
	*pv = (struct prov){"", -1, name};
	if (r->page_no && (strcmp(name, "page") == 0 || strcmp(name, "pages") == 0)) {
		snprintf(num, sizeof num, "%d", name[4] ? r->page_total : r->page_no);
		return num;
	}
	const char *v = mq_data_get(r->d, name);
	if (!v && strcmp(name, "title") == 0)
		v = r->t->title;
	return v;
}

/* The same, "" for a field the data lacks (conditions on optional fields) */
static const char *lookup(struct rctx *r, const struct frame *fr, const char *name, struct prov *pv)
{
	const char *v = find_field(r, fr, name, pv);
	return v ? v : "";
}

/* Expands {name|format} placeholders of tmpl into out; role >= 0 also
 * checks every character against that font. */
static int expand(struct rctx *r, const struct frame *fr, const char *tmpl, int role, struct mq_buf *out)
{
	static const struct prov literal = {"", -1, ""};
	const char *p = tmpl;
	int rc = 0;
	while (*p && !rc) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			rc = cover(r, role, p, 1, &literal, out);
			p += 2;
			continue;
		}
		if (*p != '{') {
			size_t n = strcspn(p, "{}");
			if (!n)
				n = 1;
			rc = cover(r, role, p, n, &literal, out);
			p += n;
			continue;
		}
		const char *end = strchr(p, '}');
		if (!end)
			break;  /* rejected at load */
		char name[128], fmt[32] = "";
		const char *bar = memchr(p, '|', (size_t)(end - p));
		size_t nl = (size_t)((bar ? bar : end) - p - 1);
		if (nl >= sizeof name)
			nl = sizeof name - 1;
		memcpy(name, p + 1, nl);
		name[nl] = '\0';
		if (bar) {
			size_t fl = (size_t)(end - bar - 1);
			if (fl >= sizeof fmt)
				fl = sizeof fmt - 1;
			memcpy(fmt, bar + 1, fl);
			fmt[fl] = '\0';
		}
		struct prov pv;
		const char *v = find_field(r, fr, name, &pv);
		if (!v) /* a misspelt field would print as "—" in an official text */
			return mq_fail(r->err, MQ_ERR_FORMAT, r->t->path, r->line,
				       "模板引用了数据中没有的字段 {%s} / the template names a field the data does not have: {%s}",
				       name, name);
		mq_buf_reset(&r->fmt);
		if (mq_format_value(&r->fmt, v, fmt))
			return nomem(r);
		rc = cover(r, role, r->fmt.data, r->fmt.len, &pv, out);
		p = end + 1;
	}
	return rc;
}

/* ---- conditions ---- */

static int parse_number(const char *s, double *v)
{
	char *end;
	if (!*s)
		return 0;
	*v = strtod(s, &end);
	return *end == '\0';
}

/* b_is_num and y: whether b is a number and its value (parse_number) */
static int compare(const char *a, int op, const char *b, int b_is_num, double y)
{
	double x;
	int c;
	if (b_is_num && parse_number(a, &x))
		c = x < y ? -1 : x > y;
	else
		c = strcmp(a, b);
	switch (op) {
	case MQ_OP_EQ: return c == 0;
	case MQ_OP_NE: return c != 0;
	case MQ_OP_LT: return c < 0;
	case MQ_OP_LE: return c <= 0;
	case MQ_OP_GT: return c > 0;
	default: return c >= 0;
	}
}

static int row_passes(struct rctx *r, const struct mq_cond *c, const struct frame *row, const struct frame *outer, int *ok);

/* Expands c's value side in outer into r->memo, unless the memo holds it
 * already: same condition, same rows of the same data sets all the way
 * out, same page (scalars do not change while a document is drawn). */
static int memo_rhs(struct rctx *r, const struct mq_cond *c, const struct frame *outer)
{
	struct cond_memo *m = &r->memo;
	const struct frame *f = outer;
	int depth = 0, same = m->c == c && m->page_no == r->page_no && m->page_total == r->page_total;
	for (; f && depth < MEMO_DEPTH; f = f->up, depth++)
		same = same && depth < m->depth && m->set[depth] == f->set && m->row[depth] == f->row;
	same = same && !f && depth == m->depth;
	if (same)
		return 0;
	m->c = NULL;
	mq_buf_reset(&m->text);
	int rc = expand(r, outer, c->rhs, -1, &m->text);
	m->is_num = !rc && parse_number(m->text.data, &m->num);
	if (rc || f)   /* an error, or a context too deep to remember */
		return rc;
	for (f = outer, depth = 0; f; f = f->up, depth++) {
		m->set[depth] = f->set;
		m->row[depth] = f->row;
	}
	m->depth = depth;
	m->page_no = r->page_no;
	m->page_total = r->page_total;
	m->c = c;
	return 0;
}

/* c's left side, looked up from `here` (a row or the context) */
static const char *lhs_value(struct rctx *r, const struct mq_cond *c, const struct frame *here)
{
	struct lhs_memo *lm = &r->lhs_memo;
	if (!here || lm->c != c || lm->set != here->set) {
		/* the innermost row's own column is remembered; a field found
		 * further out is looked up each time (lookup's order: that row
		 * first) */
		int i = here ? mq_dataset_field(here->set, c->lhs) : -1;
		if (i < 0) {
			struct prov pv;
			return lookup(r, here, c->lhs, &pv);
		}
		*lm = (struct lhs_memo){c, here->set, (size_t)i};
	}
	const char *v = mq_dataset_value(here->set, here->row, lm->field);
	return v ? v : "";
}

/* Whether row passes the comparison c, whose value side memo_rhs has
 * expanded for the row's outer frame already. */
static int row_matches(struct rctx *r, const struct mq_cond *c, const struct frame *row)
{
	return compare(lhs_value(r, c, row), c->op, r->memo.text.data, r->memo.is_num, r->memo.num);
}

/* Evaluates c: lhs is looked up from `here` (a row or the context), the
 * value side is expanded in `outer`. */
static int eval_cond(struct rctx *r, const struct mq_cond *c, const struct frame *here,
		     const struct frame *outer, const struct mq_cond *filter, int *ok)
{
	*ok = 1;
	if (c->kind == MQ_COND_NONE)
		return 0;
	if (c->kind == MQ_COND_NONEMPTY || c->kind == MQ_COND_EMPTY) {
		const struct mq_dataset *s = mq_data_find(r->d, c->lhs);
		size_t n = 0;
		for (size_t i = 0; s && i < mq_dataset_rows(s) && !n; i++) {
			struct frame f = {s, i, outer};
			int pass;
			int rc = row_passes(r, filter, &f, outer, &pass);
			if (rc)
				return rc;
			n += pass;
		}
		*ok = (c->kind == MQ_COND_NONEMPTY) == (n > 0);
		return 0;
	}
	int rc = memo_rhs(r, c, outer);
	if (!rc)
		*ok = row_matches(r, c, here);
	return rc;
}

/* 1 when rows of a set are filtered by c with one value side for all:
 * a comparison (then expanded now, in outer); 0 when each row is to go
 * through eval_cond. */
static int filter_once(struct rctx *r, const struct mq_cond *c, const struct frame *outer, int *rc)
{
	*rc = 0;
	if (c->kind == MQ_COND_NONE || c->kind == MQ_COND_NONEMPTY || c->kind == MQ_COND_EMPTY)
		return 0;
	*rc = memo_rhs(r, c, outer);
	return !*rc;
}

static int row_passes(struct rctx *r, const struct mq_cond *c, const struct frame *row,
		      const struct frame *outer, int *ok)
{
	static const struct mq_cond none = {0};
	return eval_cond(r, c, row, outer, &none, ok);
}

static int eq_cmp(const void *a, const void *b, void *ctx)
{
	const struct eq_index *e = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const char *u = mq_dataset_value(e->set, x, e->field), *v = mq_dataset_value(e->set, y, e->field);
	int c = strcmp(u ? u : "", v ? v : "");
	return c ? c : (x > y) - (x < y);
}

/* The first of rows[lo, hi) whose value compares above key (above or
 * equal when !past) */
static size_t eq_bound(const struct eq_index *e, size_t lo, size_t hi, const char *key, int past)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *v = mq_dataset_value(e->set, e->rows[mid], e->field);
		int c = strcmp(v ? v : "", key);
		if (c < 0 || (past && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first of rows[lo, hi) after row `row` (a run's rows ascend) */
static size_t eq_after(const struct eq_index *e, size_t lo, size_t hi, size_t row)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->rows[mid] <= row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* For a pass over set that filter_once began (once): when c is `column
 * = text` on a column of set, the run [*lo, *hi) of r->eq.rows its rows
 * pass and 1; else 0 (each row is compared). -1 on OOM. */
static int pass_run(struct rctx *r, const struct mq_cond *c, const struct mq_dataset *set, int once,
		    size_t *lo, size_t *hi)
{
	if (!once || !set || c->op != MQ_OP_EQ || r->memo.is_num)
		return 0;
	int field = mq_dataset_field(set, c->lhs);
	size_t n = mq_dataset_rows(set);
	if (field < 0 || n > UINT32_MAX)
		return 0;
	struct eq_index *e = &r->eq;
	if (!e->rows || e->set != set || e->field != (size_t)field) {
		free(e->rows);
		*e = (struct eq_index){set, (size_t)field, malloc((n ? n : 1) * sizeof *e->rows)};
		if (!e->rows)
			return -1;
		for (size_t i = 0; i < n; i++)
			e->rows[i] = (uint32_t)i;
		qsort_r(e->rows, n, sizeof *e->rows, eq_cmp, e);
	}
	const char *key = r->memo.text.data ? r->memo.text.data : "";
	*lo = eq_bound(e, 0, n, key, 0);
	*hi = eq_bound(e, *lo, n, key, 1);
	return 1;
}

/* row_passes for a row of a pass over a set that filter_once began
 * (once: its value side is expanded already) */
static int row_in_pass(struct rctx *r, const struct mq_cond *c, const struct frame *row, int once, int *ok)
{
	if (!once)
		return row_passes(r, c, row, row->up, ok);
	*ok = row_matches(r, c, row);
	return 0;
}

/* ---- pages ---- */

static int new_page(struct rctx *r)
{
	const struct mq_template *t = r->t;
	grid_flush(r);
	int rc = mq_pdf_add_page(r->pdf, t->page_w, t->page_h);
	if (rc < 0)
		return rc == MQ_ERR_LIMIT ? mq_fail(r->err, rc, "", 0, "页数超过上限 / too many pages")
					  : mq_fail(r->err, MQ_ERR_IO, "", 0, "无法新建页面 / cannot add a page");
	r->y = r->ytop;
	r->at_top = 1;
	r->only_keep = 1;
	if (r->opts && r->opts->on_page)
		r->opts->on_page(r->opts->on_page_ctx);
	return 0;
}

/* Starts a new page unless h points still fit below y. */
static int ensure(struct rctx *r, double h)
{
	if (r->y - h >= r->ybot - 0.01 || r->at_top)
		return 0;
	return new_page(r);
}

/* A block's space above it, but none at the top of a page. */
static void space_before(struct rctx *r, const struct mq_style *s)
{
	if (!r->at_top)
		r->y -= s->space_before;
}

/* Below h points just drawn: the page holds something now. */
static void advance(struct rctx *r, double h)
{
	r->y -= h;
	r->at_top = 0;
}

static double baseline(double top, double leading, double size)
{
	return top - leading / 2 - 0.36 * size;
}

struct wctx {
	struct mq_pdf *pdf;
	int role;
	double size;
};

static double width_of(void *ctx, uint32_t cp)
{
	struct wctx *w = ctx;
	return mq_pdf_width(w->pdf, w->role, cp) * w->size;
}

static double text_width(struct rctx *r, const struct mq_style *s, const char *txt, size_t len)
{
	struct wctx w = {r->pdf, s->font, s->size};
	double sum = 0;
	for (size_t i = 0; i < len; ) {
		uint32_t cp;
		int n = mq_utf8_decode(txt + i, len - i, &cp);
		if (!n)
			break;
		sum += width_of(&w, cp);
		i += (size_t)n;
	}
	return sum;
}

static int break_text(struct rctx *r, const struct mq_style *s, const char *txt, size_t len,
		      double width, double indent, int flags, struct mq_lines *out)
{
	struct wctx w = {r->pdf, s->font, s->size};
	return mq_break_lines(txt, len, width, indent, flags, width_of, &w, out) ? nomem(r) : 0;
}

/* Draws [s, s + len) from x as runs of one kind of gap: a justified line
 * widens only the gaps mq_gap_stretches allows (one text run with a
 * character spacing per run of such gaps), and a mark squeezed before
 * another (mq_punct_squeeze) starts the next run half an em early. */
static void draw_runs(struct rctx *r, const struct mq_style *st, double x, double base,
		      const char *s, size_t len, double extra)
{
	if (extra == 0 && !mq_punct_squeezes(s, len)) {   /* one run: no width needed */
		mq_pdf_text(r->pdf, st->font, st->size, st->rgb, x, base, s, len, 0);
		return;
	}
	struct wctx w = {r->pdf, st->font, st->size};
	size_t run = 0, i = 0;
	double run_x = x, pos = x;
	int mode = -1;             /* gaps inside the current run: 1 stretch, 0 not */
	uint32_t prev = 0;
	while (i < len) {
		uint32_t cp;
		int n = mq_utf8_next(s + i, len - i, &cp);
		if (i > run) {
			int st_gap = extra > 0 && mq_gap_stretches(prev, cp), sq = mq_punct_squeeze(prev, cp);
			double adv = width_of(&w, prev) + (st_gap ? extra : 0) - (sq ? width_of(&w, prev) / 2 : 0);
			if (sq || (mode >= 0 && mode != st_gap)) {
				mq_pdf_text(r->pdf, st->font, st->size, st->rgb, run_x, base, s + run, i - run,
					    mode == 1 ? extra : 0);
				run = i;
				run_x = pos + adv;
				mode = -1;
			} else {
				mode = st_gap;
			}
			pos += adv;
		}
		prev = cp;
		i += (size_t)n;
	}
	if (len > run)
		mq_pdf_text(r->pdf, st->font, st->size, st->rgb, run_x, base, s + run, len - run, mode == 1 ? extra : 0);
}

/* Draws one broken line inside [x, x + width] with the style's alignment;
 * a paragraph's last line is never spread. */
static void draw_line(struct rctx *r, const struct mq_style *s, int align, const char *txt,
		      const struct mq_line *ln, double x, double width, double indent, double top)
{
	double avail = width - indent, dx = indent, extra = 0;
	const char *t = txt + ln->start;
	size_t len = ln->end - ln->start;
	if (align == MQ_ALIGN_CENTER)
		dx += (avail - ln->width) / 2;
	else if (align == MQ_ALIGN_RIGHT)
		dx += avail - ln->width;
	else if (align == MQ_ALIGN_JUSTIFY && !ln->last && ln->nchars > 1 && avail > ln->width) {
		int gaps = 0;
		uint32_t prev = 0, cp;
		for (size_t i = 0; i < len; ) {
			int n = mq_utf8_next(t + i, len - i, &cp);
			gaps += i > 0 && mq_gap_stretches(prev, cp);
			prev = cp;
			i += (size_t)n;
		}
		if (gaps)
			extra = (avail - ln->width) / gaps;
	}
	draw_runs(r, s, x + dx, baseline(top, s->leading, s->size), t, len, extra);
}

/* Flows text (already expanded) in style s across pages: at least two
 * lines of a paragraph on each side of a page break; keep > 0 (a
 * caption) keeps the whole text on the page with keep points below it. */
static int flow(struct rctx *r, const struct mq_style *s, const char *txt, size_t len, double keep)
{
	double width = r->x1 - r->x0, indent = s->indent * s->size;
	int rc = break_text(r, s, txt, len, width, indent, 0, &r->lines);
	if (rc)
		return rc;
	space_before(r, s);
	size_t n = r->lines.n, i = 0;
	if (keep > 0 && (rc = ensure(r, (double)n * s->leading + s->space_after + keep)))
		return rc;
	while (i < n) {
		size_t rest = n - i;
		double room = (r->y - r->ybot + 0.01) / s->leading;
		size_t fit = room < 0 ? 0 : (size_t)floor(room);
		if (fit >= rest) {
			fit = rest;
		} else if (!r->at_top) {
			if (rest - fit < 2)
				fit = rest >= 2 ? rest - 2 : 0;
			if (fit < 2 || fit < (rest < 2 ? rest : 2)) {
				if ((rc = new_page(r)))
					return rc;
				continue;
			}
		} else {
			/* a paragraph longer than a page */
			if (fit < 1)
				fit = 1;
			if (rest - fit < 2 && fit > 2)
				fit = rest - 2;
		}
		for (size_t k = 0; k < fit; k++, i++) {
			draw_line(r, s, s->align, txt, &r->lines.v[i], r->x0, width, i ? 0 : indent, r->y);
			advance(r, s->leading);
		}
		if (i < n && (rc = new_page(r)))
			return rc;
	}
	r->y -= s->space_after;
	return 0;
}

static int eval_cond(struct rctx *r, const struct mq_cond *c, const struct frame *here,
		     const struct frame *outer, const struct mq_cond *filter, int *ok);

/* Rows a table prints: those its filter passes, and its totals row. */
static int table_rows(struct rctx *r, const struct mq_block *b, const struct mq_dataset *set,
		      const struct frame *fr, size_t *n)
{
	*n = b->total_label_col >= 0;
	int rc, once = filter_once(r, &b->where, fr, &rc);
	size_t lo, hi;
	int run = rc ? 0 : pass_run(r, &b->where, set, once, &lo, &hi);
	if (run) {
		*n += run > 0 ? hi - lo : 0;
		return run > 0 ? 0 : nomem(r);
	}
	for (size_t i = 0; !rc && set && i < mq_dataset_rows(set); i++) {
		struct frame f = {set, i, fr};
		int ok;
		if (!(rc = row_in_pass(r, &b->where, &f, once, &ok)))
			*n += ok;
	}
	return rc;
}

/* Body rows that stay with a table's header on its first page. */
static size_t keep_rows(size_t nrows)
{
	return nrows <= 3 ? nrows : 2;
}

/* The lines a paragraph needs at the foot of a page: two, or all of a
 * paragraph of three lines or fewer (flow keeps two lines on each side of
 * a break, so such a paragraph moves whole). Its text is broken here,
 * without the font check (expanded again when it is drawn). */
static double para_start_lines(struct rctx *r, const struct mq_block *b, const struct mq_style *s,
			       const struct frame *fr)
{
	mq_buf_reset(&r->peek);
	if (use_font(r, s->font) || expand(r, fr, b->text, -1, &r->peek) ||
	    break_text(r, s, r->peek.data, r->peek.len, r->x1 - r->x0, s->indent * s->size, 0,
		       &r->peek_lines))
		return 2;  /* the error comes again when the paragraph is drawn */
	size_t n = r->peek_lines.n;
	return n >= 4 ? 2 : n ? (double)n : 1;
}

/* The height the start of blocks b[0..n) needs on a page: two lines of a
 * paragraph (all of a short one), a table's header and two rows, a heading
 * or caption with what it keeps. An estimate: tables are not measured. */
static double start_height(struct rctx *r, const struct mq_block *b, int n, const struct frame *fr,
			   int depth)
{
	if (n <= 0 || depth > 8)
		return 0;
	const struct mq_style *s = &r->t->styles[b->style];
	int ok;
	switch (b->kind) {
	case MQ_B_TITLE: case MQ_B_HEADING:
		return s->space_before + s->leading + s->space_after + start_height(r, b + 1, n - 1, fr, depth + 1);
	case MQ_B_PARA:
		if (s->keep_next)
			return s->space_before + s->leading + s->space_after + start_height(r, b + 1, n - 1, fr, depth + 1);
		return s->space_before + para_start_lines(r, b, s, fr) * s->leading;
	case MQ_B_TABLE: {
		size_t nrows = 0;
		if (table_rows(r, b, b->data ? mq_data_find(r->d, b->data) : NULL, fr, &nrows))
			return 0;
		return s->space_before + (double)(1 + keep_rows(nrows)) * (s->leading + 2 * s->pad_y);
	}
	case MQ_B_BAR: case MQ_B_KV: case MQ_B_SIGN:
		return s->space_before + 2 * s->leading;
	case MQ_B_SPACE:
		return b->space + start_height(r, b + 1, n - 1, fr, depth + 1);
	case MQ_B_IF:
		if (eval_cond(r, &b->cond, fr, fr, &b->where, &ok))
			return 0;
		if (ok ? b->nchild : b->nalt)
			return ok ? start_height(r, b->child, b->nchild, fr, depth + 1)
				  : start_height(r, b->alt, b->nalt, fr, depth + 1);
		return start_height(r, b + 1, n - 1, fr, depth + 1);
	case MQ_B_EACH: {
		const struct mq_dataset *set = b->data ? mq_data_find(r->d, b->data) : NULL;
		for (size_t i = 0; set && i < mq_dataset_rows(set); i++) {
			struct frame f = {set, i, fr};
			if (eval_cond(r, &b->where, &f, fr, &(struct mq_cond){0}, &ok))
				return 0;
			/* sections on pages of their own: what leads into
			 * them goes to the top of the first one */
			if (ok && b->newpage)
				return r->ytop - r->ybot + 1;
			if (ok)
				return start_height(r, b->child, b->nchild, &f, depth + 1);
		}
		return start_height(r, b + 1, n - 1, fr, depth + 1);
	}
	default:
		return 0;
	}
}

static double next_height(struct rctx *r)
{
	return start_height(r, r->next, r->nnext, r->next_fr, 0);
}

/* ---- blocks ---- */

static int render_blocks(struct rctx *r, const struct mq_block *b, int n, const struct frame *fr);

static void cn_number(int n, char *out, size_t size)
{
	static const char *const digit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
	if (n < 10)
		snprintf(out, size, "%s", digit[n]);
	else if (n < 20)
		snprintf(out, size, "十%s", n % 10 ? digit[n % 10] : "");
	else if (n < 100)
		snprintf(out, size, "%s十%s", digit[n / 10], n % 10 ? digit[n % 10] : "");
	else
		snprintf(out, size, "%d", n);
}

/* Adds a bookmark at the current position, `depth` levels deep. */
static int bookmark(struct rctx *r, const char *title, int depth)
{
	while (r->nostack && r->odepth[r->nostack - 1] >= depth)
		r->nostack--;
	int parent = r->nostack ? r->ostack[r->nostack - 1] : -1;
	int id = mq_pdf_outline(r->pdf, parent, title, mq_pdf_page_count(r->pdf) - 1, r->y);
	if (id < 0)
		return mq_fail(r->err, MQ_ERR_IO, "", 0, "无法添加书签 / cannot add a bookmark");
	if (r->nostack < OUTLINE_DEPTH) {
		r->ostack[r->nostack] = id;
		r->odepth[r->nostack++] = depth;
	}
	return 0;
}

static int do_text_block(struct rctx *r, const struct mq_block *b, const struct frame *fr)
{
	const struct mq_style *s = &r->t->styles[b->style];
	struct mq_buf *txt = &r->scratch;
	char num[64] = "";
	mq_buf_reset(txt);
	if (b->kind == MQ_B_HEADING && b->number) {
		int lv = b->level - 1;
		r->counters[lv]++;
		for (int i = lv + 1; i < 3; i++)
			r->counters[i] = 0;
		char cn[32];
		cn_number(r->counters[lv], cn, sizeof cn);
		if (lv == 0)
			snprintf(num, sizeof num, "%s、", cn);
		else if (lv == 1)
			snprintf(num, sizeof num, "（%s）", cn);
		else
			snprintf(num, sizeof num, "%d．", r->counters[lv]);
	}
	int rc = cover(r, s->font, num, strlen(num), &(struct prov){"", -1, ""}, txt);
	if (!rc)
		rc = expand(r, fr, b->text, s->font, txt);
	if (rc)
		return rc;
	int keeps = b->kind != MQ_B_PARA || s->keep_next, only_keep = r->only_keep;
	if (b->kind != MQ_B_HEADING) {
		rc = flow(r, s, txt->data, txt->len, keeps ? next_height(r) + 0.01 : 0);
		r->only_keep = only_keep && keeps;
		return rc;
	}
	/* a heading moves to the next page with the start of what follows */
	space_before(r, s);
	if ((rc = ensure(r, s->leading + s->space_after + next_height(r))))
		return rc;
	only_keep = r->only_keep;
	if (b->bookmark && (rc = bookmark(r, txt->data, r->obase + b->level)))
		return rc;
	struct mq_style flat = *s;
	flat.space_before = 0;
	flat.keep_next = 0;
	rc = flow(r, &flat, txt->data, txt->len, 0);
	r->only_keep = only_keep;
	return rc;
}

static int grow_cells(struct rctx *r, size_t n)
{
	size_t old = r->acells;
	if (mq_grow((void **)&r->cells, &r->acells, n, sizeof *r->cells))
		return nomem(r);
	for (size_t i = old; i < r->acells; i++)
		mq_buf_init(&r->cells[i].text);
	return 0;
}

struct table_geom {
	double x[65];              /* column edges */
	int flags[64];             /* line-break flags of the body cells */
	int max_lines[64];         /* lines a body cell keeps (0 = all) */
	int ncols;
	double pad_x, pad_y;       /* cell padding, from the table's style */
};

/* Cuts a cell broken into more than max lines to its first max lines, the
 * last one ending in "…" (characters before it go until it fits), so a
 * table's rows have a bounded height whatever the data holds. */
static int clip_cell(struct rctx *r, const struct mq_style *s, struct mq_buf *txt, double width, int flags,
		     int max, struct mq_lines *ls)
{
	const char *mark = mq_pdf_has_glyph(r->pdf, s->font, 0x2026) ? "…" : "...";
	size_t end = ls->v[max - 1].end, ml = strlen(mark);
	for (;;) {
		while (end > 0 && (txt->data[end - 1] == ' ' || txt->data[end - 1] == '\n'))
			end--;
		txt->len = end;
		txt->data[end] = '\0';
		int rc = mq_buf_add(txt, mark, ml) ? nomem(r) : break_text(r, s, txt->data, txt->len, width, 0, flags, ls);
		if (rc || ls->n <= (size_t)max || end == 0)
			return rc;
		do   /* back over one code point */
			end--;
		while (end > 0 && ((unsigned char)txt->data[end] & 0xC0) == 0x80);
	}
}

/* Breaks the cells [off, off + ncols) in their columns: the tallest cell's
 * line count in *levels, the row's line pitch in *lead. */
static int measure_row(struct rctx *r, const struct table_geom *g, int off, int *levels, double *lead)
{
	*lead = 0;
	*levels = 1;
	for (int c = 0; c < g->ncols; c++) {
		const struct mq_style *s = &r->t->styles[r->cells[off + c].style];
		const struct mq_buf *txt = &r->cells[off + c].text;
		int rc = use_font(r, s->font);
		double w = g->x[c + 1] - g->x[c] - 2 * g->pad_x;
		int flags = off ? 0 : g->flags[c], max = off ? 0 : g->max_lines[c];
		if (!rc)
			rc = break_text(r, s, txt->data, txt->len, w, 0, flags, &r->cells[off + c].lines);
		if (!rc && max > 0 && r->cells[off + c].lines.n > (size_t)max)
			rc = clip_cell(r, s, &r->cells[off + c].text, w, flags, max, &r->cells[off + c].lines);
		if (rc)
			return rc;
		if ((int)r->cells[off + c].lines.n > *levels)
			*levels = (int)r->cells[off + c].lines.n;
		if (s->leading > *lead)
			*lead = s->leading;
	}
	return 0;
}

/* Draws line levels [from, to) of the row in cells [off, ...) at y (its
 * rules with the page's run of rows); a row drawn whole has short cells
 * centred vertically. */
static int draw_row(struct rctx *r, const struct table_geom *g, const int *aligns, int off,
		     int from, int to, int levels, double lead, int fill)
{
	double h = (to - from) * lead + 2 * g->pad_y, top = r->y;
	if (fill)
		mq_pdf_rect(r->pdf, g->x[0], top - h, g->x[g->ncols] - g->x[0], h, head_fill);
	for (int c = 0; c < g->ncols; c++) {
		const struct mq_style *s = &r->t->styles[r->cells[off + c].style];
		const struct mq_lines *ls = &r->cells[off + c].lines;
		int n = (int)ls->n;
		double y = top - g->pad_y;
		if (from == 0 && to == levels)
			y -= (levels - n) * lead / 2;
		for (int k = from; k < to && k < n; k++)
			draw_line(r, s, aligns[c], r->cells[off + c].text.data, &ls->v[k], g->x[c] + g->pad_x,
				  g->x[c + 1] - g->x[c] - 2 * g->pad_x, 0, y - (k - from) * lead);
	}
	advance(r, h);
	return grid_add(r, g->x, g->ncols + 1, top, top - h);
}

struct table_run {
	const struct mq_block *b;
	const struct table_geom *g;
	int head_aligns[64];
	double head_h;
	int rows_here;     /* body rows drawn since the header on this page */
};

/* The header row lives in cells [ncols, 2 * ncols), so redrawing it on a
 * new page leaves the body row being laid out untouched. */
static int draw_header(struct rctx *r, struct table_run *tr)
{
	int levels;
	double lead;
	int rc = measure_row(r, tr->g, tr->b->ncols, &levels, &lead);
	if (rc)
		return rc;
	tr->head_h = levels * lead + 2 * tr->g->pad_y;
	tr->rows_here = 0;
	return draw_row(r, tr->g, tr->head_aligns, tr->b->ncols, 0, levels, levels, lead, 1);
}

/* Draws the body row in cells [0, ncols): on this page when it fits, else
 * on the next one after the header; a row taller than a page is split. */
static int emit_row(struct rctx *r, struct table_run *tr, const int *aligns)
{
	int levels, rc;
	double lead;
	if ((rc = measure_row(r, tr->g, 0, &levels, &lead)))
		return rc;
	if (tr->b->max_rows > 0 && tr->rows_here >= tr->b->max_rows &&
	    ((rc = new_page(r)) || (rc = draw_header(r, tr))))
		return rc;
	int page_cap = (int)floor((r->ytop - r->ybot - tr->head_h - 2 * tr->g->pad_y) / lead + 1e-6);
	int from = 0;
	while (from < levels) {
		int fit = (int)floor((r->y - r->ybot - 2 * tr->g->pad_y) / lead + 1e-6);
		int rest = levels - from;
		if (fit >= rest) {
			if ((rc = draw_row(r, tr->g, aligns, 0, from, levels, levels, lead, 0)))
				return rc;
			break;
		}
		if (tr->rows_here > 0 && (fit < 1 || (from == 0 && rest <= page_cap))) {
			if ((rc = new_page(r)) || (rc = draw_header(r, tr)))
				return rc;
			continue;
		}
		if (fit < 1)
			fit = 1;
		if ((rc = draw_row(r, tr->g, aligns, 0, from, from + fit, levels, lead, 0)))
			return rc;
		tr->rows_here++;
		from += fit;
		if ((rc = new_page(r)) || (rc = draw_header(r, tr)))
			return rc;
	}
	tr->rows_here++;
	return 0;
}

static int pick_style(struct rctx *r, const struct mq_when *w, int n, const struct frame *row,
		      const struct frame *outer, int *style)
{
	for (int i = 0; i < n; i++) {
		int ok, rc = row_passes(r, &w[i].cond, row, outer, &ok);
		if (rc)
			return rc;
		if (ok) {
			*style = w[i].style;
			return 0;
		}
	}
	return 0;
}

/* Fills body cells from one row: conditional row style, then per cell. */
static int fill_cells(struct rctx *r, const struct mq_block *b, const struct mq_dataset *set,
		      const int *fidx, const struct frame *f)
{
	int row_style = b->style;
	int rc = pick_style(r, b->rowwhen, b->nrowwhen, f, f->up, &row_style);
	for (int c = 0; c < b->ncols && !rc; c++) {
		const struct mq_column *col = &b->cols[c];
		r->cells[c].style = row_style;
		if ((rc = pick_style(r, col->when, col->nwhen, f, f->up, &r->cells[c].style)))
			return rc;
		mq_buf_reset(&r->fmt);
		const char *v = mq_dataset_value(set, f->row, (size_t)fidx[c]);
		if (mq_format_value(&r->fmt, v, col->format))
			return nomem(r);
		mq_buf_reset(&r->cells[c].text);
		struct prov pv = {mq_dataset_name(set), (long)f->row, col->field};
		rc = cover(r, r->t->styles[r->cells[c].style].font, r->fmt.data, r->fmt.len, &pv, &r->cells[c].text);
	}
	return rc;
}

/* Fills the totals row: the label, the sums, the values the caller gives. */
static int fill_totals(struct rctx *r, const struct mq_block *b, const double *sums, const struct frame *fr)
{
	static const struct prov none = {"", -1, ""};
	int font = r->t->styles[b->total_style].font, rc = 0;
	for (int c = 0; c < b->ncols && !rc; c++) {
		mq_buf_reset(&r->cells[c].text);
		r->cells[c].style = b->total_style;
		char num[64];
		snprintf(num, sizeof num, "%.10g", sums[c]);
		mq_buf_reset(&r->fmt);
		if (c == b->total_label_col)
			rc = cover(r, font, b->total_label, strlen(b->total_label), &none, &r->cells[c].text);
		else if (b->cols[c].total == MQ_TOTAL_VALUE)
			rc = expand(r, fr, b->cols[c].total_value, font, &r->cells[c].text);
		else if (b->cols[c].total == MQ_TOTAL_SUM && !mq_format_value(&r->fmt, num, b->cols[c].format))
			rc = cover(r, font, r->fmt.data, r->fmt.len, &none, &r->cells[c].text);
	}
	return rc;
}

static int row_height(struct rctx *r, const struct table_geom *g, double *h)
{
	int levels;
	double lead;
	int rc = measure_row(r, g, 0, &levels, &lead);
	*h = levels * lead + 2 * g->pad_y;
	return rc;
}

/* Before the last row but one (row f): when it fits on this page and the
 * last row would not, both go to the next page, so that a table's last
 * row never stands alone. */
static int keep_last_row(struct rctx *r, struct table_run *tr, const struct mq_dataset *set,
			 const int *fidx, const struct frame *f, const double *sums)
{
	const struct mq_block *b = tr->b;
	double h_last = 0, h_this = 0;
	int rc = 0;
	if (b->total_label_col >= 0) {
		rc = fill_totals(r, b, sums, f->up);
	} else {
		for (size_t j = f->row + 1; j < mq_dataset_rows(set); j++) {
			struct frame n = {set, j, f->up};
			int ok;
			if ((rc = row_passes(r, &b->where, &n, f->up, &ok)) || ok) {
				if (!rc)
					rc = fill_cells(r, b, set, fidx, &n);
				break;
			}
		}
	}
	if (rc || (rc = row_height(r, tr->g, &h_last)) || (rc = fill_cells(r, b, set, fidx, f)) ||
	    (rc = row_height(r, tr->g, &h_this)))
		return rc;
	/* the last row would not fit, or would start a page past max-rows */
	int alone = r->y - h_this - h_last < r->ybot - 0.01 || (b->max_rows > 0 && tr->rows_here + 1 == b->max_rows);
	if (r->y - h_this >= r->ybot - 0.01 && alone && ((rc = new_page(r)) || (rc = draw_header(r, tr))))
		return rc;
	return 0;
}

static const struct mq_dataset *bound_set(struct rctx *r, const struct mq_block *b, int *rc)
{
	const struct mq_dataset *s = b->data ? mq_data_find(r->d, b->data) : NULL;
	*rc = s ? 0 : tmpl_fail(r, b, "数据集不存在 / data set not supplied", b->data ? b->data : "(data)");
	return s;
}

/* The rows of a block: f is put before the first row of the block's bound
 * data set, inside fr. 0 or an error. */
static int bound_rows(struct rctx *r, const struct mq_block *b, const struct frame *fr, struct frame *f)
{
	int rc;
	*f = (struct frame){bound_set(r, b, &rc), (size_t)-1, fr};
	return rc;
}

/* Moves f to the next row of its data set that passes b's filter: 1, or 0
 * at the end or on an error (*rc). */
static int next_row(struct rctx *r, const struct mq_block *b, struct frame *f, int *rc)
{
	int once = filter_once(r, &b->where, f->up, rc);
	if (*rc)
		return 0;
	size_t lo, hi, n = mq_dataset_rows(f->set);
	int run = pass_run(r, &b->where, f->set, once, &lo, &hi);
	if (run < 0) {
		*rc = nomem(r);
		return 0;
	}
	if (run) {
		size_t k = f->row == (size_t)-1 ? lo : eq_after(&r->eq, lo, hi, f->row);
		f->row = k < hi ? r->eq.rows[k] : n;
		return k < hi;
	}
	while (++f->row < n) {
		int ok;
		if ((*rc = row_in_pass(r, &b->where, f, once, &ok)))
			return 0;
		if (ok)
			return 1;
	}
	return 0;
}

/* Column edges: a fit="content" column is as wide as its widest
 * unbreakable value (or header word; the whole header when it is
 * wrap="none"); the other columns share the rest in
 * proportion to their widths. */
static int table_widths(struct rctx *r, const struct mq_block *b, const struct mq_dataset *set,
			const int *fidx, double share, const struct frame *fr, struct table_geom *g)
{
	double W = r->x1 - r->x0, w[64], fixed = 0, rest_share = 0;
	int rc = 0;
	for (int c = 0; c < b->ncols; c++) {
		const struct mq_column *col = &b->cols[c];
		w[c] = W * col->share / share;
		g->flags[c] = col->wrap;
		g->max_lines[c] = col->max_lines;
		if (!col->fit) {
			rest_share += col->share;
			continue;
		}
		const struct mq_style *bs = &r->t->styles[b->style], *hs = &r->t->styles[b->head_style];
		struct wctx wb = {r->pdf, bs->font, bs->size}, wh = {r->pdf, hs->font, hs->size};
		if ((rc = use_font(r, bs->font)) || (rc = use_font(r, hs->font)))
			return rc;
		/* a wrap="none" column keeps its header whole too: a header of
		 * three lines would cost a dense table a row of every page */
		double need = mq_widest_unbreakable(col->header, strlen(col->header), col->wrap & MQ_BREAK_NONE,
						    width_of, &wh);
		struct frame f = {set, (size_t)-1, fr};
		while (next_row(r, b, &f, &rc)) {
			mq_buf_reset(&r->fmt);
			if (mq_format_value(&r->fmt, mq_dataset_value(set, f.row, (size_t)fidx[c]), col->format))
				return nomem(r);
			double u = mq_widest_unbreakable(r->fmt.data, r->fmt.len, col->wrap, width_of, &wb);
			if (u > need)
				need = u;
		}
		if (rc)
			return rc;
		need += 2 * g->pad_x + 0.5;
		/* a freak value (a whole line as a record id) is cut instead */
		double most = col->max_share > 0 ? W * col->max_share / share : W * FIT_MAX;
		if (need > most)
			need = most;
		w[c] = need;
		fixed += w[c];
	}
	double left = W - fixed;
	for (int c = 0; c < b->ncols; c++)
		if (!b->cols[c].fit && rest_share > 0 && left > 0)
			w[c] = left * b->cols[c].share / rest_share;
	g->x[0] = r->x0;
	for (int c = 0; c < b->ncols; c++)
		g->x[c + 1] = g->x[c] + w[c];
	return 0;
}

static int table_body(struct rctx *r, const struct mq_block *b, struct frame *f, struct table_geom *g);

/* The table's rules are drawn by the time it ends (its geometry is gone). */
static int do_table(struct rctx *r, const struct mq_block *b, struct frame *f)
{
	struct table_geom g;
	int rc = table_body(r, b, f, &g);
	grid_flush(r);
	return rc;
}

static int table_body(struct rctx *r, const struct mq_block *b, struct frame *f, struct table_geom *g)
{
	const struct frame *fr = f->up;
	const struct mq_dataset *set = f->set;
	int rc;
	if (b->ncols > 64)
		return tmpl_fail(r, b, "列数过多 / too many columns", "");
	int fidx[64], aligns[64];
	double share = 0, sums[64] = {0};
	for (int c = 0; c < b->ncols; c++) {
		fidx[c] = mq_dataset_field(set, b->cols[c].field);
		if (fidx[c] < 0)
			return tmpl_fail(r, b, "数据集中没有该字段 / field not in data set", b->cols[c].field);
		share += b->cols[c].share;
		aligns[c] = b->cols[c].align;
	}
	*g = (struct table_geom){.ncols = b->ncols, .pad_x = r->t->styles[b->style].pad_x,
				 .pad_y = r->t->styles[b->style].pad_y};
	if ((rc = table_widths(r, b, set, fidx, share, fr, g)))
		return rc;
	if ((rc = grow_cells(r, 2 * (size_t)b->ncols)))
		return rc;
	struct table_run tr = {.b = b, .g = g};
	const struct mq_style *hs = &r->t->styles[b->head_style];
	for (int c = 0; c < b->ncols; c++) {
		int k = b->ncols + c;
		mq_buf_reset(&r->cells[k].text);
		r->cells[k].style = b->head_style;
		tr.head_aligns[c] = hs->align;
		if ((rc = expand(r, fr, b->cols[c].header, hs->font, &r->cells[k].text)))
			return rc;
	}
	const struct mq_style *s = &r->t->styles[b->style];
	space_before(r, s);
	size_t nrows = 0, k = 0;
	if ((rc = table_rows(r, b, set, fr, &nrows)))
		return rc;
	/* the header and two rows stay together (three rows: all of them, as
	 * the last row never stands alone) */
	if ((rc = ensure(r, (1 + keep_rows(nrows)) * (s->leading + 2 * s->pad_y))) || (rc = draw_header(r, &tr)))
		return rc;
	while (next_row(r, b, f, &rc)) {
		size_t i = f->row;
		if (k + 2 == nrows && tr.rows_here > 1 && (rc = keep_last_row(r, &tr, set, fidx, f, sums)))
			return rc;
		if ((rc = fill_cells(r, b, set, fidx, f)) || (rc = emit_row(r, &tr, aligns)))
			return rc;
		k++;
		for (int c = 0; c < b->ncols; c++) {
			double v;
			if (b->cols[c].total == MQ_TOTAL_SUM && parse_number(mq_dataset_value(set, i, (size_t)fidx[c]), &v))
				sums[c] += v;
		}
	}
	if (rc)
		return rc;
	if (b->total_label_col >= 0 && ((rc = fill_totals(r, b, sums, fr)) || (rc = emit_row(r, &tr, aligns))))
		return rc;
	r->y -= s->space_after;
	return 0;
}

static int do_bar(struct rctx *r, const struct mq_block *b, struct frame *f)
{
	const struct mq_dataset *set = f->set;
	int rc;
	int li = mq_dataset_field(set, b->label), vi = mq_dataset_field(set, b->value);
	if (li < 0 || vi < 0)
		return tmpl_fail(r, b, "数据集中没有该字段 / field not in data set", li < 0 ? b->label : b->value);
	const struct mq_style *s = &r->t->styles[b->style];
	if ((rc = use_font(r, s->font)))
		return rc;
	double max = b->max;
	for (size_t i = 0; b->max <= 0 && i < mq_dataset_rows(set); i++) {
		double v;
		if (parse_number(mq_dataset_value(set, i, (size_t)vi), &v) && v > max)
			max = v;
	}
	if (max <= 0)
		max = 1;
	double W = r->x1 - r->x0, label_w = W * 0.24, value_w = W * 0.14;
	double bar_x = r->x0 + label_w + 6, bar_w = W - label_w - value_w - 12;
	double bh = b->bar_height > 0 ? b->bar_height : s->leading * 0.6;
	space_before(r, s);
	while (next_row(r, b, f, &rc)) {
		size_t i = f->row;
		if ((rc = ensure(r, s->leading)))
			return rc;
		struct prov pv = {mq_dataset_name(set), (long)i, b->label};
		struct mq_buf *t = &r->scratch;
		mq_buf_reset(t);
		mq_buf_reset(&r->fmt);
		if (mq_format_value(&r->fmt, mq_dataset_value(set, i, (size_t)li), ""))
			return nomem(r);
		if ((rc = cover(r, s->font, r->fmt.data, r->fmt.len, &pv, t)))
			return rc;
		/* a label too long for its column keeps its first line */
		if ((rc = break_text(r, s, t->data, t->len, label_w, 0, 0, &r->lines)))
			return rc;
		const struct mq_line *ln = &r->lines.v[0];
		double base = baseline(r->y, s->leading, s->size);
		mq_pdf_text(r->pdf, s->font, s->size, black, r->x0 + label_w - ln->width, base,
			    t->data + ln->start, ln->end - ln->start, 0);
		double v = 0;
		parse_number(mq_dataset_value(set, i, (size_t)vi), &v);
		double len = v > 0 ? bar_w * (v > max ? 1 : v / max) : 0;
		mq_buf_reset(t);
		mq_buf_reset(&r->fmt);
		if (mq_format_value(&r->fmt, mq_dataset_value(set, i, (size_t)vi), b->format))
			return nomem(r);
		pv.field = b->value;
		if ((rc = cover(r, s->font, r->fmt.data, r->fmt.len, &pv, t)))
			return rc;
		mq_pdf_text(r->pdf, s->font, s->size, black, bar_x + len + 4, base, t->data, t->len, 0);
		if (len > 0)
			mq_pdf_rect(r->pdf, bar_x, r->y - (s->leading + bh) / 2, len, bh, b->bar_rgb);
		mq_pdf_line(r->pdf, bar_x, r->y, bar_x, r->y - s->leading, RULE);
		advance(r, s->leading);
	}
	if (rc)
		return rc;
	r->y -= s->space_after;
	return 0;
}

static int do_kv(struct rctx *r, const struct mq_block *b, const struct frame *fr)
{
	const struct mq_style *ks = &r->t->styles[b->head_style], *vs = &r->t->styles[b->style];
	int rc;
	double kw = b->key_width * ks->size;
	space_before(r, vs);
	for (int i = 0; i < b->nitems; i++) {
		struct mq_buf key = MQ_BUF_INIT;
		rc = expand(r, fr, b->keys[i], ks->font, &key);
		if (!rc) {
			mq_buf_reset(&r->scratch);
			rc = expand(r, fr, b->vals[i], vs->font, &r->scratch);
		}
		if (!rc)
			rc = break_text(r, vs, r->scratch.data, r->scratch.len,
					r->x1 - r->x0 - kw, 0, 0, &r->lines);
		double lead = vs->leading > ks->leading ? vs->leading : ks->leading;
		if (!rc)
			rc = ensure(r, lead);
		if (!rc && key.len)
			mq_pdf_text(r->pdf, ks->font, ks->size, ks->rgb, r->x0, baseline(r->y, lead, ks->size),
				    key.data, key.len, 0);
		mq_buf_free(&key);
		for (size_t k = 0; !rc && k < r->lines.n; k++) {
			if (k && (rc = ensure(r, lead)))
				break;
			const struct mq_line *ln = &r->lines.v[k];
			mq_pdf_text(r->pdf, vs->font, vs->size, vs->rgb, r->x0 + kw, baseline(r->y, lead, vs->size),
				    r->scratch.data + ln->start, ln->end - ln->start, 0);
			advance(r, lead);
		}
		if (rc)
			return rc;
	}
	r->y -= vs->space_after;
	return 0;
}

static int do_signature(struct rctx *r, const struct mq_block *b, const struct frame *fr)
{
	static const char *const labels[4] = {"填报单位：", "填报人：", "审核人：", "日期："};
	/* rows: unit | date, preparer | reviewer */
	static const int order[4] = {0, 3, 1, 2};
	const struct mq_style *s = &r->t->styles[b->style];
	double col = (r->x1 - r->x0) / 2;
	int rc = use_font(r, s->font);
	if (rc)
		return rc;
	space_before(r, s);
	if ((rc = ensure(r, 2 * s->leading)))
		return rc;
	for (int k = 0; k < 4; k++) {
		int i = order[k];
		double x = r->x0 + (k % 2) * col, base = baseline(r->y, s->leading, s->size);
		mq_buf_reset(&r->scratch);
		if ((rc = cover(r, s->font, labels[i], strlen(labels[i]), &(struct prov){"", -1, ""}, &r->scratch)))
			return rc;
		double lw = text_width(r, s, r->scratch.data, r->scratch.len);
		size_t at = r->scratch.len;
		if ((rc = expand(r, fr, b->sign[i], s->font, &r->scratch)))
			return rc;
		mq_pdf_text(r->pdf, s->font, s->size, s->rgb, x, base, r->scratch.data, r->scratch.len, 0);
		if (at == r->scratch.len)
			mq_pdf_line(r->pdf, x + lw, base - 3, x + col - s->size, base - 3, RULE);
		if (k % 2) {
			advance(r, s->leading);
		}
	}
	r->y -= s->space_after;
	return 0;
}

static int do_each(struct rctx *r, const struct mq_block *b, struct frame *f)
{
	int rc = 0;
	int saved_n = r->nostack, saved_base = r->obase;
	int depth = (r->nostack ? r->odepth[r->nostack - 1] : 0) + 1;
	int first = 1;
	while (!rc && next_row(r, b, f, &rc)) {
		/* a page holding only headings goes on with the first section:
		 * no page holds only a heading */
		if (b->newpage && !r->at_top && !(first && r->only_keep) && (rc = new_page(r)))
			break;
		first = 0;
		r->nostack = saved_n;
		r->obase = saved_base;
		if (b->bookmark) {
			/* keep the bookmark on the page where the section starts */
			const struct mq_style *body = &r->t->styles[mq_template_style(r->t, "body")];
			struct mq_buf t = MQ_BUF_INIT;
			if ((rc = ensure(r, 3 * body->leading)))
				break;
			if (!(rc = expand(r, f, b->bookmark, -1, &t)))
				rc = bookmark(r, t.data, depth);
			mq_buf_free(&t);
			r->obase = depth;
		}
		if (!rc)
			rc = render_blocks(r, b->child, b->nchild, f);
	}
	r->nostack = saved_n;
	r->obase = saved_base;
	return rc;
}

static int render_block_kind(struct rctx *r, const struct mq_block *b, const struct frame *fr);

static int render_block(struct rctx *r, const struct mq_block *b, const struct frame *fr)
{
	long outer = r->line;
	r->line = b->line;
	int rc = render_block_kind(r, b, fr);
	r->line = outer;
	return rc;
}

/* A block over a data set (table, bar chart, each): f stands before the
 * set's first row, inside fr. */
static int do_bound(struct rctx *r, const struct mq_block *b, const struct frame *fr)
{
	struct frame f;
	int rc = bound_rows(r, b, fr, &f);
	if (rc)
		return rc;
	if (b->kind == MQ_B_TABLE)
		return do_table(r, b, &f);
	return b->kind == MQ_B_BAR ? do_bar(r, b, &f) : do_each(r, b, &f);
}

static int render_block_kind(struct rctx *r, const struct mq_block *b, const struct frame *fr)
{
	int ok, rc;
	switch (b->kind) {
	case MQ_B_TITLE: case MQ_B_HEADING: case MQ_B_PARA:
		return do_text_block(r, b, fr);
	case MQ_B_TABLE: case MQ_B_BAR: case MQ_B_EACH:
		return do_bound(r, b, fr);
	case MQ_B_KV:
		return do_kv(r, b, fr);
	case MQ_B_SIGN:
		return do_signature(r, b, fr);
	case MQ_B_BREAK:
		return r->at_top ? 0 : new_page(r);
	case MQ_B_SPACE:
		if (!r->at_top)
			r->y -= b->space;
		return 0;
	case MQ_B_IF:
		if ((rc = eval_cond(r, &b->cond, fr, fr, &b->where, &ok)))
			return rc;
		return ok ? render_blocks(r, b->child, b->nchild, fr) : render_blocks(r, b->alt, b->nalt, fr);
	default:
		return 0;
	}
}

static int render_blocks(struct rctx *r, const struct mq_block *b, int n, const struct frame *fr)
{
	const struct mq_block *after = r->next;
	int nafter = r->nnext, rc = 0;
	const struct frame *after_fr = r->next_fr;
	for (int i = 0; i < n && !rc; i++) {
		if (i + 1 < n) {
			r->next = &b[i + 1];
			r->nnext = n - i - 1;
			r->next_fr = fr;
		} else {
			r->next = after;
			r->nnext = nafter;
			r->next_fr = after_fr;
		}
		rc = render_block(r, &b[i], fr);
		if (!rc && b[i].kind != MQ_B_TITLE && b[i].kind != MQ_B_HEADING && b[i].kind != MQ_B_PARA &&
		    b[i].kind != MQ_B_IF && b[i].kind != MQ_B_EACH && b[i].kind != MQ_B_SPACE &&
		    b[i].kind != MQ_B_BREAK)
			r->only_keep = 0;
	}
	r->next = after;
	r->nnext = nafter;
	r->next_fr = after_fr;
	return rc;
}

/* Header and footer on every page, now that the page count is known. */
static int draw_margins(struct rctx *r)
{
	const struct mq_template *t = r->t;
	const struct mq_style *hs = &t->styles[t->hdr_style], *fs = &t->styles[t->ftr_style];
	double hy = t->page_h - t->margin[0] + hs->leading + 8, fy = t->margin[2] - 2 * fs->leading;
	r->page_total = mq_pdf_page_count(r->pdf);
	for (int p = 0; p < r->page_total; p++) {
		mq_pdf_use_page(r->pdf, p);
		r->page_no = p + 1;
		for (int part = 0; part < 8; part++) {
			const char *tmpl = part < 4 ? t->hdr[part] : t->ftr[part - 4];
			const struct mq_style *s = part < 4 ? hs : fs;
			if (!tmpl)
				continue;
			mq_buf_reset(&r->scratch);
			int rc = expand(r, NULL, tmpl, s->font, &r->scratch);
			if (rc)
				return rc;
			double w = text_width(r, s, r->scratch.data, r->scratch.len), x;
			switch (part % 4) {
			case 0: x = r->x0; break;
			case 1: x = (r->x0 + r->x1 - w) / 2; break;
			case 2: x = r->x1 - w; break;
			default: x = r->page_no % 2 ? r->x1 - w - s->size : r->x0 + s->size; break;
			}
			double top = part < 4 ? hy : fy;
			mq_pdf_text(r->pdf, s->font, s->size, s->rgb, x, baseline(top, s->leading, s->size),
				    r->scratch.data, r->scratch.len, 0);
		}
		if ((t->hdr[0] || t->hdr[1] || t->hdr[2] || t->hdr[3]) && t->hdr_rule)
			mq_pdf_line(r->pdf, r->x0, hy - hs->leading - 2, r->x1, hy - hs->leading - 2, RULE);
	}
	r->page_no = 0;
	return 0;
}

static int doc_date(const struct mq_render_opts *o, struct mq_pdf_info *info, struct mq_error *err)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	if (o && o->date) {
		if (sscanf(o->date, "%4d-%2d-%2d", &info->year, &info->month, &info->day) != 3 ||
		    info->month < 1 || info->month > 12 || info->day < 1 || info->day > 31)
			return mq_fail(err, MQ_ERR_USAGE, "", 0, "日期无效 / invalid date \"%s\"", o->date);
		info->has_date = 1;
	} else if (env && *env) {
		char *end;
		long long v = strtoll(env, &end, 10);
		struct tm tm;
		time_t tt = (time_t)v;
		if (*end || v < 0 || !gmtime_r(&tt, &tm))
			return mq_fail(err, MQ_ERR_USAGE, "", 0, "SOURCE_DATE_EPOCH 无效 / invalid SOURCE_DATE_EPOCH");
		*info = (struct mq_pdf_info){.has_date = 1, .year = tm.tm_year + 1900, .month = tm.tm_mon + 1,
					     .day = tm.tm_mday, .hour = tm.tm_hour, .minute = tm.tm_min,
					     .second = tm.tm_sec};
	}
	return 0;
}

void mq_render_result_free(struct mq_render_result *r)
{
	if (!r)
		return;
	free(r->warnings);
	r->warnings = NULL;
	r->nwarnings = r->nwarnings_total = 0;
}

void mq_render_cache_free(void) { mq_pdf_cache_free(); }

int mq_render_pdf(const struct mq_template *t, const struct mq_data *d, const char *out_path,
		  const struct mq_render_opts *opts, struct mq_render_result *result,
		  struct mq_error *err)
{
	struct mq_render_result local = {0};
	struct rctx r = {.t = t, .d = d, .err = err, .res = result ? result : &local, .opts = opts,
			 .scratch = MQ_BUF_INIT, .fmt = MQ_BUF_INIT, .peek = MQ_BUF_INIT,
			 .memo.text = MQ_BUF_INIT};
	struct mq_pdf_info info = {0};
	struct mq_buf infos[4] = {MQ_BUF_INIT, MQ_BUF_INIT, MQ_BUF_INIT, MQ_BUF_INIT};
	int rc = doc_date(opts, &info, err);
	if (rc)
		return rc;
	r.res->pages = 0;
	r.x0 = t->margin[3];
	r.x1 = t->page_w - t->margin[1];
	r.ytop = t->page_h - t->margin[0];
	r.ybot = t->margin[2];
	if ((rc = mq_pdf_new(&r.pdf, err)) || (rc = new_page(&r)))
		goto done;
	if ((rc = render_blocks(&r, t->body, t->nbody, NULL)) || (rc = draw_margins(&r)))
		goto done;
	for (int i = 0; i < 4 && !rc; i++)
		if (t->info[i])
			rc = expand(&r, NULL, t->info[i], -1, &infos[i]);
	if (rc)
		goto done;
	info.title = infos[0].len ? infos[0].data : lookup(&r, NULL, "title", &(struct prov){0});
	info.author = opts && opts->author ? opts->author : infos[1].data;
	info.subject = infos[2].data;
	info.keywords = infos[3].data;
	r.res->pages = mq_pdf_page_count(r.pdf);
	rc = mq_pdf_save(r.pdf, out_path, &info, err);
done:
	for (int i = 0; i < 4; i++)
		mq_buf_free(&infos[i]);
	for (size_t i = 0; i < r.acells; i++) {
		mq_buf_free(&r.cells[i].text);
		mq_lines_free(&r.cells[i].lines);
	}
	free(r.cells);
	free(r.grid.y);
	free(r.seen);
	mq_hashmap_free(&r.seen_map);
	mq_buf_free(&r.scratch);
	mq_buf_free(&r.fmt);
	mq_buf_free(&r.peek);
	mq_buf_free(&r.memo.text);
	free(r.eq.rows);
	mq_lines_free(&r.lines);
	mq_lines_free(&r.peek_lines);
	mq_pdf_free(r.pdf);
	mq_render_result_free(&local);
	return rc;
}

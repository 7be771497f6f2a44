/* linebreak.c — Chinese line breaking (禁则, clreq) over a caller-supplied metric. */
#include "layout_internal.h"

#include "minqing/core/error.h"
#include "minqing/core/buf.h"
#include "minqing/core/utf8.h"

#include <stdlib.h>
#include <string.h>

/* Characters that must not begin a line (closing punctuation, 禁则). */
static const uint32_t no_start[] = {
	'!', '%', ')', ',', '.', ':', ';', '?', ']', '}',
	0x00B7, 0x2019, 0x201D, 0x2014, 0x2026, 0x2030, 0x2103,
	0x3001, 0x3002, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3017,
	0x301E, 0x30FC, 0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B,
	0xFF1F, 0xFF3D, 0xFF5D, 0xFF5E,
};
/* Characters that must not end a line (opening punctuation). */
static const uint32_t no_end[] = {
	'$', '(', '[', '{', 0x00A3, 0x00A5, 0x2018, 0x201C,
	0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x301D,
	0xFF04, 0xFF08, 0xFF3B, 0xFF5B, 0xFFE1, 0xFFE5,
};

/* The CJK Unified Ideographs (U+4E00..U+9FFF), most of what is broken:
 * in none of the sets here, CJK for mq_is_cjk. */
static int ideograph(uint32_t cp) { return cp - 0x4E00u <= 0x9FFFu - 0x4E00u; }

static int in_set(const uint32_t *set, size_t n, uint32_t cp)
{
	if (ideograph(cp) || cp - '0' <= 9u || (cp | 0x20) - 'a' <= 25u)
		return 0;   /* no set holds a letter, digit or ideograph */
	for (size_t i = 0; i < n; i++)
		if (set[i] == cp)
			return 1;
	return 0;
}

int mq_no_line_start(uint32_t cp) { return in_set(no_start, sizeof no_start / sizeof *no_start, cp); }
int mq_no_line_end(uint32_t cp) { return in_set(no_end, sizeof no_end / sizeof *no_end, cp); }

int mq_is_cjk(uint32_t cp)
{
	if (ideograph(cp))
		return 1;
	if (cp < 0x2014)
		return 0;   /* below every range */
	static const uint32_t ranges[][2] = {
		{0x2E80, 0x2FFF}, {0x3000, 0x303F}, {0x3040, 0x30FF}, {0x3100, 0x31FF},
		{0x3200, 0x9FFF}, {0xAC00, 0xD7AF}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F},
		{0xFF00, 0xFFEF}, {0x20000, 0x3FFFF}, {0x2014, 0x2014}, {0x2018, 0x201D},
		{0x2026, 0x2026},
	};
	for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return 1;
	return 0;
}

static int is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x3000; }
static int is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* Full-width punctuation whose ink sits on one half of its em (clreq
 * 3.1.6): a closing or middle mark followed by another mark gives up the
 * empty half of its advance, as in "）、" or "。”". */
static const uint32_t closing[] = {
	0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF09, 0x300D, 0x300F,
	0x201D, 0x2019, 0x300B, 0x3009, 0x3011, 0x3015, 0x3017, 0xFF3D, 0xFF5D,
};
static const uint32_t opening[] = {
	0xFF08, 0x300C, 0x300E, 0x201C, 0x2018, 0x300A, 0x3008, 0x3010, 0x3014, 0x3016, 0xFF3B, 0xFF5B,
};
#define NELEM(a) (sizeof a / sizeof *a)

int mq_punct_squeeze(uint32_t a, uint32_t b)
{
	return in_set(closing, NELEM(closing), a) &&
	       (in_set(closing, NELEM(closing), b) || in_set(opening, NELEM(opening), b));
}

int mq_punct_squeezes(const char *s, size_t len)
{
	uint32_t prev = 0, cp;
	for (size_t i = 0; i < len; ) {
		int n = mq_utf8_next(s + i, len - i, &cp);
		if (i && mq_punct_squeeze(prev, cp))
			return 1;
		prev = cp;
		i += (size_t)n;
	}
	return 0;
}

int mq_gap_stretches(uint32_t a, uint32_t b)
{
	/* clreq 3.8: spread between CJK characters and at CJK/Latin
	 * boundaries (and Latin word spaces), never inside a word or number */
	return mq_is_cjk(a) || mq_is_cjk(b) || is_space(a) || is_space(b);
}

/* May a line break fall between a and b? Inside a Latin or digit run
 * only after a space or after / _ . - when no digit follows (a path, a
 * file or a record name; never "3.6" or "2024-03-05"); in a list (flags
 * MQ_BREAK_LIST) CJK text breaks only after "、". */
static int break_ok(uint32_t a, uint32_t b, int flags)
{
	if (is_space(b) || mq_no_line_start(b) || mq_no_line_end(a))
		return 0;
	if (flags & MQ_BREAK_NONE)
		return 0;
	if (is_space(a))
		return 1;
	if (flags & MQ_BREAK_LIST)
		return a == 0x3001;
	if (mq_is_cjk(a) || mq_is_cjk(b))
		return 1;
	return (a == '/' || a == '_' || a == '.' || a == '-') && !is_digit(b);
}

double mq_widest_unbreakable(const char *text, size_t len, int flags, mq_width_fn fn, void *ctx)
{
	double w = 0, max = 0;
	uint32_t prev = 0, cp;
	for (size_t i = 0; i < len; ) {
		int n = mq_utf8_next(text + i, len - i, &cp);
		if (cp == '\n' || (is_space(cp) && !(flags & MQ_BREAK_NONE)) || (prev && break_ok(prev, cp, flags)))
			w = 0;
		if (cp != '\n' && (!is_space(cp) || (flags & MQ_BREAK_NONE)))
			w += fn(ctx, cp) - (prev && mq_punct_squeeze(prev, cp) ? fn(ctx, prev) / 2 : 0);
		if (w > max)
			max = w;
		prev = cp;
		i += (size_t)n;
	}
	return max;
}

void mq_lines_free(struct mq_lines *l)
{
	if (!l)
		return;
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int push_line(struct mq_lines *out, size_t start, size_t end, double w, int n, int last)
{
	if (mq_grow((void **)&out->v, &out->alloc, out->n + 1, sizeof *out->v))
		return MQ_ERR_NOMEM;
	out->v[out->n++] = (struct mq_line){start, end, w, n, last};
	return 0;
}

#define NEEDS_BREAKS (-1)

/* The lines of mq_break_lines; look = 0 only measures, for a text that
 * fits on its first line and holds no line feed (most table cells), and
 * returns NEEDS_BREAKS for any other: the search for break points is
 * then not made for every character of the common case. */
static int lay_lines(const char *text, size_t len, double width, double indent, int flags,
		     mq_width_fn fn, void *ctx, struct mq_lines *out, int look)
{
	out->n = 0;
	size_t i = 0;
	int first = 1;
	while (i < len || first) {
		double avail = width - (first ? indent : 0);
		/* skip spaces at the start of a continuation line */
		uint32_t cp;
		while (!first && i < len) {
			int n = mq_utf8_next(text + i, len - i, &cp);
			if (!is_space(cp))
				break;
			i += (size_t)n;
		}
		first = 0;
		size_t start = i, pos = i;
		double w = 0;
		int nch = 0;
		/* the best break seen so far: end byte, width, count, next start */
		size_t brk_end = 0, brk_next = 0;
		double brk_w = 0;
		int brk_n = 0, have_brk = 0;
		/* in a list, the best ordinary break when no "、" fits */
		size_t any_end = 0, any_next = 0;
		double any_w = 0;
		int any_n = 0, any_brk = 0;
		/* width up to the last non-space character */
		double w_ink = 0;
		size_t ink_end = start;
		int ink_n = 0;
		uint32_t prev = 0;
		size_t prev_start = start;   /* byte where the last character began */
		double prev_w = 0;           /* line width before it */
		int forced = 0, overflow = 0;
		while (pos < len) {
			int n = mq_utf8_next(text + pos, len - pos, &cp);
			if (cp == '\n') {
				if (!look)
					return NEEDS_BREAKS;
				forced = 1;
				break;
			}
			if (look && nch && break_ok(prev, cp, flags)) {
				have_brk = 1;
				brk_end = ink_end;
				brk_w = w_ink;
				brk_n = ink_n;
				brk_next = pos;
			} else if (look && nch && (flags & MQ_BREAK_LIST) && break_ok(prev, cp, 0)) {
				any_brk = 1;
				any_end = ink_end;
				any_w = w_ink;
				any_n = ink_n;
				any_next = pos;
			}
			double cw = fn(ctx, cp);
			if (nch && mq_punct_squeeze(prev, cp))
				w -= fn(ctx, prev) / 2;
			if (!is_space(cp) && nch && w + cw > avail + 1e-6) {
				overflow = 1;
				break;
			}
			prev_start = pos;
			prev_w = w;
			w += cw;
			nch++;
			pos += (size_t)n;
			if (!is_space(cp)) {
				w_ink = w;
				ink_end = pos;
				ink_n = nch;
			}
			prev = cp;
		}
		if (forced || !overflow) {
			/* the end of the text or of a forced line: a paragraph end */
			if (push_line(out, start, ink_end, w_ink, ink_n, 1))
				return MQ_ERR_NOMEM;
			if (!forced)
				break;
			i = pos + 1;
			if (i >= len)
				break;
			continue;
		}
		if (!look)
			return NEEDS_BREAKS;
		if (!(have_brk && brk_end > start) && any_brk && any_end > start) {
			have_brk = 1;
			brk_end = any_end;
			brk_w = any_w;
			brk_n = any_n;
			brk_next = any_next;
		}
		if (have_brk && brk_end > start) {
			if (push_line(out, start, brk_end, brk_w, brk_n, 0))
				return MQ_ERR_NOMEM;
			i = brk_next;
		} else {
			/* nothing fits a break: cut where it overflows (long Latin
			 * run), one character earlier when that keeps a closing
			 * mark such as % off the next line's start */
			size_t cut = pos;
			double cw_ = w_ink;
			int cn = ink_n;
			if (mq_no_line_start(cp) && ink_n > 1 && ink_end == pos) {
				cut = prev_start;
				cw_ = prev_w;
				cn = ink_n - 1;
			}
			if (push_line(out, start, cut == pos ? ink_end : cut, cw_, cn, 0))
				return MQ_ERR_NOMEM;
			i = cut;
		}
	}
	return 0;
}

int mq_break_lines(const char *text, size_t len, double width, double indent, int flags,
		   mq_width_fn fn, void *ctx, struct mq_lines *out)
{
	int rc = lay_lines(text, len, width, indent, flags, fn, ctx, out, 0);
	return rc == NEEDS_BREAKS ? lay_lines(text, len, width, indent, flags, fn, ctx, out, 1) : rc;
}

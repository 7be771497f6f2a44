/* xml.c — the XML reader (contract section 1, "XML").
 *
 * Parsing: libxml2's SAX2 push parser, fed 64 KiB at a time. Not
 * xmlTextReader: the reader parses ahead in 512-byte chunks and, when it
 * meets damage, returns -1 without handing over nodes it had already
 * parsed, so complete records just before the damage were lost. SAX events
 * arrive in document order up to the exact point of damage, which is what
 * "read up to the damage" needs. Memory is constant per record: only the
 * current visit's values are held, each capped at XML_FIELD_CAP bytes
 * (1 MiB, cut at a character boundary: a longer text is kept in part and
 * still fails its length limit, E011). A record's line is the line of its
 * <visit> start tag's '<' (the line the SAX event before it ended on).
 * The encoding is the XML declaration's (UTF-8 by default; GB18030/GBK
 * converted by libxml2 through iconv), or GB18030 when forced with
 * --encoding gb18030. libxml2 only through its public API: the push
 * parser, SAX2 callbacks, xmlSAX2GetLineNumber.
 *
 * Mapping: <visit id> and its children fill the raw record (see elems[]).
 * Values are handed over untrimmed and unchecked: the validator decides
 * E002–E005 and E011 from them. The reader itself rejects (E001, first
 * problem wins): a repeated child, an unknown child, an element inside a
 * text element, text directly inside <visit> or <topics>, and anything else
 * templates/visits.xsd calls structure. An element other than <visit>, or
 * non-blank text, directly inside <visits> is one E001 record too, so
 * nothing in a file goes unreported.
 *
 * Schema: a visit whose elements and attributes are all in elems[] and
 * that broke none of the rules above has the structure the XSD describes,
 * so the XSD could only find value errors in it, which the validator
 * decides anyway; such visits are not re-checked (the table mirrors the
 * XSD; MINQING_XML_VALIDATE=all re-checks every visit, and the tests and
 * the fuzz target compare both ways). A visit with an attribute the table
 * does not know is rebuilt as a small tree and validated against the XSD;
 * a schema error of structure becomes its E001 with libxml2's message,
 * value errors (datatype, facet, missing child or attribute) are left to
 * the validator. The XSD is found as templates are (mq_find_template in
 * core/files.h); missing, it is a fatal error naming the places looked in.
 *
 * Damage: a file that is not well-formed is read up to the damage; the
 * records before it are handed over, and the rest of the file becomes ONE
 * record with structural set, at the line of the damage, carrying the id of
 * the visit in progress when there is one. Records after the damage cannot
 * be recovered (XML has no resynchronisation point). The same holds for an
 * empty file (one E001 record rather than a fatal error, so a clerk sees it
 * among the rejects), a root other than <visits>, and bytes
 * that are not valid in the declared encoding (libxml2 reports them as not
 * well-formed, so they are E001 here rather than E010).
 *
 * Hostile input: any DOCTYPE ends the file as E001 before its internal
 * subset is parsed, so no entity is ever declared, loaded or expanded; the
 * parser runs with XML_PARSE_NONET and never with NOENT, DTDLOAD, DTDATTR,
 * DTDVALID or HUGE, so libxml2's own limits (name, attribute and lookahead
 * sizes, depth 256) stay on. */
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/ingest/ingest.h"
#include "ingest_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define XML_FIELD_CAP (1u << 20)   /* bytes kept per field: far above every limit */
#define XML_CHUNK (64 * 1024)
#define XML_MAX_EXTRA 16           /* undeclared attributes kept per visit */
#define XML_PROGRESS_EVERY (8LL << 20)

struct xml_attr {
	const char *name;
	int field;
};

/* The children of <visit>, in the order of the contract's example; the
 * attributes of each map to fields too. Must match templates/visits.xsd. */
struct xml_elem {
	const char *name;
	int field;              /* the element's text */
	struct xml_attr attrs[3];
};

static const struct xml_elem elems[] = {
	{ "date", MQ_F_VISIT_DATE, { { 0 } } },
	{ "county", MQ_F_COUNTY, { { 0 } } },
	{ "township", MQ_F_TOWNSHIP, { { 0 } } },
	{ "village", MQ_F_VILLAGE, { { 0 } } },
	{ "group", MQ_F_VILLAGE_GROUP, { { 0 } } },
	{ "cadre", MQ_F_CADRE_NAME, { { "id", MQ_F_CADRE_ID }, { "unit", MQ_F_CADRE_UNIT } } },
	{ "household", MQ_F_HOUSEHOLDER,
	  { { "id", MQ_F_HOUSEHOLD_ID }, { "size", MQ_F_HOUSEHOLD_SIZE }, { "type", MQ_F_HOUSEHOLD_TYPE } } },
	{ "mode", MQ_F_VISIT_MODE, { { 0 } } },
	{ "topics", MQ_F_TOPICS, { { 0 } } },   /* <topic> children, joined with ';' */
	{ "demand", MQ_F_DEMAND,
	  { { "due", MQ_F_DUE_DATE }, { "status", MQ_F_STATUS }, { "closed", MQ_F_CLOSED_DATE } } },
	{ "measure", MQ_F_MEASURE, { { 0 } } },
	{ "signed", MQ_F_SIGNED, { { 0 } } },
	{ "satisfaction", MQ_F_SATISFACTION, { { 0 } } },
	{ "income", MQ_F_INCOME, { { 0 } } },
	{ "notes", MQ_F_NOTES, { { 0 } } },
};
#define NELEMS ((int)(sizeof elems / sizeof elems[0]))
#define ELEM_VISIT (-1)
static const struct xml_attr visit_attrs[3] = { { "id", MQ_F_RECORD_ID } };

/* An attribute elems[] does not know, kept to rebuild the visit for the XSD. */
struct xml_extra {
	int elem;                   /* index in elems[] or ELEM_VISIT */
	struct mq_buf name, uri, prefix, value;
};

struct xml_state {
	xmlParserCtxtPtr ctxt;
	const char *source;
	mq_record_fn fn;
	void *fn_ctx;
	long long records;
	int stop_rc;                /* the callback's non-zero value */
	int nomem;
	int halted;                 /* no more events wanted */
	int depth;                  /* open elements; 1 = <visits> */
	int skip_depth;             /* inside an ignored element opened at this depth */

	/* the first fatal parse error, or a refusal (DOCTYPE, root) */
	int damaged;
	long damage_line;
	char damage_en[600], damage_zh[600];

	/* stray text directly inside <visits>: one record per run of it */
	int root_text;
	long root_text_line;

	/* the visit in progress */
	int in_visit;
	long visit_line;
	long event_line;            /* line where the last SAX event ended, 0 before the root */
	int elem;                   /* open child (index in elems[]) or -1 */
	int in_topic;
	unsigned seen;              /* bit per elems[] entry */
	unsigned char present[MQ_NFIELDS];
	struct mq_buf val[MQ_NFIELDS];
	int ntopics;
	int has_structural;
	char structural[600], structural_zh[600];
	struct xml_extra extra[XML_MAX_EXTRA];
	int nextra, extra_dropped;

	/* schema */
	int validate_all;
	xmlSchemaValidCtxtPtr vctxt;
	xmlDocPtr doc;
	int schema_err;
	char schema_msg[400];

	const char *headers[MQ_NFIELDS];
};

/* ---- finding the XSD ---- */

static void schema_parse_error(void *ctx, xmlErrorPtr e)
{
	char *msg = ctx;
	if (!msg[0] && e && e->message && e->level >= XML_ERR_ERROR)
		snprintf(msg, 400, "line %d: %s", e->line, e->message);
}

/* Parses the XSD file ourselves so that its errors land in msg instead of
 * on stderr, then compiles it. */
static int load_schema(xmlSchemaPtr *schema, xmlDocPtr *xsd_doc, struct mq_error *err)
{
	char path[PATH_MAX + 64], msg[400] = "";
	int rc = mq_find_template("visits.xsd", path, sizeof path, err);
	if (rc)
		return rc;
	*schema = NULL;
	*xsd_doc = NULL;
	/* a document parser's errors go to the thread's structured handler */
	xmlStructuredErrorFunc old = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(msg, schema_parse_error);
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(old_ctx, old);
	if (doc) {
		xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewDocParserCtxt(doc);
		if (!pctxt) {
			xmlFreeDoc(doc);
			return mq_fail_nomem(err, path, 0);
		}
		xmlSchemaSetParserStructuredErrors(pctxt, schema_parse_error, msg);
		*schema = xmlSchemaParse(pctxt);
		xmlSchemaFreeParserCtxt(pctxt);
		*xsd_doc = doc;   /* kept while the schema lives */
	}
	if (!*schema) {
		xmlFreeDoc(*xsd_doc);
		*xsd_doc = NULL;
		size_t l = strlen(msg);
		while (l && (msg[l - 1] == '\n' || msg[l - 1] == '\r'))
			msg[--l] = '\0';
		return mq_fail(err, MQ_ERR_FORMAT, path, 0,
			       "XML 模式文件无效 / invalid XML schema: %s", msg[0] ? msg : "unreadable");
	}
	return 0;
}

/* ---- small helpers ---- */

static int is_xml_space(const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Appends as much of s as the cap allows, cut at a UTF-8 character
 * boundary so a truncated value stays valid text (and over its limit). */
static int add_capped(struct mq_buf *b, const char *s, size_t len)
{
	if (b->len >= XML_FIELD_CAP)
		return 0;
	size_t room = XML_FIELD_CAP - b->len;
	if (len > room) {
		len = room;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	return mq_buf_add(b, s, len);
}

/* Attribute values come with '&' kept as "&#38;" (libxml2 does that when
 * entities are not substituted); this restores it. */
static int add_attr_value(struct mq_buf *b, const char *s, const char *end)
{
	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		const char *stop = amp ? amp : end;
		int rc = add_capped(b, s, (size_t)(stop - s));
		if (rc)
			return rc;
		if (!amp)
			break;
		if (end - amp >= 5 && memcmp(amp, "&#38;", 5) == 0) {
			rc = add_capped(b, "&", 1);
			s = amp + 5;
		} else {
			rc = add_capped(b, "&", 1);
			s = amp + 1;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* libxml2 messages end in a newline and may hold more: one line for CSV. */
static void strip_newline(char *s)
{
	size_t l = strlen(s);
	while (l && (s[l - 1] == '\n' || s[l - 1] == '\r' || s[l - 1] == ' '))
		s[--l] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static long cur_line(struct xml_state *st)
{
	return st->ctxt ? xmlSAX2GetLineNumber(st->ctxt) : 1;
}

/* The line of the '<' that opened the element being reported: libxml2
 * calls startElementNs at the tag's closing '>', and a tag may span lines.
 * Inside the root every byte before a '<' belongs to an event (text,
 * comment, tag, ...), each of which notes the line it ended on
 * (note_line), so the '<' is on the line the last event ended on. The
 * root's own tag has only blanks before it that no event reports: its
 * '>' line. */
static long start_tag_line(struct xml_state *st)
{
	return st->event_line ? st->event_line : cur_line(st);
}

static void note_line(struct xml_state *st)
{
	st->event_line = cur_line(st);
}

static void halt(struct xml_state *st)
{
	st->halted = 1;
	xmlStopParser(st->ctxt);
}

/* Sets the visit's E001 message unless an earlier problem already did. */
static void structural(struct xml_state *st, const char *en, const char *zh)
{
	if (st->has_structural)
		return;
	st->has_structural = 1;
	snprintf(st->structural, sizeof st->structural, "%s", en);
	snprintf(st->structural_zh, sizeof st->structural_zh, "%s", zh);
}

/* "prefix:local" for messages */
static void qname(char *out, size_t n, const xmlChar *prefix, const xmlChar *local)
{
	if (prefix)
		snprintf(out, n, "%s:%s", (const char *)prefix, (const char *)local);
	else
		snprintf(out, n, "%s", (const char *)local);
}

/* ---- handing records over ---- */

static void emit(struct xml_state *st, long line, int with_values, const char *en, const char *zh)
{
	if (st->stop_rc || st->nomem)
		return;
	struct mq_raw_record rec;
	memset(&rec, 0, sizeof rec);
	rec.source = st->source;
	rec.line = line;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		if (!st->present[f] || (!with_values && f != MQ_F_RECORD_ID))
			continue;
		rec.value[f] = st->val[f].data;
		rec.len[f] = st->val[f].len;
	}
	rec.structural = en;
	rec.structural_zh = zh;
	rec.ncells = MQ_NFIELDS;
	rec.cells = rec.value;
	rec.cell_len = rec.len;
	rec.headers = st->headers;
	rec.nheaders = MQ_NFIELDS;
	st->records++;
	int rc = st->fn(&rec, st->fn_ctx);
	if (rc) {
		st->stop_rc = rc;
		halt(st);
	}
}

static void reset_visit(struct xml_state *st)
{
	st->in_visit = 0;
	st->elem = -1;
	st->in_topic = 0;
	st->seen = 0;
	st->ntopics = 0;
	st->has_structural = 0;
	st->nextra = 0;
	st->extra_dropped = 0;
	memset(st->present, 0, sizeof st->present);
	for (int f = 0; f < MQ_NFIELDS; f++)
		mq_buf_reset(&st->val[f]);
}

static void flush_root_text(struct xml_state *st)
{
	if (!st->root_text)
		return;
	st->root_text = 0;
	reset_visit(st);
	emit(st, st->root_text_line, 0, "text directly inside <visits>", "<visits> 内直接出现文本");
}

/* ---- the schema check of one visit ---- */

/* Codes of value errors: datatype and facet failures, a missing required
 * attribute. The validator decides these from the values (E002–E005, E011). */
static int schema_value_error(const xmlError *e)
{
	static const int codes[] = {
		XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1, XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2,
		XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3, XML_SCHEMAV_CVC_TYPE_3_1_1,
		XML_SCHEMAV_CVC_TYPE_3_1_2, XML_SCHEMAV_CVC_FACET_VALID, XML_SCHEMAV_CVC_LENGTH_VALID,
		XML_SCHEMAV_CVC_MINLENGTH_VALID, XML_SCHEMAV_CVC_MAXLENGTH_VALID,
		XML_SCHEMAV_CVC_MININCLUSIVE_VALID, XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID,
		XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID, XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID,
		XML_SCHEMAV_CVC_TOTALDIGITS_VALID, XML_SCHEMAV_CVC_FRACTIONDIGITS_VALID,
		XML_SCHEMAV_CVC_PATTERN_VALID, XML_SCHEMAV_CVC_ENUMERATION_VALID,
		XML_SCHEMAV_CVC_ATTRIBUTE_3, XML_SCHEMAV_CVC_COMPLEX_TYPE_4,
		XML_SCHEMAV_CVC_ELT_5_2_1,
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (e->code == codes[i])
			return 1;
	/* a missing required child (E002); libxml2 gives it the code of any
	 * content-model failure, so the message tells it apart */
	return e->message && strstr(e->message, "Missing child element") != NULL;
}

static void schema_valid_error(void *ctx, xmlErrorPtr e)
{
	struct xml_state *st = ctx;
	if (!e || st->schema_err || schema_value_error(e))
		return;
	st->schema_err = 1;
	snprintf(st->schema_msg, sizeof st->schema_msg, "%s", e->message ? e->message : "schema error");
	strip_newline(st->schema_msg);
}

static int add_prop(xmlNodePtr node, const char *name, const struct mq_buf *v)
{
	return xmlNewProp(node, BAD_CAST name, BAD_CAST(v->data)) ? 0 : -1;
}

static int add_extra_props(xmlNodePtr node, struct xml_state *st, int elem)
{
	for (int i = 0; i < st->nextra; i++) {
		struct xml_extra *x = &st->extra[i];
		if (x->elem != elem)
			continue;
		xmlNsPtr ns = NULL;
		if (x->uri.len) {
			ns = xmlSearchNsByHref(st->doc, node, BAD_CAST x->uri.data);
			if (!ns)
				ns = xmlNewNs(node, BAD_CAST x->uri.data,
					      x->prefix.len ? BAD_CAST x->prefix.data : BAD_CAST "ns");
			if (!ns)
				return -1;
		}
		if (!xmlNewNsProp(node, ns, BAD_CAST x->name.data,
				  BAD_CAST(x->value.data)))
			return -1;
	}
	return 0;
}

/* Rebuilds the visit as a tree (elements, attributes, text) and validates
 * it. Only called when no structural problem was found while reading, so
 * the visit's elements are exactly elems[] entries, each at most once. */
static int validate_visit(struct xml_state *st)
{
	xmlNodePtr visit = xmlNewDocNode(st->doc, NULL, BAD_CAST "visit", NULL);
	if (!visit)
		return -1;
	xmlNodePtr old = xmlDocSetRootElement(st->doc, visit);
	xmlFreeNode(old);
	int rc = 0;
	if (st->present[MQ_F_RECORD_ID])
		rc |= add_prop(visit, "id", &st->val[MQ_F_RECORD_ID]);
	rc |= add_extra_props(visit, st, ELEM_VISIT);
	for (int i = 0; i < NELEMS && !rc; i++) {
		if (!(st->seen & (1u << i)))
			continue;
		const struct xml_elem *el = &elems[i];
		xmlNodePtr node = xmlNewChild(visit, NULL, BAD_CAST el->name, NULL);
		if (!node) {
			rc = -1;
			break;
		}
		const struct mq_buf *text = &st->val[el->field];
		if (el->field == MQ_F_TOPICS) {
			/* one <topic> per ';'-separated part, as read */
			const char *p = text->data;
			for (int t = 0; t < st->ntopics && !rc; t++) {
				const char *semi = strchr(p, ';');
				size_t n = semi ? (size_t)(semi - p) : strlen(p);
				xmlNodePtr topic = xmlNewChild(node, NULL, BAD_CAST "topic", NULL);
				if (!topic)
					rc = -1;
				else if (n)
					xmlNodeAddContentLen(topic, BAD_CAST p, (int)n);
				p = semi ? semi + 1 : p + n;
			}
		} else if (text->len) {
			xmlNodeAddContentLen(node, BAD_CAST text->data, (int)text->len);
		}
		for (int a = 0; a < 3 && el->attrs[a].name && !rc; a++)
			if (st->present[el->attrs[a].field])
				rc |= add_prop(node, el->attrs[a].name, &st->val[el->attrs[a].field]);
		rc |= add_extra_props(node, st, i);
	}
	st->schema_err = 0;
	if (!rc) {
		int v = xmlSchemaValidateOneElement(st->vctxt, visit);
		if (v < 0)
			rc = -1;
	}
	if (rc == 0 && st->schema_err) {
		char en[600], zh[600];
		snprintf(en, sizeof en, "does not match visits.xsd: %s", st->schema_msg);
		snprintf(zh, sizeof zh, "不符合 XML 模式 visits.xsd：%s", st->schema_msg);
		structural(st, en, zh);
	}
	xmlUnlinkNode(visit);
	xmlFreeNode(visit);
	return rc;
}

static void end_visit(struct xml_state *st)
{
	if (!st->has_structural && (st->nextra || st->extra_dropped || st->validate_all)) {
		if (st->extra_dropped)
			structural(st, "too many undeclared attributes in <visit>", "<visit> 中未声明的属性过多");
		else if (validate_visit(st)) {
			st->nomem = 1;
			halt(st);
			return;
		}
	}
	emit(st, st->visit_line, 1, st->has_structural ? st->structural : NULL,
	     st->has_structural ? st->structural_zh : NULL);
	reset_visit(st);
}

/* ---- SAX handlers ---- */

static int keep_extra(struct xml_state *st, int elem, const xmlChar **attr)
{
	if (st->nextra == XML_MAX_EXTRA) {
		st->extra_dropped = 1;
		return 0;
	}
	struct xml_extra *x = &st->extra[st->nextra++];
	x->elem = elem;
	mq_buf_reset(&x->name);
	mq_buf_reset(&x->uri);
	mq_buf_reset(&x->prefix);
	mq_buf_reset(&x->value);
	int rc = mq_buf_adds(&x->name, (const char *)attr[0]);
	if (!rc && attr[1])
		rc = mq_buf_adds(&x->prefix, (const char *)attr[1]);
	if (!rc && attr[2])
		rc = mq_buf_adds(&x->uri, (const char *)attr[2]);
	if (!rc)
		rc = add_attr_value(&x->value, (const char *)attr[3], (const char *)attr[4]);
	return rc;
}

/* Maps the attributes of a visit or one of its children to fields; keeps
 * the ones the table does not know for the schema check. */
static int take_attrs(struct xml_state *st, int elem, const struct xml_attr *known,
		      int nattr, const xmlChar **attrs)
{
	for (int i = 0; i < nattr; i++) {
		const xmlChar **a = attrs + 5 * i;
		int field = -1;
		if (!a[1] && !a[2])
			for (int k = 0; k < 3 && known[k].name; k++)
				if (strcmp((const char *)a[0], known[k].name) == 0)
					field = known[k].field;
		int rc;
		if (field < 0) {
			rc = keep_extra(st, elem, a);
		} else {
			/* libxml2 refuses duplicate attributes, so each is set once */
			st->present[field] = 1;
			mq_buf_reset(&st->val[field]);
			rc = add_attr_value(&st->val[field], (const char *)a[3], (const char *)a[4]);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* The parse state behind a SAX callback's ctx, or NULL once the parse
 * is halted or the document found damaged: the callbacks then do nothing. */
static struct xml_state *live_state(void *ctx)
{
	struct xml_state *st = ctx;
	return st->halted || st->damaged ? NULL : st;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
		     int nns, const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
	(void)nns, (void)ns, (void)ndefaulted; /* an element's own prefix and uri decide */
	struct xml_state *st = live_state(ctx);
	if (!st)
		return;
	int depth = ++st->depth;
	if (st->skip_depth)
		return;
	const char *name = (const char *)local;
	int plain = !prefix && !uri;
	char qn[200], en[600], zh[600];
	qname(qn, sizeof qn, prefix, local);

	if (depth == 1) {
		if (!plain || strcmp(name, "visits") != 0) {
			st->damaged = 1;
			st->damage_line = start_tag_line(st);
			snprintf(st->damage_en, sizeof st->damage_en,
				 "root element <%s> is not <visits>", qn);
			snprintf(st->damage_zh, sizeof st->damage_zh, "根元素 <%s> 不是 <visits>", qn);
			halt(st);
		}
		return;
	}
	if (depth == 2) {
		flush_root_text(st);
		reset_visit(st);
		st->in_visit = 1;
		st->visit_line = start_tag_line(st);
		int is_visit = plain && strcmp(name, "visit") == 0;
		/* an unknown element here is taken as a malformed visit: one
		 * E001 record, so nothing in the file goes unreported */
		if (take_attrs(st, ELEM_VISIT, visit_attrs, nattr, attrs)) {
			st->nomem = 1;
			halt(st);
			return;
		}
		if (!is_visit) {
			snprintf(en, sizeof en, "unexpected element <%s> inside <visits>", qn);
			snprintf(zh, sizeof zh, "<visits> 内出现未知元素 <%s>", qn);
			structural(st, en, zh);
			st->skip_depth = depth;
		}
		return;
	}
	if (depth == 3) {
		int i = -1;
		if (plain)
			for (i = NELEMS - 1; i >= 0; i--)
				if (strcmp(name, elems[i].name) == 0)
					break;
		if (i < 0) {
			snprintf(en, sizeof en, "unexpected element <%s> inside <visit>", qn);
			snprintf(zh, sizeof zh, "<visit> 内出现未知元素 <%s>", qn);
			structural(st, en, zh);
			st->skip_depth = depth;
			return;
		}
		if (st->seen & (1u << i)) {
			snprintf(en, sizeof en, "element <%s> repeated", name);
			snprintf(zh, sizeof zh, "元素 <%s> 重复出现", name);
			structural(st, en, zh);
			st->skip_depth = depth;
			return;
		}
		st->seen |= 1u << i;
		st->elem = i;
		st->present[elems[i].field] = 1;
		if (take_attrs(st, i, elems[i].attrs, nattr, attrs)) {
			st->nomem = 1;
			halt(st);
		}
		return;
	}
	/* deeper: only <topic> inside <topics>; depth 5 is inside a <topic> */
	const char *parent = depth >= 5 ? "topic" : st->elem >= 0 ? elems[st->elem].name : "visit";
	if (depth == 4 && st->elem >= 0 && elems[st->elem].field == MQ_F_TOPICS && plain &&
	    strcmp(name, "topic") == 0 && nattr == 0) {
		if (st->ntopics++ && add_capped(&st->val[MQ_F_TOPICS], ";", 1)) {
			st->nomem = 1;
			halt(st);
		}
		st->in_topic = 1;
		return;
	}
	if (depth == 4 && nattr && plain && strcmp(name, "topic") == 0 && st->elem >= 0 &&
	    elems[st->elem].field == MQ_F_TOPICS) {
		snprintf(en, sizeof en, "unexpected attribute on <topic>");
		snprintf(zh, sizeof zh, "<topic> 带有未声明的属性");
	} else {
		snprintf(en, sizeof en, "unexpected element <%s> inside <%s>", qn, parent);
		snprintf(zh, sizeof zh, "<%s> 内出现未知元素 <%s>", parent, qn);
	}
	structural(st, en, zh);
	st->skip_depth = depth;
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	(void)local, (void)prefix, (void)uri; /* the depth tells which element ends */
	struct xml_state *st = live_state(ctx);
	if (!st)
		return;
	int depth = st->depth--;
	if (st->skip_depth) {
		if (depth > st->skip_depth)
			return;
		st->skip_depth = 0;
	}
	if (depth == 1)
		flush_root_text(st);
	else if (depth == 2)
		end_visit(st);
	else if (depth == 3)
		st->elem = -1;
	else if (depth == 4)
		st->in_topic = 0;
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct xml_state *st = live_state(ctx);
	if (!st || st->skip_depth)
		return;
	const char *s = (const char *)ch;
	switch (st->depth) {
	case 1:
		if (!st->root_text && !is_xml_space(s, len)) {
			st->root_text = 1;
			st->root_text_line = cur_line(st);
		}
		return;
	case 2:
		if (!is_xml_space(s, len))
			structural(st, "text directly inside <visit>", "<visit> 内直接出现文本");
		return;
	case 3:
		if (st->elem < 0)
			return;
		if (elems[st->elem].field == MQ_F_TOPICS) {
			if (!is_xml_space(s, len))
				structural(st, "text directly inside <topics>", "<topics> 内直接出现文本");
			return;
		}
		break;
	case 4:
		if (!st->in_topic)
			return;
		break;
	default:
		return;
	}
	if (add_capped(&st->val[elems[st->elem].field], s, (size_t)len)) {
		st->nomem = 1;
		halt(st);
	}
}

/* Any DOCTYPE: refused before its internal subset is read, so no entity is
 * declared, and nothing external is ever fetched. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	struct xml_state *st = ctx;
	if (st->halted)
		return;
	st->damaged = 1;
	st->damage_line = cur_line(st);
	snprintf(st->damage_en, sizeof st->damage_en,
		 "DOCTYPE not allowed at line %ld (DTDs and entity declarations are refused)",
		 st->damage_line);
	snprintf(st->damage_zh, sizeof st->damage_zh,
		 "第 %ld 行：不允许 DOCTYPE（不接受 DTD 和实体声明），此后内容未读取", st->damage_line);
	halt(st);
}

/* The first error that ends well-formedness is the damage; namespace
 * errors and warnings are not (an unbound prefix is an unknown element). */
static void on_error(void *ctx, xmlErrorPtr e)
{
	struct xml_state *st = ctx;
	if (!e || st->damaged || st->halted || e->level < XML_ERR_ERROR || e->domain == XML_FROM_NAMESPACE)
		return;
	char msg[400];
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "parse error");
	strip_newline(msg);
	st->damaged = 1;
	st->damage_line = e->line > 0 ? e->line : cur_line(st);
	if (st->damage_line < 1)
		st->damage_line = 1;
	snprintf(st->damage_en, sizeof st->damage_en, "XML not well-formed at line %ld: %s",
		 st->damage_line, msg);
	snprintf(st->damage_zh, sizeof st->damage_zh,
		 "XML 格式错误（第 %ld 行）：%s；此处之后的内容无法读取", st->damage_line, msg);
}

/* Errors raised without the parser context (I/O, encoding conversion)
 * reach libxml2's per-thread handler; routed here while we parse, so they
 * are damage too instead of lines on stderr. */
static void on_global_error(void *ctx, xmlErrorPtr e)
{
	on_error(ctx, e);
}

/* A parser that stopped on an error nobody reported (seen with failing
 * encoders): still damage, never a silent end. */
static void check_parser(struct xml_state *st, int rc)
{
	const xmlError *last = xmlCtxtGetLastError(st->ctxt);
	if (st->damaged || st->halted)
		return;
	/* 0 from xmlParseChunk: well-formed so far; right after the context
	 * is made, an error of its own recorded tells */
	if (rc == 0 && (!last || last->code == XML_ERR_OK || last->level < XML_ERR_ERROR ||
			last->domain == XML_FROM_NAMESPACE))
		return;
	char msg[400];
	snprintf(msg, sizeof msg, "%s", last && last->message ? last->message : "the parser stopped");
	strip_newline(msg);
	st->damaged = 1;
	st->damage_line = cur_line(st) > 0 ? cur_line(st) : 1;
	snprintf(st->damage_en, sizeof st->damage_en, "XML not well-formed at line %ld: %s",
		 st->damage_line, msg);
	snprintf(st->damage_zh, sizeof st->damage_zh,
		 "XML 格式错误（第 %ld 行）：%s；此处之后的内容无法读取", st->damage_line, msg);
}

/* The rest of the file after the damage: one record. */
static void emit_damage(struct xml_state *st)
{
	flush_root_text(st);
	long line = st->damage_line > 0 ? st->damage_line : 1;
	if (!st->in_visit)
		reset_visit(st);
	emit(st, line, 0, st->damage_en, st->damage_zh);
	reset_visit(st);
}

/* SAX events as libxml2 sees them, each noting the line it ended on. */
static void ev_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
		     const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
	on_start(ctx, local, prefix, uri, nns, ns, nattr, ndefaulted, attrs);
	note_line(ctx);
}

static void ev_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	on_end(ctx, local, prefix, uri);
	note_line(ctx);
}

static void ev_text(void *ctx, const xmlChar *ch, int len)
{
	on_text(ctx, ch, len);
	note_line(ctx);
}

static void ev_comment(void *ctx, const xmlChar *text)
{
	(void)text;
	note_line(ctx);
}

static void ev_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void)target, (void)data;
	note_line(ctx);
}

/* The encoding the XML declaration at the start of s[0..n) names (after a
 * UTF-8 BOM): GB18030 for the GB family, else UTF-8, libxml2's default. */
static enum mq_encoding declared_encoding(const char *s, size_t n)
{
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	const char *end = n >= 5 && memcmp(s, "<?xml", 5) == 0 ? memmem(s, n, "?>", 2) : NULL;
	const char *p = end ? memmem(s, (size_t)(end - s), "encoding", 8) : NULL;
	if (!p)
		return MQ_ENC_UTF8;
	for (p += 8; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '='); p++)
		;
	if (p == end || (*p != '"' && *p != '\''))
		return MQ_ENC_UTF8;
	const char *v = p + 1, *q = memchr(v, *p, (size_t)(end - v));
	size_t len = q ? (size_t)(q - v) : 0;
	if ((len >= 2 && strncasecmp(v, "GB", 2) == 0) || (len == 5 && strncasecmp(v, "CP936", 5) == 0))
		return MQ_ENC_GB18030;
	return MQ_ENC_UTF8;
}

int mq_ingest_xml_fp(FILE *fp, const char *path, const struct mq_ingest_opts *opts,
		     mq_record_fn fn, void *ctx, struct mq_ingest_stats *stats, struct mq_error *err)
{
	struct xml_state *st = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr xsd_doc = NULL;
	char *buf = NULL;
	int rc = 0, global_set = 0;
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_serror_ctx = xmlStructuredErrorContext;

	if (stats)
		memset(stats, 0, sizeof *stats);
	xmlInitParser();
	rc = load_schema(&schema, &xsd_doc, err);
	if (rc)
		goto out;
	st = calloc(1, sizeof *st);
	buf = malloc(XML_CHUNK);
	if (!st || !buf) {
		rc = mq_fail_nomem(err, path, 0);
		goto out;
	}
	const char *base = strrchr(path, '/');
	st->source = base ? base + 1 : path;
	st->fn = fn;
	st->fn_ctx = ctx;
	for (int i = 0; i < XML_MAX_EXTRA; i++) {
		mq_buf_init(&st->extra[i].name);
		mq_buf_init(&st->extra[i].uri);
		mq_buf_init(&st->extra[i].prefix);
		mq_buf_init(&st->extra[i].value);
	}
	for (int f = 0; f < MQ_NFIELDS; f++)
		mq_buf_init(&st->val[f]);
	st->elem = -1;
	for (int f = 0; f < MQ_NFIELDS; f++) {
		st->headers[f] = mq_fields[f].name;
		st->val[f].cap = XML_FIELD_CAP;
	}
	const char *all = getenv("MINQING_XML_VALIDATE");
	st->validate_all = all && strcmp(all, "all") == 0;
	st->vctxt = xmlSchemaNewValidCtxt(schema);
	st->doc = xmlNewDoc(BAD_CAST "1.0");
	if (!st->vctxt || !st->doc) {
		rc = mq_fail_nomem(err, path, 0);
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(st->vctxt, schema_valid_error, st);

	xmlSAXHandler sax;
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = ev_start;
	sax.endElementNs = ev_end;
	sax.characters = ev_text;
	sax.ignorableWhitespace = ev_text; /* the same: whitespace is text, reported */
	sax.cdataBlock = ev_text;
	sax.comment = ev_comment;
	sax.processingInstruction = ev_pi;
	sax.internalSubset = on_doctype;
	sax.serror = on_error;

	/* the XML declaration, for the encoding the file says it is in; the
	 * parser starts on 4 bytes and gets the rest of this head after */
	ssize_t head = (ssize_t)fread(buf, 1, 512, fp);
	enum mq_encoding declared = head > 0 ? declared_encoding(buf, (size_t)head) : MQ_ENC_UTF8;
	ssize_t n = head < 4 ? head : 4;
	if (ferror(fp)) {
		rc = mq_fail(err, MQ_ERR_IO, path, 0, "读取失败 / read failed: %s", strerror(errno));
		goto out;
	}
	int bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
	/* encoders may fail as soon as the context is made */
	global_set = 1;
	xmlSetStructuredErrorFunc(st, on_global_error);
	st->ctxt = xmlCreatePushParserCtxt(&sax, st, buf, (int)n, path);
	if (!st->ctxt) {
		rc = mq_fail_nomem(err, path, 0);
		goto out;
	}
	/* NONET; never NOENT, DTDLOAD, DTDATTR, DTDVALID or HUGE */
	xmlCtxtUseOptions(st->ctxt, XML_PARSE_NONET);
	check_parser(st, 0);
	if (opts && opts->encoding == MQ_ENC_GB18030) {
		/* the same start with the encoding given, whatever the declaration says */
		if (xmlCtxtResetPush(st->ctxt, buf, (int)n, path, "GB18030") == 0)
			xmlCtxtUseOptions(st->ctxt, XML_PARSE_NONET);
		check_parser(st, 0);
	}
	if (head > n)
		check_parser(st, xmlParseChunk(st->ctxt, buf + n, (int)(head - n), 0));
	long long total = head, next_progress = XML_PROGRESS_EVERY;
	while (!st->halted && !st->damaged) {
		n = (ssize_t)fread(buf, 1, XML_CHUNK, fp);
		if (ferror(fp)) {
			rc = mq_fail(err, MQ_ERR_IO, path, 0, "读取失败 / read failed: %s", strerror(errno));
			goto out;
		}
		total += n;
		check_parser(st, xmlParseChunk(st->ctxt, buf, (int)n, n == 0));
		if (opts && opts->progress && total >= next_progress) {
			opts->progress(total, ctx);
			next_progress = total + XML_PROGRESS_EVERY;
		}
		if (n == 0)
			break;
	}
	if (st->nomem) {
		rc = mq_fail_nomem(err, path, 0);
		goto out;
	}
	if (st->damaged && !st->stop_rc) {
		if (total == 0) {
			snprintf(st->damage_en, sizeof st->damage_en, "XML document is empty");
			snprintf(st->damage_zh, sizeof st->damage_zh, "XML 文件为空");
		}
		emit_damage(st);
	}
	if (st->nomem)
		rc = mq_fail_nomem(err, path, 0);
	else
		rc = st->stop_rc;
	if (stats) {
		stats->records = st->records;
		stats->bytes = total;
		stats->encoding = opts && opts->encoding == MQ_ENC_GB18030 ? MQ_ENC_GB18030
										: declared;
		stats->bom = bom;
		stats->is_xml = 1;
	}
out:
	if (global_set)
		xmlSetStructuredErrorFunc(old_serror_ctx, old_serror);
	if (st) {
		if (st->ctxt)
			xmlFreeParserCtxt(st->ctxt);
		xmlSchemaFreeValidCtxt(st->vctxt);
		xmlFreeDoc(st->doc);
		for (int f = 0; f < MQ_NFIELDS; f++)
			mq_buf_free(&st->val[f]);
		for (int i = 0; i < XML_MAX_EXTRA; i++) {
			mq_buf_free(&st->extra[i].name);
			mq_buf_free(&st->extra[i].uri);
			mq_buf_free(&st->extra[i].prefix);
			mq_buf_free(&st->extra[i].value);
		}
		free(st);
	}
	xmlSchemaFree(schema);
	xmlFreeDoc(xsd_doc);
	free(buf);
	return rc;
}

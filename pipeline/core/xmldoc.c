/* xmldoc.c — a small XML file read whole and checked against its XSD
 * (xmldoc.h). */
#include "minqing/core/xmldoc.h"

#include "minqing/core/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

/* The first error libxml2 reports, with its line. */
struct first_error {
	int seen;
	long line;
	char message[256];
};

static void keep_first_error(void *ctx, xmlErrorPtr e)
{
	struct first_error *f = ctx;
	if (f->seen || !e || e->level < XML_ERR_ERROR)
		return;
	f->seen = 1;
	f->line = e->line;
	snprintf(f->message, sizeof f->message, "%s", e->message ? e->message : "?");
	size_t l = strlen(f->message);
	while (l && (f->message[l - 1] == '\n' || f->message[l - 1] == ' '))
		f->message[--l] = '\0';
}

static int validate(const char *path, const char *xsd, const struct mq_xml_texts *texts, xmlDoc *doc,
		    struct mq_error *err)
{
	/* libxml2 would print an "I/O warning" to stderr: tell the cause ourselves */
	if (access(xsd, R_OK) != 0)
		return mq_fail(err, MQ_ERR_IO, xsd, 0, "%s: %s", texts->bad_schema, mq_errno_text(errno));
	struct first_error first = { 0 };
	xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(xsd);
	xmlSchema *schema = NULL;
	xmlSchemaValidCtxt *vc = NULL;
	int rc = 0;
	if (!pc)
		return mq_fail_nomem(err, xsd, 0);
	xmlSchemaSetParserStructuredErrors(pc, keep_first_error, &first);
	schema = xmlSchemaParse(pc);
	if (!schema) {
		rc = mq_fail(err, MQ_ERR_FORMAT, xsd, first.line, "%s: %s", texts->bad_schema,
			     first.seen ? first.message : "?");
		goto done;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc) {
		rc = mq_fail_nomem(err, xsd, 0);
		goto done;
	}
	struct first_error invalid = { 0 };
	xmlSchemaSetValidStructuredErrors(vc, keep_first_error, &invalid);
	if (xmlSchemaValidateDoc(vc, doc) != 0 || invalid.seen)
		rc = mq_fail(err, MQ_ERR_FORMAT, path, invalid.line, "%s: %s", texts->mismatch,
			     invalid.seen ? invalid.message : "?");
done:
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return rc;
}

int mq_xml_read_valid(const char *path, const char *xsd, const struct mq_xml_texts *texts,
		      struct _xmlDoc **out, struct mq_error *err)
{
	*out = NULL;
	/* libxml2 would print an "I/O warning" for a file it cannot open */
	if (access(path, R_OK) != 0)
		return mq_fail(err, MQ_ERR_IO, path, 0, "%s: %s", texts->unreadable, mq_errno_text(errno));
	xmlParserCtxt *pc = xmlNewParserCtxt();
	if (!pc)
		return mq_fail_nomem(err, path, 0);
	/* a document parser's errors go to the thread's structured handler */
	struct first_error first = { 0 };
	xmlStructuredErrorFunc old = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&first, keep_first_error);
	xmlDoc *doc = xmlCtxtReadFile(pc, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(old_ctx, old);
	xmlFreeParserCtxt(pc);
	int rc = 0;
	if (!doc || first.seen)
		/* no document and no error told: the reading failed */
		rc = mq_fail(err, first.seen ? MQ_ERR_FORMAT : MQ_ERR_IO, path, first.line, "%s: %s",
			     first.seen ? texts->malformed : texts->unreadable, first.seen ? first.message : "?");
	else
		rc = validate(path, xsd, texts, doc, err);
	if (rc) {
		xmlFreeDoc(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

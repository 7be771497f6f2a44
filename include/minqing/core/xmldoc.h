/* xmldoc.h — a small XML file read whole (a report template, a rubric)
 * and checked against its XSD through libxml2, with the safe options: no
 * network, no DTD loading, no entity substitution. The first error is the
 * one reported, with its line: it is the one a clerk should fix. (Visit
 * files are streamed instead: ingest/xml.c.) */
#ifndef MINQING_CORE_XMLDOC_H
#define MINQING_CORE_XMLDOC_H

#include "minqing/core/error.h"

struct _xmlDoc; /* libxml2's xmlDoc (libxml/tree.h) */

/* The messages for one kind of file, each "中文 / English"; the error
 * text is the message, ": " and the system's reason or libxml2's. */
struct mq_xml_texts {
	const char *unreadable; /* the file cannot be read */
	const char *malformed;  /* it is not well-formed XML */
	const char *bad_schema; /* its XSD cannot be read */
	const char *mismatch;   /* it does not match its XSD */
};

/* Reads the file at path and validates it against the XSD at xsd.
 * Returns 0 and sets *doc (the caller frees it with xmlFreeDoc); else
 * *doc is NULL, err is filled (the file, the line where known) and the
 * return is MQ_ERR_IO (path or xsd unreadable), MQ_ERR_FORMAT (not
 * well-formed, a broken XSD, no match) or MQ_ERR_NOMEM. */
int mq_xml_read_valid(const char *path, const char *xsd, const struct mq_xml_texts *texts,
		      struct _xmlDoc **doc, struct mq_error *err);

#endif

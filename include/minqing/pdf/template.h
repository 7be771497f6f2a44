/* template.h — report templates (XML, templates/template.xsd) and the data
 * they are filled with.
 *
 * Data: a struct mq_data holds named scalars and named data sets; a data
 * set is a list of rows of named string fields (all values are UTF-8
 * strings; formats such as int / pct / date are applied by the template).
 * The caller creates it with mq_data_new, fills it, passes it to
 * mq_render_pdf (render.h) any number of times and frees it with
 * mq_data_free. Every string passed in is copied; the caller keeps its own.
 * Pointers returned (data sets, values) stay valid until mq_data_free.
 * A NULL value is stored as the empty string, which reports print as "—".
 *
 * Templates: mq_template_load parses and validates a template file against
 * the XSD and checks that the font files it needs exist; the result is
 * immutable and owned by the caller until mq_template_free. Errors name the
 * template file and line. The template language is described in
 * templates/template.xsd and in the top comment of templates/sample_report.xml.
 *
 * All functions return 0 or a negative MQ_ERR_* code and fill err when
 * given one (core/error.h); free functions accept NULL. */
#ifndef MINQING_TEMPLATE_H
#define MINQING_TEMPLATE_H

#include <stddef.h>

#include "minqing/core/error.h"

struct mq_data;
struct mq_dataset;
struct mq_template;

/* ---- data binding ---- */

struct mq_data *mq_data_new(void);                       /* NULL on OOM */
void mq_data_free(struct mq_data *d);                     /* frees every set and value */
/* Sets (or replaces) scalar name = value. */
int mq_data_set(struct mq_data *d, const char *name, const char *value,
		struct mq_error *err);
/* Returns the scalar's value, or NULL when it was never set. */
const char *mq_data_get(const struct mq_data *d, const char *name);
/* Creates data set `name` with the given field names (copied); *out is
 * owned by d. Fails with MQ_ERR_USAGE when the name already exists. */
int mq_data_add_set(struct mq_data *d, const char *name, const char *const *fields,
		    size_t nfields, struct mq_dataset **out, struct mq_error *err);
/* Appends a row: values[i] belongs to fields[i]; values must hold nfields
 * entries (NULL = empty). */
int mq_dataset_add_row(struct mq_dataset *s, const char *const *values,
		       struct mq_error *err);
/* Looks a data set up by name; NULL when absent. */
struct mq_dataset *mq_data_find(const struct mq_data *d, const char *name);
size_t mq_dataset_rows(const struct mq_dataset *s);
size_t mq_dataset_nfields(const struct mq_dataset *s);
const char *mq_dataset_name(const struct mq_dataset *s);
const char *mq_dataset_field_name(const struct mq_dataset *s, size_t i);
int mq_dataset_field(const struct mq_dataset *s, const char *field);  /* index or -1 */
/* Value at (row, field index); "" for an empty value, NULL when out of range. */
const char *mq_dataset_value(const struct mq_dataset *s, size_t row, size_t field);

/* ---- templates ---- */

/* Loads template `path`, validated against `xsd_path` (NULL: template.xsd
 * in the template's own directory). No network, no DTD, no entities. */
int mq_template_load(const char *path, const char *xsd_path,
		     struct mq_template **out, struct mq_error *err);
void mq_template_free(struct mq_template *t);
/* The template's title attribute ("" when none); owned by t. */
const char *mq_template_title(const struct mq_template *t);

#endif

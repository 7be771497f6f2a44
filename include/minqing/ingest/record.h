/* record.h — the visit-diary record (民情日记) and the one table that
 * describes its fields (contract section 1).
 *
 * Readers (ingest.h) produce a struct mq_raw_record: the cells of one input
 * record as UTF-8 text, keyed by field. The validator (validate.h) turns it
 * into a struct mq_record: trimmed, normalised text plus parsed values. Both
 * are owned by the stage that fills them and are valid only during the
 * callback that hands them over: copy what you keep (intern it).
 *
 * The field table mq_fields[] is the single place a field is defined: the
 * CSV header mapping, the XML reader, the validator and every writer use it. */
#ifndef MINQING_RECORD_H
#define MINQING_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/date.h"

struct mq_village_ref;
struct mq_cadre_ref;

enum mq_field {
	MQ_F_RECORD_ID, MQ_F_VISIT_DATE, MQ_F_COUNTY, MQ_F_TOWNSHIP, MQ_F_VILLAGE,
	MQ_F_VILLAGE_GROUP, MQ_F_CADRE_ID, MQ_F_CADRE_NAME, MQ_F_CADRE_UNIT,
	MQ_F_HOUSEHOLD_ID, MQ_F_HOUSEHOLDER, MQ_F_HOUSEHOLD_SIZE, MQ_F_HOUSEHOLD_TYPE,
	MQ_F_VISIT_MODE, MQ_F_TOPICS, MQ_F_DEMAND, MQ_F_MEASURE, MQ_F_DUE_DATE,
	MQ_F_STATUS, MQ_F_CLOSED_DATE, MQ_F_SIGNED, MQ_F_SATISFACTION,
	MQ_F_INCOME, MQ_F_NOTES,
	MQ_NFIELDS
};

enum mq_type { MQ_T_TEXT, MQ_T_DATE, MQ_T_INT, MQ_T_DECIMAL, MQ_T_ENUM, MQ_T_ENUMLIST, MQ_T_BOOL };

enum mq_required { MQ_OPTIONAL, MQ_REQUIRED, MQ_CONDITIONAL };

struct mq_field_def {
	const char *name;              /* canonical (English) header */
	const char *zh;                /* Chinese header alias */
	enum mq_type type;
	enum mq_required required;
	int limit;                     /* text: max code points; 0 = none */
	int min, max;                  /* MQ_T_INT range */
	const char *const *values;     /* MQ_T_ENUM / MQ_T_ENUMLIST, NULL-terminated */
};

extern const struct mq_field_def mq_fields[MQ_NFIELDS];

/* The field a CSV header names (canonical or Chinese, trimmed, English
 * case-insensitive), or -1 for an unknown column. */
int mq_field_lookup(const char *header, size_t len);

/* Enumerations, in contract order; the index is the stored value. */
enum mq_household_type { MQ_HT_LIFTED, MQ_HT_MONITORED, MQ_HT_DIBAO, MQ_HT_TEKUN, MQ_HT_ORDINARY, MQ_HT_N };
enum mq_visit_mode { MQ_MODE_HOME, MQ_MODE_PHONE, MQ_MODE_WECHAT, MQ_MODE_MEETING, MQ_MODE_TALK, MQ_MODE_N };
enum mq_topic {
	MQ_TOPIC_FOOD, MQ_TOPIC_SCHOOL, MQ_TOPIC_MEDICAL, MQ_TOPIC_HOUSING, MQ_TOPIC_WATER,
	MQ_TOPIC_INDUSTRY, MQ_TOPIC_JOBS, MQ_TOPIC_POLICY, MQ_TOPIC_MEDIATION, MQ_TOPIC_OTHER,
	MQ_TOPIC_N
};
enum mq_status { MQ_ST_CLOSED, MQ_ST_IN_PROGRESS, MQ_ST_NOT_STARTED, MQ_ST_N };
enum mq_satisfaction { MQ_SAT_SATISFIED, MQ_SAT_BASIC, MQ_SAT_UNSATISFIED, MQ_SAT_N };

extern const char *const mq_household_types[];
extern const char *const mq_visit_modes[];
extern const char *const mq_topics[];
extern const char *const mq_statuses[];
extern const char *const mq_satisfactions[];

/* 入户走访, 座谈 and 集中宣讲 put the cadre in the village; 电话 and 微信
 * do not (contract section 4, "in person"). */
static inline int mq_mode_in_person(int mode)
{
	return mode == MQ_MODE_HOME || mode == MQ_MODE_MEETING || mode == MQ_MODE_TALK;
}

/* ---- the raw record a reader hands over ---- */

struct mq_raw_record {
	const char *source;             /* input file's base name */
	long line;                      /* physical line where the record starts */
	const char *value[MQ_NFIELDS];  /* UTF-8 cell or NULL when absent (untrimmed) */
	size_t len[MQ_NFIELDS];
	unsigned char bad_text[MQ_NFIELDS]; /* 1: bytes invalid in the input's encoding (E010) */
	/* Set by the reader for a structural problem (E001); the record is then
	 * rejected whatever its cells hold. */
	const char *structural;         /* English message or NULL */
	const char *structural_zh;      /* Chinese message */
	/* The original cells in input order, for rejects.csv; headers parallel.
	 * A cell is NULL only when it is absent (length 0: an XML record's
	 * missing field). */
	size_t ncells;
	const char *const *cells;
	const size_t *cell_len;
	const char *const *headers;     /* header of each cell (CSV header or XML field name) */
	size_t nheaders;                /* cells past this many have no header */
	/* What the ingest options' prepare hook made of this record ahead of
	 * time (on the reader's thread), or NULL. */
	const void *prepared;
	/* 1: every cell came from one line without quotes or CRs, split at
	 * its commas, so no cell holds a comma, quote or line break */
	unsigned char plain;
};

/* ---- the accepted, normalised record ---- */

struct mq_record {
	const char *source;
	long line;
	const char *text[MQ_NFIELDS];   /* normalised text, NULL when absent */
	size_t len[MQ_NFIELDS];
	mq_day visit_date, due_date, closed_date;   /* MQ_NO_DAY when absent */
	int household_size;             /* 0 when absent */
	int household_type, visit_mode, status, satisfaction; /* enum index, -1 absent */
	uint32_t topics;                /* bit per enum mq_topic */
	int is_signed;                  /* 1 是, 0 否 */
	int has_income;
	/* The household as the validator that accepted the record numbered it
	 * (validate.h): household_set names that validator's numbering (0:
	 * none, as in a record read back or built elsewhere), household_no the
	 * household's number in it. An aggregator fed by that validator looks
	 * the household up once per household instead of once per record. */
	uint32_t household_set;
	int32_t household_no;
	/* The reference's entries (reference.h) for the record's township and
	 * village and for its cadre, as the validator found them (NULL: none,
	 * not looked up, or no reference given): an aggregator on the same
	 * reference takes its village and cadre from them instead of looking
	 * the names up again. */
	const struct mq_village_ref *village_ref;
	const struct mq_cadre_ref *cadre_ref;
	/* 1: village_ref's township and village are the record's byte for
	 * byte (reference.h says when they may not be); cadre_ref's id is */
	unsigned char village_exact, cadre_exact;
	/* 1: no value needs quoting in a CSV cell (the raw record was plain,
	 * and the values are trimmed or the field table's own) */
	unsigned char plain;
};

#endif

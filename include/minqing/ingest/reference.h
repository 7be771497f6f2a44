/* reference.h — the optional reference files of contract section 2:
 * registry (村庄名册), roster (干部花名册) and assignments (帮扶关系).
 *
 * mq_reference_load reads whichever paths are given (NULL = not given) into
 * one struct that owns all its strings (an arena) until mq_reference_free.
 * Lookups return pointers into it, valid until then. */
#ifndef MINQING_REFERENCE_H
#define MINQING_REFERENCE_H

#include <stddef.h>
#include "minqing/core/arena.h"
#include "minqing/core/error.h"

struct mq_village_ref {
	const char *county, *township, *village;
	long households;                 /* registered households */
	long poor_households, population;/* -1 when not given */
};

struct mq_cadre_ref {
	const char *cadre_id, *cadre_name, *unit, *role, *township, *village;
	int resident;                    /* 第一书记 or 驻村工作队员 */
	/* mq_ref_village(township, village): NULL without a registry */
	const struct mq_village_ref *own_village;
};

struct mq_assignment {
	const char *cadre_id, *household_id;
};

struct mq_reference {
	int has_registry, has_roster, has_assignments;
	struct mq_village_ref *villages; size_t nvillages;   /* file order */
	struct mq_cadre_ref *cadres; size_t ncadres;         /* file order */
	struct mq_assignment *assignments; size_t nassignments;
	struct mq_reference_index *index;                    /* private lookups */
	struct mq_arena *arena;
};

extern const char *const mq_roles[]; /* the five roles, NULL-terminated */

/* Loads the files given (each may be NULL). Returns 0 or a negative code
 * with err naming the file and line of the first bad row. */
int mq_reference_load(struct mq_reference *ref, const char *registry,
		      const char *roster, const char *assignments, struct mq_error *err);
void mq_reference_free(struct mq_reference *ref);

/* NULL when absent (or when that file was not given). The village found
 * is the one of this township and village byte for byte, unless either
 * name holds the byte 0x1F (the registry key's separator); the cadre's id
 * always is cadre_id. */
const struct mq_village_ref *mq_ref_village(const struct mq_reference *ref,
					    const char *township, const char *village);
const struct mq_cadre_ref *mq_ref_cadre(const struct mq_reference *ref, const char *cadre_id);
/* mq_ref_village for a record of the cadre's (NULL: none): two string
 * comparisons instead of a lookup when the record's names are the
 * cadre's own, as they mostly are. */
const struct mq_village_ref *mq_ref_village_near(const struct mq_reference *ref, const struct mq_cadre_ref *cadre,
						 const char *township, const char *village);

#endif

/* verify.h — verifying a BagIt ZIP package (`minqing verify`).
 *
 * Verification reads members as streams (hashing while inflating) and
 * writes nothing to disk. Before reading any member it refuses the package
 * when a member name is empty, holds NUL, a backslash or a ".." component,
 * is absolute (leading "/" or a drive letter), is not valid UTF-8 or is
 * duplicated, when a
 * member is encrypted or uses a method other than store/deflate, or when
 * declared sizes, the entry count or the compression ratio pass the
 * limits; while reading, a member stops as soon as its output passes the
 * per-member or total limit. */
#ifndef MINQING_ARCHIVE_VERIFY_H
#define MINQING_ARCHIVE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/buf.h"
#include "minqing/core/error.h"


struct mq_verify_limits {
	uint64_t member_max;  /* largest member, bytes (default 4 GiB) */
	uint64_t total_max;   /* all members together (default 16 GiB) */
	uint64_t ratio_max;   /* size / compressed size, for members over 1 MiB (default 200) */
	size_t entries_max;   /* members (default 100000) */
};
void mq_verify_limits_default(struct mq_verify_limits *l);

struct mq_verify_result {
	size_t members, payload_files; /* what the package holds */
	uint64_t payload_bytes;
	size_t problems;               /* lines appended to the report */
	int refused;                   /* 1: unsafe or over a limit, members not read */
};

/* Verifies one package: ZIP integrity (CRC of every member), bagit.txt,
 * every manifest line (missing / altered), every payload file listed
 * (extra), tag manifests, Payload-Oxum. Appends one line per problem,
 * "中文 / English: name (detail)\n", to report. Returns 0 when valid,
 * MQ_ERR_VERIFY when not (res->problems > 0), MQ_ERR_IO when the file
 * cannot be read as a ZIP, MQ_ERR_NOMEM. */
int mq_verify_package(const char *zip_path, const struct mq_verify_limits *lim,
		      struct mq_verify_result *res, struct mq_buf *report,
		      struct mq_error *err);

#endif

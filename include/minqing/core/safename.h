/* safename.h — file and member names made from data (township, village,
 * county, cadre names): safe on Windows, macOS and Linux, and unique
 * within their folder.
 *
 * mq_safe_name turns one name component into one that every file system
 * an office uses accepts:
 *   - invalid UTF-8 bytes and control characters (C0, DEL, C1) become "_";
 *   - the text is put in NFC (utf8proc);
 *   - the characters Windows refuses become their full-width forms:
 *     \ / : * ? " < > |  →  ＼ ／ ： ＊ ？ ＂ ＜ ＞ ｜
 *   - trailing dots become "．" and trailing spaces "_" (Windows drops them);
 *   - a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$,
 *     CONOUT$, also with an extension) gets a leading "_";
 *   - a name longer than MQ_SAFE_NAME_MAX bytes is cut on a character
 *     boundary, keeping its extension (up to 16 bytes), and gets the stable
 *     suffix "~XXXXXXXX" (8 hex digits of a hash of the whole original
 *     name), so two long names that share a beginning stay apart.
 * The result may be empty (empty input). Nothing else changes: a name that
 * is already safe comes back as it was.
 *
 * A struct mq_name_set keeps the names given out in one folder: claiming
 * a name taken already (compared as Windows does, ASCII letters without
 * case) turns "x.pdf" into "x (2).pdf", "x (3).pdf", … so names that
 * clean to the same one stay distinct. Claims in the same order give the
 * same names (reproducible output).
 *
 * Note: archive/bagit.c's mq_archive_safe_name calls mq_safe_name for each
 * component of a member path; NFC lives here only (utf8proc is owned by
 * this module). */
#ifndef MINQING_CORE_SAFENAME_H
#define MINQING_CORE_SAFENAME_H

#include <stddef.h>

#include "minqing/core/buf.h"

#define MQ_SAFE_NAME_MAX 200 /* bytes; Windows and ext4 stop at 255 */

/* Appends the safe form of s[0..len) to out. 0 or MQ_ERR_NOMEM. */
int mq_safe_name(const char *s, size_t len, struct mq_buf *out);

struct mq_name_set;
struct mq_name_set *mq_name_set_new(void);     /* NULL when out of memory */
void mq_name_set_free(struct mq_name_set *set); /* NULL-safe */
/* Makes the last component of name (after its last "/", if any) unique in
 * set by adding " (N)" before its extension, and records it. The name is
 * changed in place. 0 or MQ_ERR_NOMEM. */
int mq_name_set_claim(struct mq_name_set *set, struct mq_buf *name);
/* 1 when name (compared as claims are) was claimed. */
int mq_name_set_has(const struct mq_name_set *set, const char *name);

#endif

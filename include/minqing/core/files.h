/* files.h — output files written atomically, folders, the staging folder
 * a run builds its outputs in, and the search for templates. */
#ifndef MINQING_CORE_FILES_H
#define MINQING_CORE_FILES_H

#include <stddef.h>
#include <stdio.h>

#include "minqing/core/error.h"

/* Atomic output: writes go to "PATH.tmp.PID"; mq_out_commit renames it to
 * PATH, mq_out_abort removes it. A file is never seen half-written. */
struct mq_out {
	FILE *fp;
	char *path, *tmp;
	/* mq_out_write_big's state: the file's end, its cached part, the
	 * writeback started and done there and past it, and past it the
	 * staged bytes (their file offset) and the O_DIRECT descriptor */
	long long end, keep, started, behind, staged_at;
	char *staged;
	size_t nstaged;
	int direct, direct_fd;
	int err;            /* the first errno of a write past the stream */
};
int mq_out_open(struct mq_out *o, const char *path, struct mq_error *err);
int mq_out_commit(struct mq_out *o, struct mq_error *err); /* closes, syncs (mq_file_sync), renames */
void mq_out_abort(struct mq_out *o);                        /* closes and unlinks; NULL-safe */
/* For a file of gigabytes written in one go, instead of fwrite after what
 * went through o->fp: its first 512 MB stay in the page cache (the next
 * stage reads them back) but their writeback starts in 32 MB windows, so
 * the commit's fsync waits for the tail only. The rest goes to the disk
 * from a buffer of ours (O_DIRECT: no copy into the page cache, whose
 * pages would only be dropped), or where a file system refuses that,
 * through the page cache written back and dropped behind the end. Data
 * that starts at a multiple of MQ_OUT_BLOCK in memory, written where the
 * file's end is one too, goes there without that copy: its whole blocks
 * straight from the caller's memory. Errors show at mq_out_flush or the
 * commit. */
#define MQ_OUT_BLOCK ((size_t)4096)
void mq_out_write_big(struct mq_out *o, const void *data, size_t len);
/* Every byte written so far is in the file (to be read back by another
 * descriptor); 0, or -1 after a write failed. */
int mq_out_flush(struct mq_out *o);
/* Makes a written file's data durable before its rename: fsync, except
 * for a file inside the staging folder this process prepared, whose
 * writeback is only started: mq_stage_dir_commit waits for all of them at
 * once (syncfs) before anything of the folder is put in place (on Linux
 * 5.8 and later, whose syncfs reports a failed writeback). 0, or -1 and
 * errno. */
int mq_file_sync(int fd, const char *path);
/* Writes all n bytes at offset `at`, again after a signal or a short
 * write; 0, or the errno of the failure (EIO when nothing was written). */
int mq_pwrite_all(int fd, const void *p, size_t n, long long at);

/* The render stage's index in its reports folder: which township each
 * report belongs to (CSV: scope,township,file; scope township, county or
 * all), so the archive stage packs a township's reports by that list and
 * never by a file-name prefix (two names may clean to the same one). */
#define MQ_REPORTS_INDEX ".minqing-index.csv"

/* Creates dir and its parents (mode 0777 & ~umask). */
int mq_mkdirs(const char *dir, struct mq_error *err);



/* ---- replacing a run's outputs as a whole, one run per folder ----
 * A run writes into a staging folder inside out_dir (.minqing.tmp.PID).
 * mq_stage_dir_prepare first takes the folder's lock (mq_out_lock), then
 * completes or removes what killed runs left (mq_stage_dir_recover).
 * mq_stage_dir_commit makes the staged parts (data, reports, archive)
 * durable (syncfs of the staged files' file system, then fsync of their
 * folders), writes a journal of their inodes to
 * the staging folder, swaps each part with out_dir's (RENAME_EXCHANGE)
 * with signals held off, fsyncs out_dir and removes what it replaced. When
 * a swap fails, the parts swapped already are swapped back: the previous
 * outputs stay whole. When the process dies between the swaps, the next
 * run (or render) finds the journal and puts the remaining parts in place
 * before anything else (roll forward). Other files in out_dir are never
 * touched. */
int mq_stage_dir_prepare(const char *out_dir, char *stage, size_t stage_size, struct mq_error *err);
int mq_stage_dir_commit(const char *stage, const char *out_dir, struct mq_error *err);
/* Takes the lock of out_dir (flock on out_dir/.minqing.lock, held until the
 * process exits): a second run into the same folder is refused with a
 * message. 0, or MQ_ERR_IO. Taking it again for the same folder is a no-op. */
int mq_out_lock(const char *out_dir, struct mq_error *err);
/* Locks out_dir, then completes the commit of a killed run (its journal) and
 * removes staging folders left behind. 0 or MQ_ERR_IO. */
int mq_stage_dir_recover(const char *out_dir, struct mq_error *err);
/* Templates (report templates, their XSDs, visits.xsd, rubric.xml) are
 * searched file by file in these places, first wins:
 *   0 the folder of --templates or the config file (mq_templates_set_dir),
 *   1 $MINQING_TEMPLATES (for tests and development),
 *   2 $XDG_DATA_HOME/minqing/templates (else ~/.local/share/...): an
 *     office's own edited copies,
 *   3 <program dir>/../share/minqing/templates: the installed ones,
 *   4 <program dir>/../templates: a program run from a checkout's build/.
 * Never the current folder. */
#define MQ_TEMPLATE_PLACES 5
/* Sets place 0 (borrowed, must outlive the searches; NULL or "" clears). */
void mq_templates_set_dir(const char *dir);
/* The folder of a place into out ("" when the place names none) and its
 * name into *what; 0, or -1 past the last place. */
int mq_template_dir(int place, char *out, size_t outlen, const char **what);
/* Finds a template file: 0 and its path in out, or MQ_ERR_IO naming every
 * path tried. */
int mq_find_template(const char *name, char *out, size_t outlen, struct mq_error *err);
/* Removes a file tree (no error when it does not exist). */
int mq_remove_tree(const char *path);

#endif

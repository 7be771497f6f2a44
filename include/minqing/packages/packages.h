/* packages.h — the archive stage of a run: which files of an output folder
 * go into which township's package and the county's (archive/bag.h writes
 * them). */
#ifndef MINQING_PACKAGES_H
#define MINQING_PACKAGES_H

#include <stddef.h>
#include <stdint.h>

#include "minqing/core/error.h"


struct mq_archive_opts {
	const char *out_dir;      /* reads out_dir/data, out_dir/reports; writes out_dir/archive */
	const char *period;       /* YYYY-MM, YYYY-Qn or YYYY */
	const char *as_of;        /* YYYY-MM-DD, or NULL: run.txt's as_of, else the period's last day */
	const char *organization; /* Source-Organization, or NULL: run.txt's unit, else the county */
	int with_inputs;          /* add the input files listed in run.txt */
	int jobs;                 /* packages written at once; 0 = processors, at most 4 */
	/* called after each package is written (may be NULL) */
	void (*on_package)(void *ctx, const char *zip_path, uint64_t payload_bytes);
	void *ctx;
	/* Called now and then (may be NULL; from one thread at a time) with the
	 * payload bytes packaged so far, those of every package, the packages
	 * written, and progress_ctx. */
	void (*progress)(long long done, long long total, long long packages, void *ctx);
	void *progress_ctx;
};

/* Writes one package per township and one for the county into
 * out_dir/archive, each holding its bag in one top-level folder named like
 * the package (<乡镇>_<期间>_档案包/bagit.txt, …/data/…): a township package holds the reports whose name starts
 * with "<township>_", the data-quality report, its rows of each CSV that
 * has a township column (accepted records and figures), the run's rejects
 * and warnings, and with with_inputs the inputs of run.txt; the county
 * package holds all of them unfiltered. Payload folders: data/报告/,
 * data/数据/, data/原始输入/. Townships are the township column of
 * township_summary.csv (required); the county is the one county of
 * county_summary.csv. Packages are written by up to `jobs` threads and
 * reported through on_package in a fixed order (townships by name, then
 * the county) once all are written. Temporary files go to
 * out_dir/archive/.tmp.PID and are removed. Returns 0 or a negative code;
 * on failure no package is half-written (others may have been replaced). */
int mq_archive_period(const struct mq_archive_opts *o, struct mq_error *err);

#endif

/* cli.h — the subcommands of the minqing program.
 *
 * One command per file (pipeline/cmd_<name>.c); each entry point takes the
 * arguments after the command name (argv[0] is the command name) and
 * returns the process exit status of contract section 7:
 * 0 all accepted / success, 1 some records rejected (outputs written),
 * 2 usage error, 3 fatal error (nothing half-written left behind). */
#ifndef MINQING_CLI_H
#define MINQING_CLI_H

enum { MQ_EXIT_OK = 0, MQ_EXIT_REJECTS = 1, MQ_EXIT_USAGE = 2, MQ_EXIT_FATAL = 3 };

int mq_cmd_validate(int argc, char **argv);
int mq_cmd_aggregate(int argc, char **argv);
int mq_cmd_merge(int argc, char **argv);
int mq_cmd_run(int argc, char **argv);
int mq_cmd_render(int argc, char **argv);
int mq_cmd_archive(int argc, char **argv);
int mq_cmd_verify(int argc, char **argv);
int mq_cmd_templates(int argc, char **argv);

#endif

/* ---- options shared by the commands ---- */
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/ingest/ingest.h"

struct mq_cli {
	char **inputs;              /* positional arguments (borrowed from argv) */
	int ninputs;
	const char *registry, *roster, *assignments, *out, *period, *config, *rubric,
		*partial, *as_of_text, *unit, *templates, *next_steps, *copy;
	enum mq_encoding encoding;
	int bom;                    /* 1 unless --no-bom */
	int quiet, verbose, with_inputs, jobs;
	int township_reports;       /* --township-reports: an assessment report per township */
	mq_day as_of;               /* --as-of, else SOURCE_DATE_EPOCH's date, else today */
};

/* Parses argv[1..] accepting only the options named in `allowed` (a
 * space-separated list such as "registry roster as-of out"). Prints a
 * usage error to stderr and returns MQ_EXIT_USAGE, or returns 0. */
int mq_cli_parse(int argc, char **argv, const char *allowed, struct mq_cli *cli);
void mq_cli_free(struct mq_cli *cli);

/* Prints a fatal error (file:line: message) to stderr; returns MQ_EXIT_FATAL. */
int mq_cli_fatal(const struct mq_error *err);

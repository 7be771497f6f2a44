/* cli.h — the commands of the minqing program and the option parser they
 * share.
 *
 * One command per file (pipeline/cli/cmd_<name>.c); each entry point takes
 * the arguments after the command name (argv[0] is the command name) and
 * returns the process exit status of contract section 7:
 * 0 all accepted / success, 1 some records rejected (outputs written),
 * 2 usage error, 3 fatal error (nothing half-written left behind).
 *
 * mq_commands[] and mq_cli_options[] are the one description of the
 * command line: the parser, every --help, `minqing --help`, the man pages
 * and the bash completion (tests/tools/gen_docs.c) are made from them. */
#ifndef MINQING_CLI_H
#define MINQING_CLI_H

#include "minqing/core/buf.h"
#include "minqing/core/date.h"
#include "minqing/core/error.h"
#include "minqing/ingest/ingest.h"

#include <stddef.h>
#include <stdio.h>

enum { MQ_EXIT_OK = 0, MQ_EXIT_REJECTS = 1, MQ_EXIT_USAGE = 2, MQ_EXIT_FATAL = 3 };

int mq_cmd_validate(int argc, char **argv);
int mq_cmd_aggregate(int argc, char **argv);
int mq_cmd_merge(int argc, char **argv);
int mq_cmd_run(int argc, char **argv);
int mq_cmd_render(int argc, char **argv);
int mq_cmd_archive(int argc, char **argv);
int mq_cmd_verify(int argc, char **argv);
int mq_cmd_templates(int argc, char **argv);

/* ---- options shared by the commands ---- */

struct mq_cli {
	char **inputs;              /* positional arguments (borrowed from argv) */
	int ninputs;
	size_t ainputs;             /* allocated entries of inputs */
	const char *registry, *roster, *assignments, *out, *period, *config, *rubric,
		*partial, *as_of_text, *unit, *templates, *next_steps, *org, *copy,
		*max_member, *max_total, *max_ratio;
	enum mq_encoding encoding;
	int bom;                    /* 1 unless --no-bom */
	int quiet, verbose, with_inputs, jobs;
	int township_reports;       /* --township-reports: an assessment report per township */
	mq_day as_of;               /* --as-of, else SOURCE_DATE_EPOCH's date, else today */
};

enum mq_opt_kind { MQ_OPT_PATH, MQ_OPT_TEXT, MQ_OPT_FLAG, MQ_OPT_NOFLAG, MQ_OPT_INT, MQ_OPT_ENCODING, MQ_OPT_HELP };

struct mq_cli_option {
	const char *name;           /* the long name without "--" */
	enum mq_opt_kind kind;
	size_t offset;              /* of the field it sets in struct mq_cli */
	const char *arg;            /* its value's placeholder, NULL: takes none */
	const char *zh, *en;        /* what it does */
};

struct mq_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *operands;       /* "INPUT..." or "" */
	const char *options;        /* option names in usage order, "=name": required */
	const char *zh, *en;        /* what it does */
};

extern const struct mq_cli_option mq_cli_options[];
extern const int mq_cli_noptions;
extern const struct mq_command mq_commands[];
extern const int mq_ncommands;

/* NULL when there is no such command / option (name[0..len)). */
const struct mq_command *mq_command_find(const char *name);
const struct mq_cli_option *mq_cli_option_find(const char *name, size_t len);
/* Calls fn for each option of c in usage order until it returns non-zero
 * (returned); required: shown without brackets. */
int mq_command_options(const struct mq_command *c,
		       int (*fn)(const struct mq_cli_option *o, int required, void *ctx), void *ctx);
/* Appends "minqing NAME OPERANDS [--opt ARG]..." wrapped at 78 columns. */
int mq_command_synopsis(const struct mq_command *c, struct mq_buf *out);
/* Appends the command's whole usage text (synopsis, then every option). */
int mq_command_usage(const struct mq_command *c, struct mq_buf *out);

/* mq_cli_parse's return after it printed the usage for --help or -h: the
 * command ends with MQ_EXIT_OK. */
#define MQ_CLI_HELPED (-1)

/* A command's exit status from mq_cli_parse's non-zero return. */
static inline int mq_cli_exit(int status)
{
	return status == MQ_CLI_HELPED ? MQ_EXIT_OK : status;
}

/* Prints the usage of command `name` to fp (after a usage error: stderr). */
void mq_cli_print_usage(const char *name, FILE *fp);

/* Parses argv[1..] accepting only the options mq_commands[] lists for the
 * command argv[0]. Prints a usage error to stderr and returns
 * MQ_EXIT_USAGE, prints the usage and returns MQ_CLI_HELPED, or returns 0.
 * Strings stay owned by argv or the parser (mq_cli_free). */
int mq_cli_parse(int argc, char **argv, struct mq_cli *cli);
void mq_cli_free(struct mq_cli *cli);

/* Prints a fatal error (file:line: message) to stderr; returns MQ_EXIT_FATAL. */
int mq_cli_fatal(const struct mq_error *err);

#endif

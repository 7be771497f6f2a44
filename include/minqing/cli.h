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

#endif

/* main.c — minqing's entry point: pick the command, run it, exit. */
#include "minqing/cli/cli.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

/* `minqing --help`: every command's synopsis (cli.c's table), its exit
 * statuses and what each command does. */
static int help(FILE *fp)
{
	struct mq_buf b = MQ_BUF_INIT;
	int rc = mq_buf_adds(&b, "minqing — 民情日记汇总、考核、报告与归档 / visit-diary figures, assessment, reports "
			     "and archive\n\n用法 / usage:\n");
	for (int i = 0; !rc && i < mq_ncommands; i++)
		rc = mq_buf_adds(&b, "  ") || mq_command_synopsis(&mq_commands[i], &b) || mq_buf_addc(&b, '\n');
	rc = rc || mq_buf_adds(&b, "  minqing --help | --version\n\n"
			       "退出码 / exit status: 0 全部接受 all accepted, 1 有退回记录 some records rejected,\n"
			       "  2 用法错误 usage error, 3 严重错误 fatal error (nothing half-written is left)\n"
			       "\n命令 / commands (minqing COMMAND --help):\n");
	for (int i = 0; !rc && i < mq_ncommands; i++)
		rc = mq_buf_printf(&b, "  %-10s %s / %s\n", mq_commands[i].name, mq_commands[i].zh, mq_commands[i].en);
	if (!rc)
		fputs(b.data, fp);
	mq_buf_free(&b);
	return rc;
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		if (help(argc < 2 ? stderr : stdout))
			return MQ_EXIT_FATAL;
		return argc < 2 ? MQ_EXIT_USAGE : MQ_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("minqing %s\n", MQ_VERSION);
		return MQ_EXIT_OK;
	}
	const struct mq_command *c = mq_command_find(argv[1]);
	if (c)
		return c->run(argc - 1, argv + 1);
	fprintf(stderr, "minqing: 未知命令 / unknown command \"%s\" (minqing --help)\n", argv[1]);
	return MQ_EXIT_USAGE;
}

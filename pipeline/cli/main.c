/* main.c — minqing's entry point: pick the command, run it, exit. */
#include "minqing/cli/cli.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", mq_cmd_run, "一次运行全部环节 / every stage in one pass" },
	{ "validate", mq_cmd_validate, "读取并校验走访记录 / read and validate visit records" },
	{ "aggregate", mq_cmd_aggregate, "按期间汇总并考核 / figures and assessment for a period" },
	{ "merge", mq_cmd_merge, "合并分片汇总状态 / merge partial aggregation states" },
	{ "render", mq_cmd_render, "按期间生成报告（PDF）/ render the period's reports (PDF)" },
	{ "archive", mq_cmd_archive, "为期间写出档案包（BagIt ZIP）/ write the period's documentation packages" },
	{ "verify", mq_cmd_verify, "校验档案包 / verify documentation packages" },
	{ "templates", mq_cmd_templates, "模板查找位置，复制模板以便修改 / where templates are found, copy them to edit" },
};

static const char usage[] =
	"minqing — 民情日记汇总、考核、报告与归档 / visit-diary figures, assessment, reports and archive\n"
	"\n"
	"用法 / usage:\n"
	"  minqing run INPUT... [--registry F] [--roster F] [--assignments F]\n"
	"              [--period YYYY-MM|YYYY-Qn|YYYY] [--as-of YYYY-MM-DD] [--out DIR] [--config F]\n"
	"              [--rubric F] [--unit NAME] [--next-steps DIR] [--templates DIR] [--with-inputs]\n"
	"              [--township-reports] [--jobs N] [--encoding E] [--no-bom] [--quiet] [--verbose]\n"
	"  minqing validate INPUT... [--registry F] [--roster F] [--as-of D] [--out DIR]\n"
	"              [--encoding utf-8|gb18030] [--no-bom]\n"
	"  minqing aggregate --period P [--registry F] [--roster F] [--assignments F] [--as-of D]\n"
	"              [--partial FILE] --out DIR\n"
	"  minqing merge PARTIAL... --period P [--registry F] [--roster F] [--assignments F] --out DIR\n"
	"  minqing render --period P [--out DIR] [--jobs N] [--unit NAME] [--next-steps DIR]\n"
	"              [--templates DIR] [--as-of D] [--township-reports]\n"
	"  minqing archive --period P [--out DIR] [--with-inputs]\n"
	"  minqing verify PACKAGE.zip...\n"
	"  minqing templates [--copy DIR]\n"
	"\n"
	"退出码 / exit status: 0 全部接受 all accepted, 1 有退回记录 some records rejected,\n"
	"  2 用法错误 usage error, 3 严重错误 fatal error (nothing half-written is left)\n";

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		fputs("\n命令 / commands:\n", argc < 2 ? stderr : stdout);
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			fprintf(argc < 2 ? stderr : stdout, "  %-10s %s\n", commands[i].name, commands[i].help);
		return argc < 2 ? MQ_EXIT_USAGE : MQ_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("minqing %s\n", MQ_VERSION);
		return MQ_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "minqing: 未知命令 / unknown command \"%s\" (minqing --help)\n", argv[1]);
	return MQ_EXIT_USAGE;
}

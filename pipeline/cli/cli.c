/* cli.c — the one description of the command line (every option of every
 * command, mq_cli_options[] and mq_commands[]), its parser, the usage texts
 * made from it, and the config file.
 *
 * A config file (--config F) holds `key = value` lines; `#` starts a
 * comment. Keys are the long option names (input may repeat); relative
 * paths are taken from the config file's folder. Options given on the
 * command line win over the file. */
#include "minqing/cli/cli.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "minqing/core/files.h"
#include "minqing/core/utf8.h"
#include "minqing/core/date.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define F(field) offsetof(struct mq_cli, field)

/* Every option of every command: what it sets and what it means. The
 * usage texts, the man pages and the bash completion (tests/tools/gen_docs.c)
 * are made from this table and mq_commands[]. */
const struct mq_cli_option mq_cli_options[] = {
	{ "registry", MQ_OPT_PATH, F(registry), "F", "行政区划登记表（CSV）", "the registry of townships and villages (CSV)" },
	{ "roster", MQ_OPT_PATH, F(roster), "F", "干部名册（CSV）", "the cadre roster (CSV)" },
	{ "assignments", MQ_OPT_PATH, F(assignments), "F", "包联户分配表（CSV）", "the household assignments (CSV)" },
	{ "period", MQ_OPT_TEXT, F(period), "YYYY-MM|YYYY-Qn|YYYY", "报告期：月、季度或年",
	  "the period: a month, a quarter or a year" },
	{ "as-of", MQ_OPT_TEXT, F(as_of_text), "YYYY-MM-DD", "运行日期（默认今天或 SOURCE_DATE_EPOCH）",
	  "the run date (default: today, or SOURCE_DATE_EPOCH's date)" },
	{ "out", MQ_OPT_PATH, F(out), "DIR", "输出目录（默认 out/期间）", "the output folder (default out/PERIOD)" },
	{ "config", MQ_OPT_PATH, F(config), "F", "配置文件（键 = 值）", "a config file of key = value lines" },
	{ "rubric", MQ_OPT_PATH, F(rubric), "F", "考核细则（XML）", "the assessment rubric (XML, templates/rubric.xsd)" },
	{ "partial", MQ_OPT_PATH, F(partial), "FILE", "另写一份分片汇总状态", "also write the partial aggregation state" },
	{ "unit", MQ_OPT_TEXT, F(unit), "NAME", "填报单位", "the reporting unit printed on the reports" },
	{ "templates", MQ_OPT_PATH, F(templates), "DIR", "报告模板目录", "the report templates folder" },
	{ "next-steps", MQ_OPT_PATH, F(next_steps), "DIR", "下一步工作文本目录", "a folder of next-steps texts" },
	{ "encoding", MQ_OPT_ENCODING, 0, "utf-8|gb18030", "输入编码（默认自动识别）",
	  "the input encoding (default: detected)" },
	{ "no-bom", MQ_OPT_NOFLAG, F(bom), NULL, "CSV 输出不写 BOM", "write the CSV outputs without a BOM" },
	{ "with-inputs", MQ_OPT_FLAG, F(with_inputs), NULL, "档案包中包含输入文件",
	  "add the input files listed in run.txt to the packages" },
	{ "township-reports", MQ_OPT_FLAG, F(township_reports), NULL, "每个乡镇一份考核报告",
	  "an assessment report per township" },
	{ "jobs", MQ_OPT_INT, F(jobs), "N", "同时生成的乡镇数（默认处理器数，至多4）",
	  "townships rendered and packaged at once (default: the processors, at most 4)" },
	{ "org", MQ_OPT_TEXT, F(org), "NAME", "档案包的 Source-Organization（默认 run.txt 的单位，否则县名）",
	  "the packages' Source-Organization (default: run.txt's unit, else the county)" },
	{ "max-member-size", MQ_OPT_TEXT, F(max_member), "N", "单个成员解压后上限（默认 4G，可带 K/M/G）",
	  "limit per member once unpacked (default 4G; K, M, G allowed)" },
	{ "max-total-size", MQ_OPT_TEXT, F(max_total), "N", "全部成员上限（默认 16G）",
	  "limit for all members (default 16G)" },
	{ "max-ratio", MQ_OPT_TEXT, F(max_ratio), "N", "压缩比上限（默认 200）", "compression ratio limit (default 200)" },
	{ "copy", MQ_OPT_PATH, F(copy), "DIR", "把安装的模板复制到 DIR 以便修改（不覆盖）",
	  "write the installed templates into DIR for editing (overwrites nothing)" },
	{ "quiet", MQ_OPT_FLAG, F(quiet), NULL, "不显示进度", "no progress on stderr" },
	{ "verbose", MQ_OPT_FLAG, F(verbose), NULL, "显示每个环节的用时", "the time of each stage on stderr" },
	{ "help", MQ_OPT_HELP, 0, NULL, "显示本命令的用法", "print this command's usage" },
};
const int mq_cli_noptions = (int)(sizeof mq_cli_options / sizeof mq_cli_options[0]);

/* The commands: operands, then options in the order the usage shows them;
 * "=" before a name marks a required option. */
const struct mq_command mq_commands[] = {
	{ "run", mq_cmd_run, "INPUT...",
	  "registry roster assignments period as-of out config rubric unit next-steps templates with-inputs "
	  "township-reports jobs encoding no-bom quiet verbose",
	  "一次运行全部环节", "every stage in one pass" },
	{ "validate", mq_cmd_validate, "INPUT...", "registry roster as-of out config encoding no-bom quiet verbose",
	  "读取并校验走访记录", "read and validate visit records" },
	{ "aggregate", mq_cmd_aggregate, "",
	  "=period registry roster assignments as-of rubric partial out config no-bom quiet",
	  "按期间汇总并考核", "figures and assessment for a period" },
	{ "merge", mq_cmd_merge, "PARTIAL...",
	  "=period registry roster assignments as-of rubric partial out config no-bom quiet",
	  "合并分片汇总状态", "merge partial aggregation states" },
	{ "render", mq_cmd_render, "",
	  "=period out jobs unit next-steps templates as-of township-reports rubric assignments config quiet verbose",
	  "按期间生成报告（PDF）", "render the period's reports (PDF)" },
	{ "archive", mq_cmd_archive, "", "=period out with-inputs as-of org jobs quiet",
	  "为期间写出档案包（BagIt ZIP）", "write the period's documentation packages" },
	{ "verify", mq_cmd_verify, "PACKAGE.zip...", "max-member-size max-total-size max-ratio",
	  "校验档案包", "verify documentation packages" },
	{ "templates", mq_cmd_templates, "", "copy templates config",
	  "模板的查找位置；复制模板以便修改", "where templates are found; copy them to edit" },
};
const int mq_ncommands = (int)(sizeof mq_commands / sizeof mq_commands[0]);

const struct mq_command *mq_command_find(const char *name)
{
	for (int i = 0; i < mq_ncommands; i++)
		if (strcmp(mq_commands[i].name, name) == 0)
			return &mq_commands[i];
	return NULL;
}

const struct mq_cli_option *mq_cli_option_find(const char *name, size_t len)
{
	for (int i = 0; i < mq_cli_noptions; i++)
		if (strlen(mq_cli_options[i].name) == len && strncmp(mq_cli_options[i].name, name, len) == 0)
			return &mq_cli_options[i];
	return NULL;
}

/* Calls fn on each option name of c (required: marked '='). */
int mq_command_options(const struct mq_command *c, int (*fn)(const struct mq_cli_option *o, int required, void *ctx),
		       void *ctx)
{
	for (const char *p = c->options; *p;) {
		while (*p == ' ')
			p++;
		int required = *p == '=';
		p += required;
		size_t n = strcspn(p, " ");
		const struct mq_cli_option *o = n ? mq_cli_option_find(p, n) : NULL;
		if (o) {
			int rc = fn(o, required, ctx);
			if (rc)
				return rc;
		}
		p += n;
	}
	return 0;
}

struct synopsis {
	struct mq_buf *out;
	size_t line_start, indent;
};

static int add_word(struct synopsis *s, const char *w)
{
	if (s->out->len - s->line_start + 1 + strlen(w) > 78) {
		if (mq_buf_addc(s->out, '\n'))
			return -1;
		s->line_start = s->out->len;
		for (size_t i = 0; i < s->indent; i++)
			if (mq_buf_addc(s->out, ' '))
				return -1;
	} else if (mq_buf_addc(s->out, ' ')) {
		return -1;
	}
	return mq_buf_adds(s->out, w);
}

static int synopsis_option(const struct mq_cli_option *o, int required, void *ctx)
{
	char w[96];
	snprintf(w, sizeof w, "%s--%s%s%s%s", required ? "" : "[", o->name, o->arg ? " " : "", o->arg ? o->arg : "",
		 required ? "" : "]");
	return add_word(ctx, w);
}

int mq_command_synopsis(const struct mq_command *c, struct mq_buf *out)
{
	struct synopsis s = { out, out->len, 12 };
	if (mq_buf_printf(out, "minqing %s", c->name) || (c->operands[0] && add_word(&s, c->operands)))
		return -1;
	return mq_command_options(c, synopsis_option, &s);
}

static int usage_option(const struct mq_cli_option *o, int required, void *ctx)
{
	(void)required;
	char w[96];
	snprintf(w, sizeof w, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	return mq_buf_printf(ctx, "  %-28s %s / %s\n", w, o->zh, o->en);
}

int mq_command_usage(const struct mq_command *c, struct mq_buf *out)
{
	if (mq_buf_printf(out, "%s / %s\n用法 / usage:\n  ", c->zh, c->en) || mq_command_synopsis(c, out) ||
	    mq_buf_adds(out, "\n选项 / options:\n") || mq_command_options(c, usage_option, out))
		return -1;
	return mq_buf_printf(out, "  %-28s %s / %s\n", "--help, -h", "显示本用法", "print this usage");
}

/* Strings the parser allocated (config values), freed by mq_cli_free. */
struct owned {
	char **items;
	size_t n, alloc;
};
static struct owned owned;

static char *keep(char *s)
{
	return mq_strs_push(&owned.items, &owned.n, &owned.alloc, s) ? NULL : s;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "minqing %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n（用法见 minqing %s --help / see minqing %s --help）\n", cmd, cmd);
	return MQ_EXIT_USAGE;
}

static int allowed_opt(const char *allowed, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = allowed; (p = strstr(p, name)); p += n)
		if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

static int set_option(struct mq_cli *cli, const struct mq_cli_option *o, const char *value,
		      const char *cmd)
{
	if (o->kind == MQ_OPT_ENCODING) {
		if (strcasecmp(value, "utf-8") == 0 || strcasecmp(value, "utf8") == 0)
			cli->encoding = MQ_ENC_UTF8;
		else if (strcasecmp(value, "gb18030") == 0 || strcasecmp(value, "gbk") == 0)
			cli->encoding = MQ_ENC_GB18030;
		else
			return usage_error(cmd, "--encoding 只能是 utf-8 或 gb18030 / must be utf-8 or gb18030, not \"%s\"", value);
		return 0;
	}
	char *base = (char *)cli;
	switch (o->kind) {
	case MQ_OPT_PATH:
	case MQ_OPT_TEXT:
		*(const char **)(base + o->offset) = value;
		break;
	case MQ_OPT_INT: {
		char *end;
		long x = strtol(value, &end, 10);
		if (*end || x < 1 || x > 256)
			return usage_error(cmd, "--jobs 需要1到256的整数 / needs a number 1..256, not \"%s\"", value);
		*(int *)(base + o->offset) = (int)x;
		break;
	}
	case MQ_OPT_FLAG:
		*(int *)(base + o->offset) = 1;
		break;
	case MQ_OPT_NOFLAG:
		*(int *)(base + o->offset) = 0;
		break;
	case MQ_OPT_ENCODING:
	case MQ_OPT_HELP:
		break;
	}
	return 0;
}

static int add_input(struct mq_cli *cli, char *path)
{
	if (mq_grow((void **)&cli->inputs, &cli->ainputs, (size_t)cli->ninputs + 1, sizeof *cli->inputs))
		return -1;
	cli->inputs[cli->ninputs++] = path;
	return 0;
}

/* A config value that names a file is taken from the config file's folder. */
static char *config_path(const char *config, const char *value)
{
	const char *slash = strrchr(config, '/');
	if (value[0] == '/' || !slash)
		return strdup(value);
	size_t n = (size_t)(slash - config) + strlen(value) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%.*s/%s", (int)(slash - config), config, value);
	return p;
}

static int read_config(struct mq_cli *cli, const char *cmd, const char *set_on_cli)
{
	FILE *fp = fopen(cli->config, "r");
	if (!fp) { /* a file that cannot be read is fatal (3), not a usage error */
		fprintf(stderr, "minqing %s: %s: 无法读取配置文件 / cannot read the config file: %s\n", cmd, cli->config,
			mq_errno_text(errno));
		return MQ_EXIT_FATAL;
	}
	char line[4096];
	long lineno = 0;
	int rc = 0, from_cli_inputs = cli->ninputs > 0;
	while (!rc && fgets(line, sizeof line, fp)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		const char *s;
		size_t n = mq_trim(line, strlen(line), &s);
		if (!n)
			continue;
		char *text = strndup(s, n), *eq = text ? strchr(text, '=') : NULL;
		if (!eq) {
			fprintf(stderr, "minqing %s: %s:%ld: 应为“键 = 值” / expected \"key = value\"\n", cmd,
				cli->config, lineno);
			free(text);
			rc = MQ_EXIT_USAGE;
			break;
		}
		*eq = '\0';
		const char *k, *v;
		size_t kl = mq_trim(text, strlen(text), &k), vl = mq_trim(eq + 1, strlen(eq + 1), &v);
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)kl, k);
		for (char *c = key; *c; c++)
			if (*c == '_')
				*c = '-';
		char *value = keep(strndup(v, vl));
		free(text);
		if (!value) {
			rc = MQ_EXIT_FATAL;
			break;
		}
		if (strcmp(key, "input") == 0) {
			if (!from_cli_inputs && add_input(cli, keep(config_path(cli->config, value))))
				rc = MQ_EXIT_FATAL;
			continue;
		}
		const struct mq_cli_option *o = mq_cli_option_find(key, strlen(key));
		if (!o || o->kind == MQ_OPT_HELP || strcmp(key, "config") == 0) {
			fprintf(stderr, "minqing %s: %s:%ld: 未知配置项 / unknown key \"%s\"\n", cmd, cli->config,
				lineno, key);
			rc = MQ_EXIT_USAGE;
			break;
		}
		if (allowed_opt(set_on_cli, key))
			continue;
		if (o->kind == MQ_OPT_PATH && !(value = keep(config_path(cli->config, value))))
			rc = MQ_EXIT_FATAL;
		else
			rc = set_option(cli, o, value, cmd);
	}
	fclose(fp);
	return rc;
}

static mq_day today(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;
	if (sde && *sde)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	return mq_day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int allowed_in(const struct mq_cli_option *o, int required, void *ctx)
{
	(void)required;
	return o == ctx;
}

void mq_cli_print_usage(const char *name, FILE *fp)
{
	const struct mq_command *c = mq_command_find(name);
	struct mq_buf u = MQ_BUF_INIT;
	if (c && !mq_command_usage(c, &u))
		fputs(u.data, fp);
	mq_buf_free(&u);
}

int mq_cli_parse(int argc, char **argv, struct mq_cli *cli)
{
	const char *cmd = argv[0];
	const struct mq_command *c = mq_command_find(cmd);
	memset(cli, 0, sizeof *cli);
	cli->bom = 1;
	/* reports and packages are written by this many processes or threads;
	 * the files never depend on it */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cli->jobs = cpus < 1 ? 1 : cpus > 4 ? 4 : (int)cpus;
	char set_on_cli[512] = "";
	int only_inputs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_inputs || a[0] != '-' || a[1] == '\0') {
			if (add_input(cli, argv[i]))
				return MQ_EXIT_FATAL;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_inputs = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			mq_cli_print_usage(cmd, stdout);
			return MQ_CLI_HELPED;
		}
		const char *name = a + 2, *value = NULL;
		char namebuf[64];
		const char *eq = strchr(name, '=');
		if (a[1] != '-' || (eq && (size_t)(eq - name) >= sizeof namebuf))
			return usage_error(cmd, "未知选项 / unknown option %s", a);
		if (eq) {
			snprintf(namebuf, sizeof namebuf, "%.*s", (int)(eq - name), name);
			name = namebuf;
			value = eq + 1;
		}
		const struct mq_cli_option *o = mq_cli_option_find(name, strlen(name));
		if (!o || !c || !mq_command_options(c, allowed_in, (void *)o))
			return usage_error(cmd, "未知选项 / unknown option %s", a);
		int takes = o->arg != NULL;
		if (takes && !value) {
			if (i + 1 >= argc)
				return usage_error(cmd, "选项 %s 缺少值 / option needs a value", a);
			value = argv[++i];
		}
		int rc = set_option(cli, o, value, cmd);
		if (rc)
			return rc;
		strncat(set_on_cli, " ", sizeof set_on_cli - strlen(set_on_cli) - 1);
		strncat(set_on_cli, name, sizeof set_on_cli - strlen(set_on_cli) - 1);
	}
	if (cli->config) {
		int rc = read_config(cli, cmd, set_on_cli);
		if (rc)
			return rc;
	}
	/* the first place templates are searched in (core/files.h) */
	mq_templates_set_dir(cli->templates);
	cli->as_of = today();
	if (cli->as_of_text && mq_date_parse(cli->as_of_text, strlen(cli->as_of_text), &cli->as_of))
		return usage_error(cmd, "--as-of 不是有效日期 / is not a valid date: %s", cli->as_of_text);
	return 0;
}

void mq_cli_free(struct mq_cli *cli)
{
	free(cli->inputs);
	cli->inputs = NULL;
	cli->ninputs = 0;
	cli->ainputs = 0;
	mq_strs_free(owned.items, owned.n);
	memset(&owned, 0, sizeof owned);
}

int mq_cli_fatal(const struct mq_error *err)
{
	if (err->file[0] && err->line)
		fprintf(stderr, "minqing: %s:%ld: %s\n", err->file, err->line, err->message);
	else if (err->file[0])
		fprintf(stderr, "minqing: %s: %s\n", err->file, err->message);
	else
		fprintf(stderr, "minqing: %s\n", err->message);
	return MQ_EXIT_FATAL;
}

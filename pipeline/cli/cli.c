/* cli.c — the options every command shares, and the config file.
 *
 * A config file (--config F) holds `key = value` lines; `#` starts a
 * comment. Keys are the long option names (input may repeat); relative
 * paths are taken from the config file's folder. Options given on the
 * command line win over the file. */
#include "minqing/cli/cli.h"
#include "minqing/core/error.h"
#include "minqing/core/utf8.h"
#include "minqing/core/date.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum opt_kind { OPT_PATH, OPT_TEXT, OPT_FLAG, OPT_NOFLAG, OPT_INT };

static const struct option_def {
	const char *name;
	enum opt_kind kind;
	size_t offset;
} options[] = {
	{ "registry", OPT_PATH, offsetof(struct mq_cli, registry) },
	{ "roster", OPT_PATH, offsetof(struct mq_cli, roster) },
	{ "assignments", OPT_PATH, offsetof(struct mq_cli, assignments) },
	{ "out", OPT_PATH, offsetof(struct mq_cli, out) },
	{ "period", OPT_TEXT, offsetof(struct mq_cli, period) },
	{ "config", OPT_PATH, offsetof(struct mq_cli, config) },
	{ "rubric", OPT_PATH, offsetof(struct mq_cli, rubric) },
	{ "partial", OPT_PATH, offsetof(struct mq_cli, partial) },
	{ "as-of", OPT_TEXT, offsetof(struct mq_cli, as_of_text) },
	{ "unit", OPT_TEXT, offsetof(struct mq_cli, unit) },
	{ "templates", OPT_PATH, offsetof(struct mq_cli, templates) },
	{ "next-steps", OPT_PATH, offsetof(struct mq_cli, next_steps) },
	{ "encoding", OPT_TEXT, 0 },
	{ "no-bom", OPT_NOFLAG, offsetof(struct mq_cli, bom) },
	{ "quiet", OPT_FLAG, offsetof(struct mq_cli, quiet) },
	{ "verbose", OPT_FLAG, offsetof(struct mq_cli, verbose) },
	{ "with-inputs", OPT_FLAG, offsetof(struct mq_cli, with_inputs) },
	{ "township-reports", OPT_FLAG, offsetof(struct mq_cli, township_reports) },
	{ "jobs", OPT_INT, offsetof(struct mq_cli, jobs) },
};

/* Strings the parser allocated (config values), freed by mq_cli_free. */
struct owned {
	char **items;
	int n, alloc;
};
static struct owned owned;

static char *keep(char *s)
{
	if (!s)
		return NULL;
	if (owned.n == owned.alloc) {
		int na = owned.alloc ? owned.alloc * 2 : 32;
		char **p = realloc(owned.items, (size_t)na * sizeof *p);
		if (!p) {
			free(s);
			return NULL;
		}
		owned.items = p;
		owned.alloc = na;
	}
	return owned.items[owned.n++] = s;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "minqing %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n（用法见 minqing --help / see minqing --help）\n");
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

static int set_option(struct mq_cli *cli, const struct option_def *o, const char *value,
		      const char *cmd)
{
	if (strcmp(o->name, "encoding") == 0) {
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
	case OPT_PATH:
	case OPT_TEXT:
		*(const char **)(base + o->offset) = value;
		break;
	case OPT_INT: {
		char *end;
		long x = strtol(value, &end, 10);
		if (*end || x < 1 || x > 256)
			return usage_error(cmd, "--jobs 需要1到256的整数 / needs a number 1..256, not \"%s\"", value);
		*(int *)(base + o->offset) = (int)x;
		break;
	}
	case OPT_FLAG:
		*(int *)(base + o->offset) = 1;
		break;
	case OPT_NOFLAG:
		*(int *)(base + o->offset) = 0;
		break;
	}
	return 0;
}

static int add_input(struct mq_cli *cli, char *path)
{
	char **p = realloc(cli->inputs, (size_t)(cli->ninputs + 1) * sizeof *p);
	if (!p)
		return -1;
	cli->inputs = p;
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
		const struct option_def *o = NULL;
		for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
			if (strcmp(options[i].name, key) == 0)
				o = &options[i];
		if (!o || strcmp(key, "config") == 0) {
			fprintf(stderr, "minqing %s: %s:%ld: 未知配置项 / unknown key \"%s\"\n", cmd, cli->config,
				lineno, key);
			rc = MQ_EXIT_USAGE;
			break;
		}
		if (allowed_opt(set_on_cli, key))
			continue;
		if (o->kind == OPT_PATH && !(value = keep(config_path(cli->config, value))))
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

int mq_cli_parse(int argc, char **argv, const char *allowed, struct mq_cli *cli)
{
	const char *cmd = argv[0];
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
		const struct option_def *o = NULL;
		for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
			if (strcmp(options[k].name, name) == 0)
				o = &options[k];
		if (!o || !allowed_opt(allowed, name))
			return usage_error(cmd, "未知选项 / unknown option %s", a);
		int takes = o->kind != OPT_FLAG && o->kind != OPT_NOFLAG;
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
	cli->as_of = today();
	if (cli->as_of_text && mq_date_parse(cli->as_of_text, strlen(cli->as_of_text), &cli->as_of))
		return usage_error(cmd, "--as-of 不是有效日期 / is not a valid date: %s", cli->as_of_text);
	return 0;
}

void mq_cli_free(struct mq_cli *cli)
{
	free(cli->inputs);
	cli->inputs = NULL;
	for (int i = 0; i < owned.n; i++)
		free(owned.items[i]);
	free(owned.items);
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

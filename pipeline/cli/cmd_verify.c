/* cmd_verify.c — `minqing verify PACKAGE.zip...`: one verdict per package
 * on stdout, exit 0 only when every package is a valid bag. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "minqing/archive/verify.h"
#include "minqing/cli/cli.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"

/* "64", "10K", "4G", "4GiB" → bytes; -1 on a malformed value. */
static int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	char *end;
	if (!s || *s < '0' || *s > '9')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	if (*end) {
		const char *u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -1;
		shift = 10 * (unsigned)(u - units + 1);
		end++;
		if (!strcasecmp(end, "B") || !strcasecmp(end, "iB"))
			end += strlen(end);
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static const struct {
	const char *option, *env;
	size_t field;     /* offset in struct mq_verify_limits */
	size_t cli_field; /* the option's value in struct mq_cli */
} limit_opts[] = {
	{"--max-member-size", "MQ_VERIFY_MAX_MEMBER", offsetof(struct mq_verify_limits, member_max),
	 offsetof(struct mq_cli, max_member)},
	{"--max-total-size", "MQ_VERIFY_MAX_TOTAL", offsetof(struct mq_verify_limits, total_max),
	 offsetof(struct mq_cli, max_total)},
	{"--max-ratio", "MQ_VERIFY_MAX_RATIO", offsetof(struct mq_verify_limits, ratio_max),
	 offsetof(struct mq_cli, max_ratio)},
};

static int set_limit(struct mq_verify_limits *l, size_t k, const char *value, const char *from)
{
	uint64_t v;
	if (parse_size(value, &v) || v == 0) {
		fprintf(stderr, "minqing verify: %s 的值无效 / invalid value for %s: \"%s\"\n", from, from,
			value ? value : "");
		return -1;
	}
	*(uint64_t *)((char *)l + limit_opts[k].field) = v;
	return 0;
}

int mq_cmd_verify(int argc, char **argv)
{
	struct mq_verify_limits lim;
	mq_verify_limits_default(&lim);
	const size_t nopts = sizeof limit_opts / sizeof limit_opts[0];
	for (size_t k = 0; k < nopts; k++) {
		const char *v = getenv(limit_opts[k].env);
		if (v && *v && set_limit(&lim, k, v, limit_opts[k].env))
			return MQ_EXIT_USAGE;
	}
	struct mq_cli cli;
	int status = mq_cli_parse(argc, argv, &cli);
	for (size_t k = 0; !status && k < nopts; k++) {
		const char *v = *(const char **)((char *)&cli + limit_opts[k].cli_field);
		if (v && set_limit(&lim, k, v, limit_opts[k].option))
			status = MQ_EXIT_USAGE;
	}
	if (!status && !cli.ninputs) {
		mq_cli_print_usage("verify", stderr);
		status = MQ_EXIT_USAGE;
	}
	if (status) {
		mq_cli_free(&cli);
		return mq_cli_exit(status);
	}
	char **files = cli.inputs;
	int nfiles = cli.ninputs;

	status = MQ_EXIT_OK;
	struct mq_buf report = MQ_BUF_INIT;
	for (int f = 0; f < nfiles; f++) {
		struct mq_error err = {0};
		struct mq_verify_result res;
		mq_buf_reset(&report);
		int rc = mq_verify_package(files[f], &lim, &res, &report, &err);
		if (rc == 0) {
			printf("%s: 有效 / valid — %zu 个数据文件，%llu 字节 / %zu payload files, %llu bytes\n",
			       files[f], res.payload_files, (unsigned long long)res.payload_bytes,
			       res.payload_files, (unsigned long long)res.payload_bytes);
		} else if (rc == MQ_ERR_VERIFY) {
			printf("%s: %s\n", files[f], res.refused
			       ? "拒绝处理（不安全或超过上限）/ REFUSED (unsafe or over a limit)"
			       : "无效 / INVALID");
			for (char *line = report.data; line && *line;) {
				char *nl = strchr(line, '\n');
				printf("  %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
				line = nl ? nl + 1 : line + strlen(line);
			}
			if (status < MQ_EXIT_REJECTS)
				status = MQ_EXIT_REJECTS;
		} else {
			fflush(stdout);
			fprintf(stderr, "%s: 无法读取 / cannot read: %s\n", files[f], err.message);
			status = MQ_EXIT_FATAL;
		}
	}
	fflush(stdout);
	mq_buf_free(&report);
	mq_cli_free(&cli);
	return status;
}

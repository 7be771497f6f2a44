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

static const char usage[] =
	"用法 / usage: minqing verify [选项 / options] PACKAGE.zip...\n"
	"  --max-member-size N  单个成员解压后上限 / limit per member (默认 / default 4G)\n"
	"  --max-total-size N   全部成员上限 / limit for all members (默认 / default 16G)\n"
	"  --max-ratio N        压缩比上限 / compression ratio limit (默认 / default 200)\n"
	"  N 可带 K/M/G 后缀 / N may end in K, M or G. 环境变量 / environment:\n"
	"  MQ_VERIFY_MAX_MEMBER, MQ_VERIFY_MAX_TOTAL, MQ_VERIFY_MAX_RATIO\n"
	"退出码 / exit: 0 全部有效 / all valid, 1 有无效的包 / a package is invalid,\n"
	"  2 用法错误 / usage, 3 无法读取 / cannot read\n";

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
	size_t field; /* offset in struct mq_verify_limits */
} limit_opts[] = {
	{"--max-member-size", "MQ_VERIFY_MAX_MEMBER", offsetof(struct mq_verify_limits, member_max)},
	{"--max-total-size", "MQ_VERIFY_MAX_TOTAL", offsetof(struct mq_verify_limits, total_max)},
	{"--max-ratio", "MQ_VERIFY_MAX_RATIO", offsetof(struct mq_verify_limits, ratio_max)},
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
	char **files = calloc((size_t)argc + 1, sizeof *files);
	if (!files)
		return MQ_EXIT_FATAL;
	int nfiles = 0, only_files = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || !a[1]) {
			files[nfiles++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_files = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			free(files);
			return MQ_EXIT_OK;
		}
		size_t k;
		for (k = 0; k < nopts; k++) {
			size_t n = strlen(limit_opts[k].option);
			if (!strncmp(a, limit_opts[k].option, n) && (a[n] == '=' || !a[n]))
				break;
		}
		const char *value = NULL;
		if (k < nopts) {
			size_t n = strlen(limit_opts[k].option);
			value = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
		}
		if (k == nopts || set_limit(&lim, k, value, limit_opts[k].option)) {
			if (k == nopts)
				fprintf(stderr, "minqing verify: 未知选项 / unknown option: %s\n", a);
			fputs(usage, stderr);
			free(files);
			return MQ_EXIT_USAGE;
		}
	}
	if (!nfiles) {
		fputs(usage, stderr);
		free(files);
		return MQ_EXIT_USAGE;
	}

	int status = MQ_EXIT_OK;
	struct mq_buf report = {0};
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
	free(files);
	return status;
}

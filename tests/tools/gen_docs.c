/* gen_docs — writes the man pages and the bash completion from the one
 * description of the command line (cli.h: mq_commands[], mq_cli_options[]):
 *   gen_docs DIR  →  DIR/man/minqing.1 (English), DIR/man/zh_CN/minqing.1
 *                    (Chinese), DIR/bash-completion/minqing
 * `make man` runs it with DIR = the build folder. */
#include "minqing/cli/cli.h"
#include "minqing/core/buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* man text: a backslash and a leading dot or quote are escaped */
static int roff(struct mq_buf *b, const char *s)
{
	int rc = 0;
	if (*s == '.' || *s == '\'')
		rc = mq_buf_adds(b, "\\&");
	for (; *s && !rc; s++)
		rc = *s == '\\' ? mq_buf_adds(b, "\\e") : *s == '-' ? mq_buf_adds(b, "\\-") : mq_buf_addc(b, *s);
	return rc;
}

struct page {
	struct mq_buf *b;
	int zh;
};

static int man_option(const struct mq_cli_option *o, int required, void *ctx)
{
	(void)required;
	struct page *p = ctx;
	int rc = mq_buf_adds(p->b, ".TP\n.B \"") || roff(p->b, "--") || roff(p->b, o->name) || mq_buf_adds(p->b, "\"");
	if (!rc && o->arg)
		rc = mq_buf_adds(p->b, " \" ") || roff(p->b, o->arg) || mq_buf_adds(p->b, "\"");
	return rc || mq_buf_addc(p->b, '\n') || roff(p->b, p->zh ? o->zh : o->en) || mq_buf_addc(p->b, '\n');
}

static const char *const text[2][12] = {
	{ "visit-diary figures, assessment, reports and archive", "SYNOPSIS", "DESCRIPTION",
	  "minqing reads visit-diary records (CSV, XML or Excel/WPS workbooks), validates every record (each bad one rejected with "
	  "a reason, none lost), aggregates figures per village, township, county and cadre-month, scores the "
	  "assessment rubric, renders PDF reports and packages BagIt ZIP archives. Each command below is one "
	  "stage; run does them all.",
	  "COMMANDS", "Options:", "EXIT STATUS",
	  "0 all records accepted, or success; 1 some records were rejected (every output is still written); "
	  "2 usage error; 3 fatal error (an unreadable file, a bad rubric or template, a full disk): nothing "
	  "half-written is left behind.",
	  "FILES",
	  "OUT/data/ (accepted.csv, rejects.csv, warnings.csv, counts.csv, run.txt and the figures), "
	  "OUT/reports/ (the PDF reports), OUT/archive/ (the BagIt ZIP packages); OUT is out/PERIOD unless "
	  "given. The report templates and rubric.xml are looked for file by file, first found wins: "
	  "--templates DIR (or templates = DIR in the config file), $MINQING_TEMPLATES, "
	  "$XDG_DATA_HOME/minqing/templates (default ~/.local/share/minqing/templates: an office's own "
	  "copies, made with minqing templates --copy DIR), then the installed /usr/share/minqing/templates "
	  "(PREFIX/share/minqing/templates beside the program); never ./templates. Fonts are found by name "
	  "through fontconfig. The example county, with its config file county.conf: "
	  "/usr/share/doc/minqing/examples/.",
	  "EXAMPLE", "Every stage of the example county for March 2024, then the packages checked:" },
	{ "民情日记汇总、考核、报告与归档", "概要", "描述",
	  "minqing 读取民情日记走访记录（CSV 或 XML），逐条校验（每条问题记录都退回并说明原因，不丢失任何记录），"
	  "按村、乡镇、县和干部月份汇总，按考核细则打分，生成 PDF 报告，并打包为 BagIt ZIP 档案包。"
	  "下面每个命令是一个环节；run 一次运行全部环节。",
	  "命令", "选项：", "退出码",
	  "0 全部接受或成功；1 有退回记录（所有输出仍会写出）；2 用法错误；3 严重错误（文件无法读取、考核细则或模板有误、"
	  "磁盘已满），不留下写了一半的文件。",
	  "文件",
	  "OUT/data/（accepted.csv、rejects.csv、warnings.csv、counts.csv、run.txt 及各汇总表），"
	  "OUT/reports/（PDF 报告），OUT/archive/（BagIt ZIP 档案包）；不指定时 OUT 为 out/期间。"
	  "报告模板和 rubric.xml 逐个文件查找，先找到的为准：--templates DIR（或配置文件中的 templates = DIR）、"
	  "$MINQING_TEMPLATES、$XDG_DATA_HOME/minqing/templates（默认 ~/.local/share/minqing/templates："
	  "本单位修改过的模板，用 minqing templates --copy DIR 复制出来），最后是安装的 /usr/share/minqing/templates"
	  "（程序旁的 PREFIX/share/minqing/templates）；从不读取当前目录下的 ./templates。字体通过 fontconfig 按名称查找。"
	  "示例县的数据和配置文件 county.conf：/usr/share/doc/minqing/examples/。",
	  "示例", "运行示例县 2024 年 3 月的全部环节，再校验档案包：" },
};

static int man_page(struct mq_buf *b, int zh)
{
	const char *const *t = text[zh];
	struct page p = { b, zh };
	/* .nh, .ad l: paths and option names are not hyphenated nor spread */
	int rc = mq_buf_printf(b, ".TH MINQING 1 \"\" \"minqing %s\" \"%s\"\n.nh\n.ad l\n.SH %s\nminqing \\- ", MQ_VERSION,
			       zh ? "用户命令" : "User Commands", zh ? "名称" : "NAME") ||
		 roff(b, t[0]) || mq_buf_printf(b, "\n.SH %s\n", t[1]);
	for (int i = 0; !rc && i < mq_ncommands; i++) {
		struct mq_buf syn = MQ_BUF_INIT;
		rc = mq_command_synopsis(&mq_commands[i], &syn) || mq_buf_adds(b, ".nf\n") || roff(b, syn.data) ||
		     mq_buf_adds(b, "\n.fi\n");
		mq_buf_free(&syn);
	}
	rc = rc || mq_buf_adds(b, ".nf\nminqing \\-\\-help | \\-\\-version\n.fi\n") ||
	     mq_buf_printf(b, ".SH %s\n", t[2]) || roff(b, t[3]) || mq_buf_printf(b, "\n.SH %s\n", t[4]);
	for (int i = 0; !rc && i < mq_ncommands; i++) {
		const struct mq_command *c = &mq_commands[i];
		rc = mq_buf_printf(b, ".SS %s\n", c->name) || roff(b, zh ? c->zh : c->en) ||
		     mq_buf_printf(b, ".\n.PP\n%s\n", t[5]) || mq_command_options(c, man_option, &p) ||
		     man_option(mq_cli_option_find("help", 4), 0, &p);
	}
	rc = rc || mq_buf_printf(b, ".SH %s\n", t[6]) || roff(b, t[7]) || mq_buf_printf(b, "\n.SH %s\n", t[8]) ||
	     roff(b, t[9]) || mq_buf_printf(b, "\n.SH %s\n", t[10]) || roff(b, t[11]) ||
	     mq_buf_adds(b, "\n.PP\n.nf\n"
			    "minqing run \\-\\-config /usr/share/doc/minqing/examples/county.conf "
			    "\\-\\-period 2024\\-03 \\-\\-out ~/minqing\\-demo\n"
			    "minqing verify ~/minqing\\-demo/archive/*.zip\n.fi\n");
	return rc;
}

static int completion(struct mq_buf *b)
{
	int rc = mq_buf_adds(b, "# bash completion for minqing (made by gen_docs from pipeline/cli/cli.c)\n"
			     "_minqing()\n{\n\tlocal cur prev cmd opts\n\tcur=${COMP_WORDS[COMP_CWORD]}\n"
			     "\tprev=${COMP_WORDS[COMP_CWORD-1]}\n"
			     "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n\t\tCOMPREPLY=($(compgen -W \"");
	for (int i = 0; !rc && i < mq_ncommands; i++)
		rc = mq_buf_printf(b, "%s ", mq_commands[i].name);
	rc = rc || mq_buf_adds(b, "--help --version\" -- \"$cur\"))\n\t\treturn\n\tfi\n\tcmd=${COMP_WORDS[1]}\n"
			       "\tcase $prev in\n");
	/* values: a period's forms, an encoding, a folder, a file */
	for (int i = 0; !rc && i < mq_cli_noptions; i++) {
		const struct mq_cli_option *o = &mq_cli_options[i];
		if (!o->arg)
			continue;
		rc = mq_buf_printf(b, "\t--%s)\n\t\t", o->name);
		if (!rc && strcmp(o->name, "period") == 0)
			rc = mq_buf_adds(b, "local y=$(date +%Y)\n\t\tCOMPREPLY=($(compgen -W \"$y $y-Q1 $y-Q2 $y-Q3 $y-Q4 "
					 "$y-01 $y-02 $y-03 $y-04 $y-05 $y-06 $y-07 $y-08 $y-09 $y-10 $y-11 $y-12\" "
					 "-- \"$cur\"))\n");
		else if (!rc && o->kind == MQ_OPT_ENCODING)
			rc = mq_buf_adds(b, "COMPREPLY=($(compgen -W \"utf-8 gb18030\" -- \"$cur\"))\n");
		else if (!rc && o->kind == MQ_OPT_PATH && strcmp(o->arg, "DIR") == 0)
			rc = mq_buf_adds(b, "COMPREPLY=($(compgen -d -- \"$cur\"))\n");
		else if (!rc && o->kind == MQ_OPT_PATH)
			rc = mq_buf_adds(b, "COMPREPLY=($(compgen -f -- \"$cur\"))\n");
		else if (!rc)
			rc = mq_buf_adds(b, "COMPREPLY=()\n");
		rc = rc || mq_buf_adds(b, "\t\treturn ;;\n");
	}
	rc = rc || mq_buf_adds(b, "\tesac\n\tcase $cmd in\n");
	for (int i = 0; !rc && i < mq_ncommands; i++) {
		const struct mq_command *c = &mq_commands[i];
		rc = mq_buf_printf(b, "\t%s) opts=\"", c->name);
		for (const char *p = c->options; !rc && *p;) {
			while (*p == ' ' || *p == '=')
				p++;
			size_t n = strcspn(p, " ");
			rc = mq_buf_printf(b, "--%.*s ", (int)n, p);
			p += n;
		}
		rc = rc || mq_buf_adds(b, "--help\" ;;\n");
	}
	return rc || mq_buf_adds(b, "\t*) return ;;\n\tesac\n\tif [[ $cur == -* ]]; then\n"
				    "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n\telse\n"
				    "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\tfi\n}\n"
				    "complete -o filenames -F _minqing minqing\n");
}

static int write_file(const char *path, const struct mq_buf *b)
{
	FILE *fp = fopen(path, "w");
	if (!fp || fwrite(b->data, 1, b->len, fp) != b->len || fclose(fp)) {
		fprintf(stderr, "gen_docs: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: gen_docs DIR\n", stderr);
		return 2;
	}
	char path[4096];
	const char *dirs[] = { "man", "man/zh_CN", "bash-completion" };
	mkdir(argv[1], 0755);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", argv[1], dirs[i]);
		if (mkdir(path, 0755) && errno != EEXIST) {
			fprintf(stderr, "gen_docs: cannot create %s: %s\n", path, strerror(errno));
			return 3;
		}
	}
	struct mq_buf en = MQ_BUF_INIT, zh = MQ_BUF_INIT, comp = MQ_BUF_INIT;
	int rc = man_page(&en, 0) || man_page(&zh, 1) || completion(&comp);
	if (rc)
		fputs("gen_docs: out of memory\n", stderr);
	snprintf(path, sizeof path, "%s/man/minqing.1", argv[1]);
	rc = rc || write_file(path, &en);
	snprintf(path, sizeof path, "%s/man/zh_CN/minqing.1", argv[1]);
	rc = rc || write_file(path, &zh);
	snprintf(path, sizeof path, "%s/bash-completion/minqing", argv[1]);
	rc = rc || write_file(path, &comp);
	mq_buf_free(&en);
	mq_buf_free(&zh);
	mq_buf_free(&comp);
	return rc ? 3 : 0;
}

/* render_sample — builds seeded data sets in C and renders a template with
 * them; used by tests/e2e/render_engine.sh and bench/bench_layout.sh.
 *
 *   render_sample [--rows N] [--townships N] [--rare] [--date YYYY-MM-DD]
 *                 [--xsd FILE] [--bench] TEMPLATE OUT.pdf
 *
 * Data: scalars unit, period, as_of, preparer, total_visits, total_demands,
 * resolved_rate; set "townships" (township, villages, visits, rate) and set
 * "villages" (id, township, village, cadre, visits, demands, rate, quota_met,
 * last_visit, note). --rare puts 𠮷 (U+20BB7, in Noto CJK), 𠀀 (U+20000,
 * CJK Extension B, in HanaMinA) and 𰀀 (U+30000, Extension G, in no
 * default font) into one cadre's name.
 * --bench makes notes longer (8-column benchmark table). Prints
 * "pages=N warnings=N" on stdout, each warning on stderr; exit 3 on error
 * with "file:line: message". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minqing/core/error.h"
#include "minqing/pdf/render.h"
#include "minqing/pdf/template.h"

static const char *const towns[] = {"城关镇", "河口乡", "柳树湾乡", "石门镇", "青山乡", "白马镇",
				    "龙泉乡", "高桥镇", "新华乡", "东岭乡"};
static const char *const syll[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
				   "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
static const char *const given[] = {"建国", "秀英", "志强", "桂兰", "海燕", "明", "丽", "春生",
				    "玉梅", "国华", "小红", "长青"};
static const char *const place[] = {"家", "坪", "沟", "湾", "岭", "塘", "寨", "坝", "庄", "桥"};
static const char *const notes[] = {
	"饮水管网维修", "低保申请，材料已报乡民政办", "村道硬化（约2.5公里）", "危房改造补助",
	"产业奖补资金发放", "医保缴费咨询", "“两不愁三保障”回头看", "土地流转纠纷调解",
	"就业培训报名，共12人", "留守老人走访慰问"};

static unsigned long long seed = 20240331;
static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((seed >> 33) % n);
}

static int die(const struct mq_error *e)
{
	fprintf(stderr, "%s:%ld: %s\n", e->file, e->line, e->message);
	return 3;
}

int main(int argc, char **argv)
{
	int rows = 40, ntown = 4, rare = 0, bench = 0;
	const char *date = NULL, *xsd = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
		if (!strcmp(argv[i], "--rows") && i + 1 < argc)
			rows = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--townships") && i + 1 < argc)
			ntown = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--date") && i + 1 < argc)
			date = argv[++i];
		else if (!strcmp(argv[i], "--xsd") && i + 1 < argc)
			xsd = argv[++i];
		else if (!strcmp(argv[i], "--rare"))
			rare = 1;
		else if (!strcmp(argv[i], "--bench"))
			bench = 1;
		else
			break;
	}
	if (argc - i != 2 || ntown < 1 || ntown > 10 || rows < 0) {
		fprintf(stderr, "usage: render_sample [--rows N] [--townships N] [--rare] [--date D] "
				"[--xsd F] [--bench] TEMPLATE OUT.pdf\n");
		return 2;
	}
	struct mq_error err = {0};
	struct mq_template *t = NULL;
	struct mq_data *d = mq_data_new();
	struct mq_render_result res = {0};
	int status = 0;
	if (!d)
		return 3;
	if (mq_template_load(argv[i], xsd, &t, &err)) {
		status = die(&err);
		goto done;
	}
	static const char *const vf[] = {"id", "township", "village", "cadre", "visits", "demands",
					 "rate", "quota_met", "last_visit", "note"};
	static const char *const tf[] = {"township", "villages", "visits", "rate"};
	struct mq_dataset *vs, *ts;
	if (mq_data_add_set(d, "villages", vf, 10, &vs, &err) ||
	    mq_data_add_set(d, "townships", tf, 4, &ts, &err)) {
		status = die(&err);
		goto done;
	}
	long tvisits[10] = {0}, tvill[10] = {0}, all_visits = 0, all_demands = 0;
	double tresolved[10] = {0}, tdem[10] = {0};
	for (int r = 0; r < rows; r++) {
		char id[16], village[64], cadre[64], visits[16], demands[16], rate[16], quota[4],
			last[16], note[256];
		int tw = r % ntown;
		snprintf(id, sizeof id, "MQ-%05d", r + 1);
		snprintf(village, sizeof village, "%s%s%s村", syll[rnd(20)], place[rnd(10)], r >= 100 ? "新" : "");
		snprintf(cadre, sizeof cadre, "%s%s", syll[rnd(20)], given[rnd(12)]);
		if (rare && r == 1)
			snprintf(cadre, sizeof cadre, "吉\xF0\xA0\xAE\xB7\xF0\xA0\x80\x80\xF0\xB0\x80\x80祥");  /* 吉𠮷𠀀𰀀祥 */
		int v = 5 + (int)rnd(40), dm = (int)rnd(12), res_n = dm ? (int)rnd((unsigned)dm + 1) : 0;
		snprintf(visits, sizeof visits, "%d", v);
		snprintf(demands, sizeof demands, "%d", dm);
		if (dm)
			snprintf(rate, sizeof rate, "%.4f", (double)res_n / dm);
		else
			rate[0] = '\0';
		snprintf(quota, sizeof quota, "%d", v >= 12);
		snprintf(last, sizeof last, "2024-03-%02d", 1 + (int)rnd(31));
		if (bench)
			snprintf(note, sizeof note, "%s；%s", notes[rnd(10)], notes[rnd(10)]);
		else
			snprintf(note, sizeof note, "%s", notes[rnd(10)]);
		const char *row[10] = {id, towns[tw], village, cadre, visits, demands, rate, quota, last, note};
		if (mq_dataset_add_row(vs, row, &err)) {
			status = die(&err);
			goto done;
		}
		tvisits[tw] += v;
		tvill[tw]++;
		tresolved[tw] += res_n;
		tdem[tw] += dm;
		all_visits += v;
		all_demands += dm;
	}
	double resolved = 0;
	for (int k = 0; k < ntown; k++) {
		char n[16], v[16], rt[16];
		snprintf(n, sizeof n, "%ld", tvill[k]);
		snprintf(v, sizeof v, "%ld", tvisits[k]);
		snprintf(rt, sizeof rt, "%.4f", tdem[k] ? tresolved[k] / tdem[k] : 0);
		const char *row[4] = {towns[k], n, v, rt};
		resolved += tresolved[k];
		if (mq_dataset_add_row(ts, row, &err)) {
			status = die(&err);
			goto done;
		}
	}
	char tv[32], td[32], rr[32];
	snprintf(tv, sizeof tv, "%ld", all_visits);
	snprintf(td, sizeof td, "%ld", all_demands);
	snprintf(rr, sizeof rr, "%.4f", all_demands ? resolved / all_demands : 0);
	if (mq_data_set(d, "unit", "清河县城关镇人民政府", &err) ||
	    mq_data_set(d, "period", "2024-03", &err) || mq_data_set(d, "as_of", "2024-03-31", &err) ||
	    mq_data_set(d, "preparer", "李明", &err) || mq_data_set(d, "total_visits", tv, &err) ||
	    mq_data_set(d, "total_demands", td, &err) || mq_data_set(d, "resolved_rate", rr, &err)) {
		status = die(&err);
		goto done;
	}
	struct mq_render_opts opts = {.date = date};
	if (mq_render_pdf(t, d, argv[i + 1], &opts, &res, &err)) {
		status = die(&err);
		goto done;
	}
	for (size_t w = 0; w < res.nwarnings; w++)
		fprintf(stderr, "warning: %s\n", res.warnings[w].message);
	printf("pages=%d warnings=%zu\n", res.pages, res.nwarnings_total);
done:
	mq_render_result_free(&res);
	mq_render_cache_free();
	mq_template_free(t);
	mq_data_free(d);
	return status;
}

/* record.c — the field table (contract section 1) and day arithmetic. */
#include "minqing/ingest/record.h"

#include <string.h>
#include <strings.h>

const char *const mq_household_types[] = { "脱贫户", "监测户", "低保户", "特困户", "一般农户", NULL };
const char *const mq_visit_modes[] = { "入户走访", "电话", "微信", "座谈", "集中宣讲", NULL };
const char *const mq_topics[] = { "吃穿", "义务教育", "基本医疗", "住房安全", "饮水安全",
				  "产业发展", "务工就业", "政策宣传", "矛盾调解", "其他", NULL };
const char *const mq_statuses[] = { "已办结", "办理中", "未办理", NULL };
const char *const mq_satisfactions[] = { "满意", "基本满意", "不满意", NULL };

#define TEXT(n, zh, req, lim) { n, zh, MQ_T_TEXT, req, lim, 0, 0, NULL }
#define DATE(n, zh, req)      { n, zh, MQ_T_DATE, req, 0, 0, 0, NULL }
#define ENUM(n, zh, req, v)   { n, zh, MQ_T_ENUM, req, 0, 0, 0, v }

const struct mq_field_def mq_fields[MQ_NFIELDS] = {
	[MQ_F_RECORD_ID]      = TEXT("record_id", "记录编号", MQ_REQUIRED, 64),
	[MQ_F_VISIT_DATE]     = DATE("visit_date", "走访日期", MQ_REQUIRED),
	[MQ_F_COUNTY]         = TEXT("county", "县区", MQ_OPTIONAL, 100),
	[MQ_F_TOWNSHIP]       = TEXT("township", "乡镇", MQ_REQUIRED, 100),
	[MQ_F_VILLAGE]        = TEXT("village", "行政村", MQ_REQUIRED, 100),
	[MQ_F_VILLAGE_GROUP]  = TEXT("village_group", "村民小组", MQ_OPTIONAL, 100),
	[MQ_F_CADRE_ID]       = TEXT("cadre_id", "干部编号", MQ_REQUIRED, 64),
	[MQ_F_CADRE_NAME]     = TEXT("cadre_name", "干部姓名", MQ_REQUIRED, 100),
	[MQ_F_CADRE_UNIT]     = TEXT("cadre_unit", "派出单位", MQ_OPTIONAL, 100),
	[MQ_F_HOUSEHOLD_ID]   = TEXT("household_id", "户编号", MQ_REQUIRED, 64),
	[MQ_F_HOUSEHOLDER]    = TEXT("householder", "户主姓名", MQ_REQUIRED, 100),
	[MQ_F_HOUSEHOLD_SIZE] = { "household_size", "家庭人口", MQ_T_INT, MQ_OPTIONAL, 0, 1, 30, NULL },
	[MQ_F_HOUSEHOLD_TYPE] = ENUM("household_type", "户类型", MQ_REQUIRED, mq_household_types),
	[MQ_F_VISIT_MODE]     = ENUM("visit_mode", "走访方式", MQ_REQUIRED, mq_visit_modes),
	[MQ_F_TOPICS]         = { "topics", "走访事项", MQ_T_ENUMLIST, MQ_OPTIONAL, 0, 0, 0, mq_topics },
	[MQ_F_DEMAND]         = TEXT("demand", "群众诉求", MQ_OPTIONAL, 2000),
	[MQ_F_MEASURE]        = TEXT("measure", "帮扶措施", MQ_OPTIONAL, 2000),
	[MQ_F_DUE_DATE]       = DATE("due_date", "办结时限", MQ_CONDITIONAL),
	[MQ_F_STATUS]         = ENUM("status", "办理状态", MQ_CONDITIONAL, mq_statuses),
	[MQ_F_CLOSED_DATE]    = DATE("closed_date", "办结日期", MQ_CONDITIONAL),
	[MQ_F_SIGNED]         = { "signed", "受访人签字", MQ_T_BOOL, MQ_REQUIRED, 0, 0, 0, NULL },
	[MQ_F_SATISFACTION]   = ENUM("satisfaction", "满意度", MQ_OPTIONAL, mq_satisfactions),
	[MQ_F_INCOME]         = { "per_capita_income", "人均纯收入", MQ_T_DECIMAL, MQ_OPTIONAL, 0, 0, 0, NULL },
	[MQ_F_NOTES]          = TEXT("notes", "日志内容", MQ_OPTIONAL, 8000),
};

int mq_field_lookup(const char *header, size_t len)
{
	for (int f = 0; f < MQ_NFIELDS; f++) {
		const char *n = mq_fields[f].name, *zh = mq_fields[f].zh;
		if ((strlen(n) == len && strncasecmp(n, header, len) == 0) ||
		    (strlen(zh) == len && memcmp(zh, header, len) == 0))
			return f;
	}
	return -1;
}

/* Days from civil (proleptic Gregorian), after H. Hinnant's algorithm. */

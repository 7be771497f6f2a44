/* Unit tests of data/run.txt (packages/run_record.h): the writer's exact
 * text (keys in order, a regular input hashed and resolved, standard input
 * "-"), the reader's record of it, and what the reader passes over. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "minqing/packages/run_record.h"

static char dir[] = "/tmp/test_run_record.XXXXXX";

static char *slurp(const char *path)
{
	static char text[4096];
	FILE *fp = fopen(path, "rb");
	size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
	text[n] = '\0';
	if (fp)
		fclose(fp);
	return text;
}

static void spill(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

static void round_trip(void)
{
	char in[256], run[256], want[2048];
	snprintf(in, sizeof in, "%s/visits.csv", dir);
	snprintf(run, sizeof run, "%s/run.txt", dir);
	spill(in, "abc");
	const char *files[] = { in, "-" };
	struct mq_run_facts f = { .period = "2024-03", .as_of = "2024-03-31", .records_read = 12,
				  .accepted = 9, .rejected = 2, .dropped = 1, .unit = "某县民政局",
				  .inputs = files, .ninputs = 2 };
	struct mq_error err = { 0 };
	CHECK_INT(mq_run_record_write(run, &f, &err), 0);
	char *abs = realpath(in, NULL);
	snprintf(want, sizeof want,
		 "period=2024-03\nas_of=2024-03-31\nrecords_read=12\naccepted=9\nrejected=2\ndropped=1\n"
		 "unit=某县民政局\ninput=%s\tba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n"
		 "input=-\t-\n", abs ? abs : in);
	CHECK_STR(slurp(run), want);

	struct mq_run_record rr;
	CHECK_INT(mq_run_record_read(run, &rr, &err), 0);
	CHECK_STR(rr.value[MQ_RUN_PERIOD], "2024-03");
	CHECK_STR(rr.value[MQ_RUN_AS_OF], "2024-03-31");
	CHECK_STR(rr.value[MQ_RUN_RECORDS_READ], "12");
	CHECK_STR(rr.value[MQ_RUN_ACCEPTED], "9");
	CHECK_STR(rr.value[MQ_RUN_REJECTED], "2");
	CHECK_STR(rr.value[MQ_RUN_DROPPED], "1");
	CHECK_STR(rr.value[MQ_RUN_UNIT], "某县民政局");
	CHECK_INT(rr.ninputs, 2);
	if (rr.ninputs == 2) {
		CHECK_STR(rr.inputs[0].path, abs ? abs : in);
		CHECK_STR(rr.inputs[0].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		CHECK_STR(rr.inputs[1].path, "-");
		CHECK_STR(rr.inputs[1].sha256, "-");
	}
	mq_run_record_free(&rr);
	CHECK(rr.inputs == NULL && rr.value[MQ_RUN_PERIOD] == NULL);
	free(abs);

	/* no unit: no unit line */
	f.unit = NULL;
	f.ninputs = 0;
	CHECK_INT(mq_run_record_write(run, &f, &err), 0);
	CHECK_STR(slurp(run), "period=2024-03\nas_of=2024-03-31\nrecords_read=12\naccepted=9\nrejected=2\ndropped=1\n");
	unlink(in);
	unlink(run);
}

static void reader(void)
{
	char run[256];
	snprintf(run, sizeof run, "%s/run.txt", dir);
	struct mq_run_record rr;
	struct mq_error err = { 0 };
	/* missing: an empty record, no error */
	CHECK_INT(mq_run_record_read(run, &rr, &err), 0);
	CHECK(rr.value[MQ_RUN_PERIOD] == NULL && rr.ninputs == 0);
	mq_run_record_free(&rr);
	/* CR LF, unknown keys, lines without "=", a later line wins, an input without a digest */
	spill(run, "# note\r\nfuture=1\r\nperiod=2024-Q1\r\nas_of=2024-03-31\r\nperiod=2024-Q2\r\ninput=/data/a.csv\r\n");
	CHECK_INT(mq_run_record_read(run, &rr, &err), 0);
	CHECK_STR(rr.value[MQ_RUN_PERIOD], "2024-Q2");
	CHECK_STR(rr.value[MQ_RUN_AS_OF], "2024-03-31");
	CHECK(rr.value[MQ_RUN_UNIT] == NULL);
	CHECK_INT(rr.ninputs, 1);
	if (rr.ninputs == 1) {
		CHECK_STR(rr.inputs[0].path, "/data/a.csv");
		CHECK(rr.inputs[0].sha256 == NULL);
	}
	mq_run_record_free(&rr);
	mq_run_record_free(NULL);
	unlink(run);
	/* a folder where the file should be: a read error naming it */
	CHECK_INT(mq_run_record_read(dir, &rr, &err), MQ_ERR_IO);
	CHECK_STR(err.file, dir);
	CHECK(strstr(err.message, "read error") != NULL);
	CHECK(rr.ninputs == 0);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	CHECK_STR(mq_run_keys[MQ_RUN_RECORDS_READ], "records_read");
	round_trip();
	reader();
	rmdir(dir);
	return check_summary();
}

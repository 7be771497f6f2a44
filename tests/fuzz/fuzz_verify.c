/* libFuzzer target for the ZIP reader of `verify` (pipeline/archive/
 * verify.c, zip.c): an input is a package; it is valid, invalid (with
 * problems reported) or unreadable, within the default limits. */
#include "minqing/archive/verify.h"
#include "minqing/core/buf.h"
#include "minqing/core/error.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_file("verify", data, size);
	struct mq_verify_limits lim;
	mq_verify_limits_default(&lim);
	lim.member_max = 1 << 20; /* small inputs: a bigger member is a bomb */
	struct mq_verify_result res;
	struct mq_buf report = MQ_BUF_INIT;
	struct mq_error err = {0};
	int rc = mq_verify_package(path, &lim, &res, &report, &err);
	if (rc == MQ_ERR_VERIFY && !res.problems)
		abort(); /* invalid, but nothing said why */
	if (rc == 0 && res.problems)
		abort();
	mq_buf_free(&report);
	return 0;
}

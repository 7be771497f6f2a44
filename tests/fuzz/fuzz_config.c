/* libFuzzer target for the config file (pipeline/cli/cli.c): an input is a
 * config file given to the options parser of `run` (--config); it is read
 * or refused with a usage or fatal status, nothing else. */
#include "minqing/cli/cli.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_input_file("config", data, size);
	char *argv[] = {"run", "--config", (char *)path, NULL};
	struct mq_cli cli;
	int rc = mq_cli_exit(mq_cli_parse(3, argv, &cli));
	if (rc != 0 && rc != MQ_EXIT_USAGE && rc != MQ_EXIT_FATAL)
		abort();
	mq_cli_free(&cli);
	return 0;
}

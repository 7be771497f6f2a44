/* fuzz_input.h — the readers read files, so a fuzz input is written to a
 * temporary file of this process first, in $TMPDIR (else /tmp);
 * fuzz_input_file returns its path (the same for every input of the
 * process), unlinked at exit. Rewriting one file thousands of times a
 * second keeps a disk busy: TMPDIR on a tmpfs lets the fuzzer run at full
 * speed. */
#ifndef MQ_FUZZ_INPUT_H
#define MQ_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_path[4096];

static void fuzz_input_remove(void) { unlink(fuzz_path); }

static const char *fuzz_input_file(const char *name, const uint8_t *data, size_t size)
{
	if (!fuzz_path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(fuzz_path, sizeof fuzz_path, "%s/fuzz_%s.%ld", dir && *dir ? dir : "/tmp", name,
			(long)getpid());
		atexit(fuzz_input_remove);
	}
	FILE *fp = fopen(fuzz_path, "wb");
	if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp))
		abort();
	return fuzz_path;
}

#endif

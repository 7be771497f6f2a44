/* libFuzzer target for the template reader (pipeline/pdf/template.c): an
 * input is a template file, loaded and checked against templates/
 * template.xsd (MINQING_TEMPLATES, set by tests/fuzz/run.sh). A template is
 * either loaded or refused with a message; nothing else may happen. */
#include "minqing/core/error.h"
#include "minqing/pdf/render.h"
#include "minqing/pdf/template.h"
#include "fuzz_input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char xsd[4096];
	if (!xsd[0]) {
		/* loading a template finds its fonts through fontconfig: free
		 * them (and fontconfig) at exit for the leak checker */
		atexit(mq_render_cache_free);
		const char *dir = getenv("MINQING_TEMPLATES");
		snprintf(xsd, sizeof xsd, "%s/template.xsd", dir && *dir ? dir : "templates");
	}
	const char *path = fuzz_input_file("template", data, size);
	struct mq_template *t = NULL;
	struct mq_error err = {0};
	int rc = mq_template_load(path, xsd, &t, &err);
	if ((rc == 0) != (t != NULL) || (rc && !err.message[0]))
		abort();
	mq_template_free(t);
	return 0;
}

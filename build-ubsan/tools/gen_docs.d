build-ubsan/tools/gen_docs: tests/tools/gen_docs.c \
  include/minqing/cli/cli.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h

include/minqing/cli/cli.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

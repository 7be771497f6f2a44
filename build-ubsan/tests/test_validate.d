build-ubsan/tests/test_validate: tests/unit/test_validate.c \
  tests/unit/check.h include/minqing/check/validate.h \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/core/date.h include/minqing/ingest/ingest.h \
  include/minqing/ingest/record.h include/minqing/ingest/reference.h \
  include/minqing/core/arena.h

tests/unit/check.h:

include/minqing/check/validate.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

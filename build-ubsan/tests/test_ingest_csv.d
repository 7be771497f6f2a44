build-ubsan/tests/test_ingest_csv: tests/unit/test_ingest_csv.c \
  tests/unit/check.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/ingest/ingest.h \
  include/minqing/ingest/record.h include/minqing/core/date.h

tests/unit/check.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/core/date.h:

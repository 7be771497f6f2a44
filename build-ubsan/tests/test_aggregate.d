build-ubsan/tests/test_aggregate: tests/unit/test_aggregate.c \
  tests/unit/check.h tests/unit/records.h include/minqing/core/date.h \
  include/minqing/core/error.h include/minqing/ingest/record.h \
  include/minqing/core/rate.h include/minqing/figures/aggregate.h \
  include/minqing/ingest/reference.h include/minqing/core/arena.h

tests/unit/check.h:

tests/unit/records.h:

include/minqing/core/date.h:

include/minqing/core/error.h:

include/minqing/ingest/record.h:

include/minqing/core/rate.h:

include/minqing/figures/aggregate.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

build-ubsan/tests/test_assess: tests/unit/test_assess.c \
  tests/unit/check.h tests/unit/records.h include/minqing/core/date.h \
  include/minqing/core/error.h include/minqing/ingest/record.h \
  include/minqing/figures/assess.h include/minqing/core/arena.h \
  include/minqing/figures/aggregate.h include/minqing/ingest/reference.h

tests/unit/check.h:

tests/unit/records.h:

include/minqing/core/date.h:

include/minqing/core/error.h:

include/minqing/ingest/record.h:

include/minqing/figures/assess.h:

include/minqing/core/arena.h:

include/minqing/figures/aggregate.h:

include/minqing/ingest/reference.h:

build-ubsan/tools/data_half: tests/tools/data_half.c \
  include/minqing/check/validate.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h \
  include/minqing/ingest/reference.h include/minqing/core/arena.h \
  include/minqing/figures/aggregate.h include/minqing/figures/assess.h

include/minqing/check/validate.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

include/minqing/figures/aggregate.h:

include/minqing/figures/assess.h:

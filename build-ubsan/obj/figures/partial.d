build-ubsan/obj/figures/partial.o: pipeline/figures/partial.c \
  pipeline/figures/aggregate_internal.h include/minqing/core/date.h \
  include/minqing/core/error.h include/minqing/core/intern.h \
  include/minqing/figures/aggregate.h include/minqing/ingest/record.h \
  include/minqing/ingest/reference.h include/minqing/core/arena.h \
  include/minqing/core/buf.h include/minqing/core/files.h

pipeline/figures/aggregate_internal.h:

include/minqing/core/date.h:

include/minqing/core/error.h:

include/minqing/core/intern.h:

include/minqing/figures/aggregate.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

include/minqing/core/buf.h:

include/minqing/core/files.h:

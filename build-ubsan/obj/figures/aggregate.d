build-ubsan/obj/figures/aggregate.o: pipeline/figures/aggregate.c \
  pipeline/figures/aggregate_internal.h include/minqing/core/date.h \
  include/minqing/core/error.h include/minqing/core/intern.h \
  include/minqing/figures/aggregate.h include/minqing/ingest/record.h \
  include/minqing/ingest/reference.h include/minqing/core/arena.h \
  include/minqing/core/buf.h include/minqing/core/files.h \
  include/minqing/core/csv_out.h include/minqing/core/rate.h

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

include/minqing/core/csv_out.h:

include/minqing/core/rate.h:

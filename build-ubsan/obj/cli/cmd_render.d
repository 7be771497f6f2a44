build-ubsan/obj/cli/cmd_render.o: pipeline/cli/cmd_render.c \
  include/minqing/cli/cli.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h \
  include/minqing/figures/aggregate.h include/minqing/ingest/reference.h \
  include/minqing/core/arena.h include/minqing/reports/reports.h

include/minqing/cli/cli.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/figures/aggregate.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

include/minqing/reports/reports.h:

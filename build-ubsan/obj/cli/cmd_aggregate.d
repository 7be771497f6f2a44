build-ubsan/obj/cli/cmd_aggregate.o: pipeline/cli/cmd_aggregate.c \
  pipeline/cli/cmd_figures.h include/minqing/cli/cli.h \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/core/date.h include/minqing/ingest/ingest.h \
  include/minqing/ingest/record.h include/minqing/figures/assess.h \
  include/minqing/core/arena.h include/minqing/figures/aggregate.h \
  include/minqing/ingest/reference.h include/minqing/check/validate.h

pipeline/cli/cmd_figures.h:

include/minqing/cli/cli.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/figures/assess.h:

include/minqing/core/arena.h:

include/minqing/figures/aggregate.h:

include/minqing/ingest/reference.h:

include/minqing/check/validate.h:

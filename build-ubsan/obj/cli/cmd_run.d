build-ubsan/obj/cli/cmd_run.o: pipeline/cli/cmd_run.c \
  include/minqing/archive/bag.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/check/validate.h \
  include/minqing/core/date.h include/minqing/ingest/ingest.h \
  include/minqing/ingest/record.h include/minqing/ingest/reference.h \
  include/minqing/core/arena.h include/minqing/cli/cli.h \
  include/minqing/core/files.h include/minqing/core/progress.h \
  include/minqing/core/rate.h include/minqing/figures/aggregate.h \
  include/minqing/figures/assess.h include/minqing/packages/packages.h \
  include/minqing/reports/reports.h

include/minqing/archive/bag.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/check/validate.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

include/minqing/cli/cli.h:

include/minqing/core/files.h:

include/minqing/core/progress.h:

include/minqing/core/rate.h:

include/minqing/figures/aggregate.h:

include/minqing/figures/assess.h:

include/minqing/packages/packages.h:

include/minqing/reports/reports.h:

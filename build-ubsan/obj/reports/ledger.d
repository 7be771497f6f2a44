build-ubsan/obj/reports/ledger.o: pipeline/reports/ledger.c \
  pipeline/reports/reports_internal.h include/minqing/core/arena.h \
  include/minqing/core/date.h include/minqing/core/error.h \
  include/minqing/core/intern.h include/minqing/figures/aggregate.h \
  include/minqing/ingest/record.h include/minqing/ingest/reference.h \
  include/minqing/pdf/template.h include/minqing/reports/reports.h

pipeline/reports/reports_internal.h:

include/minqing/core/arena.h:

include/minqing/core/date.h:

include/minqing/core/error.h:

include/minqing/core/intern.h:

include/minqing/figures/aggregate.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/pdf/template.h:

include/minqing/reports/reports.h:

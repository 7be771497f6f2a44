build-ubsan/obj/reports/reports.o: pipeline/reports/reports.c \
  pipeline/reports/reports_internal.h include/minqing/core/arena.h \
  include/minqing/core/date.h include/minqing/core/error.h \
  include/minqing/core/intern.h include/minqing/figures/aggregate.h \
  include/minqing/ingest/record.h include/minqing/ingest/reference.h \
  include/minqing/pdf/template.h include/minqing/reports/reports.h \
  include/minqing/check/validate.h include/minqing/core/buf.h \
  include/minqing/ingest/ingest.h include/minqing/figures/assess.h \
  include/minqing/pdf/render.h include/minqing/core/utf8.h \
  include/minqing/core/files.h

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

include/minqing/check/validate.h:

include/minqing/core/buf.h:

include/minqing/ingest/ingest.h:

include/minqing/figures/assess.h:

include/minqing/pdf/render.h:

include/minqing/core/utf8.h:

include/minqing/core/files.h:

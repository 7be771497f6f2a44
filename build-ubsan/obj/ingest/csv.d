build-ubsan/obj/ingest/csv.o: pipeline/ingest/csv.c \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h \
  include/minqing/core/date.h include/minqing/core/utf8.h \
  pipeline/ingest/csv_plain.h

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/core/date.h:

include/minqing/core/utf8.h:

pipeline/ingest/csv_plain.h:

build-ubsan/obj/ingest/ingest.o: pipeline/ingest/ingest.c \
  include/minqing/core/error.h include/minqing/ingest/ingest.h \
  include/minqing/core/buf.h include/minqing/ingest/record.h \
  include/minqing/core/date.h

include/minqing/core/error.h:

include/minqing/ingest/ingest.h:

include/minqing/core/buf.h:

include/minqing/ingest/record.h:

include/minqing/core/date.h:

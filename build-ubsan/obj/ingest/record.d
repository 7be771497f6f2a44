build-ubsan/obj/ingest/record.o: pipeline/ingest/record.c \
  include/minqing/ingest/record.h include/minqing/core/date.h \
  include/minqing/core/error.h

include/minqing/ingest/record.h:

include/minqing/core/date.h:

include/minqing/core/error.h:

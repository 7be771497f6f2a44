build-ubsan/obj/check/validate.o: pipeline/check/validate.c \
  include/minqing/check/validate.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h \
  include/minqing/ingest/reference.h include/minqing/core/arena.h \
  include/minqing/core/intern.h include/minqing/core/utf8.h

include/minqing/check/validate.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

include/minqing/core/intern.h:

include/minqing/core/utf8.h:

build-ubsan/obj/check/validate_out.o: pipeline/check/validate_out.c \
  include/minqing/check/validate.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h \
  include/minqing/ingest/reference.h include/minqing/core/arena.h \
  include/minqing/core/utf8.h include/minqing/core/csv_out.h \
  include/minqing/core/files.h

include/minqing/check/validate.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

include/minqing/core/utf8.h:

include/minqing/core/csv_out.h:

include/minqing/core/files.h:

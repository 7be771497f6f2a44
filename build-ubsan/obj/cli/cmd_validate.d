build-ubsan/obj/cli/cmd_validate.o: pipeline/cli/cmd_validate.c \
  include/minqing/check/validate.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h \
  include/minqing/ingest/reference.h include/minqing/core/arena.h \
  include/minqing/cli/cli.h include/minqing/core/files.h

include/minqing/check/validate.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/ingest/reference.h:

include/minqing/core/arena.h:

include/minqing/cli/cli.h:

include/minqing/core/files.h:

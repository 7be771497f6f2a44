build-ubsan/obj/cli/cmd_verify.o: pipeline/cli/cmd_verify.c \
  include/minqing/archive/verify.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/cli/cli.h \
  include/minqing/core/date.h include/minqing/ingest/ingest.h \
  include/minqing/ingest/record.h

include/minqing/archive/verify.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/cli/cli.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

build-ubsan/obj/cli/cmd_archive.o: pipeline/cli/cmd_archive.c \
  include/minqing/cli/cli.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/ingest/ingest.h include/minqing/ingest/record.h \
  include/minqing/packages/packages.h

include/minqing/cli/cli.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/ingest/ingest.h:

include/minqing/ingest/record.h:

include/minqing/packages/packages.h:

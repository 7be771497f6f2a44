build-ubsan/obj/packages/packages.o: pipeline/packages/packages.c \
  include/minqing/archive/bag.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/date.h \
  include/minqing/core/files.h include/minqing/packages/packages.h

include/minqing/archive/bag.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/date.h:

include/minqing/core/files.h:

include/minqing/packages/packages.h:

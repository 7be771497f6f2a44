build-ubsan/obj/archive/zip.o: pipeline/archive/zip.c \
  include/minqing/archive/bag.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/archive/zip_read.h \
  include/minqing/core/files.h

include/minqing/archive/bag.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/archive/zip_read.h:

include/minqing/core/files.h:

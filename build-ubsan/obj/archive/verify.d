build-ubsan/obj/archive/verify.o: pipeline/archive/verify.c \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/core/utf8.h include/minqing/archive/bag.h \
  include/minqing/archive/verify.h include/minqing/archive/zip_read.h

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/utf8.h:

include/minqing/archive/bag.h:

include/minqing/archive/verify.h:

include/minqing/archive/zip_read.h:

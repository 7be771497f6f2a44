build-ubsan/obj/archive/bagit.o: pipeline/archive/bagit.c \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/core/utf8.h include/minqing/archive/bag.h

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/utf8.h:

include/minqing/archive/bag.h:

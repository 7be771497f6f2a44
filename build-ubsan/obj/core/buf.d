build-ubsan/obj/core/buf.o: pipeline/core/buf.c \
  include/minqing/core/buf.h include/minqing/core/error.h

include/minqing/core/buf.h:

include/minqing/core/error.h:

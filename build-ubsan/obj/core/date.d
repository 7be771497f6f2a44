build-ubsan/obj/core/date.o: pipeline/core/date.c \
  include/minqing/core/date.h include/minqing/core/error.h

include/minqing/core/date.h:

include/minqing/core/error.h:

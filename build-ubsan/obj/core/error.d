build-ubsan/obj/core/error.o: pipeline/core/error.c \
  include/minqing/core/error.h

include/minqing/core/error.h:

build-ubsan/obj/core/arena.o: pipeline/core/arena.c \
  include/minqing/core/arena.h

include/minqing/core/arena.h:

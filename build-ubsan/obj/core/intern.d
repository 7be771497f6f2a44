build-ubsan/obj/core/intern.o: pipeline/core/intern.c \
  include/minqing/core/intern.h include/minqing/core/bytes.h \
  include/minqing/core/arena.h

include/minqing/core/intern.h:

include/minqing/core/bytes.h:

include/minqing/core/arena.h:

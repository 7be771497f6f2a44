build-ubsan/obj/core/progress.o: pipeline/core/progress.c \
  include/minqing/core/progress.h

include/minqing/core/progress.h:

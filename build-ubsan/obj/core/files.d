build-ubsan/obj/core/files.o: pipeline/core/files.c \
  include/minqing/core/files.h include/minqing/core/error.h

include/minqing/core/files.h:

include/minqing/core/error.h:

build-ubsan/obj/core/utf8.o: pipeline/core/utf8.c \
  include/minqing/core/utf8.h include/minqing/core/bytes.h

include/minqing/core/utf8.h:

include/minqing/core/bytes.h:

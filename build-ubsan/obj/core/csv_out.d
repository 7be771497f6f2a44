build-ubsan/obj/core/csv_out.o: pipeline/core/csv_out.c \
  include/minqing/core/csv_out.h include/minqing/core/buf.h \
  include/minqing/core/error.h

include/minqing/core/csv_out.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

build-ubsan/obj/core/rate.o: pipeline/core/rate.c \
  include/minqing/core/rate.h include/minqing/core/csv_out.h \
  include/minqing/core/buf.h include/minqing/core/error.h

include/minqing/core/rate.h:

include/minqing/core/csv_out.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

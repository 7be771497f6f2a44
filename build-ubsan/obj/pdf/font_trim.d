build-ubsan/obj/pdf/font_trim.o: pipeline/pdf/font_trim.c \
  pipeline/pdf/font_trim.h include/minqing/core/error.h

pipeline/pdf/font_trim.h:

include/minqing/core/error.h:

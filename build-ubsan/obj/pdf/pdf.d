build-ubsan/obj/pdf/pdf.o: pipeline/pdf/pdf.c \
  pipeline/pdf/layout_internal.h include/minqing/core/arena.h \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/pdf/template.h include/minqing/core/utf8.h \
  include/minqing/core/files.h pipeline/pdf/font_trim.h

pipeline/pdf/layout_internal.h:

include/minqing/core/arena.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/pdf/template.h:

include/minqing/core/utf8.h:

include/minqing/core/files.h:

pipeline/pdf/font_trim.h:

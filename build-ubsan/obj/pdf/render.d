build-ubsan/obj/pdf/render.o: pipeline/pdf/render.c \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/core/intern.h include/minqing/pdf/render.h \
  include/minqing/pdf/template.h include/minqing/core/utf8.h \
  pipeline/pdf/layout_internal.h include/minqing/core/arena.h

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/intern.h:

include/minqing/pdf/render.h:

include/minqing/pdf/template.h:

include/minqing/core/utf8.h:

pipeline/pdf/layout_internal.h:

include/minqing/core/arena.h:

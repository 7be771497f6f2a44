build-ubsan/obj/pdf/linebreak.o: pipeline/pdf/linebreak.c \
  pipeline/pdf/layout_internal.h include/minqing/core/arena.h \
  include/minqing/core/buf.h include/minqing/core/error.h \
  include/minqing/pdf/template.h include/minqing/core/utf8.h

pipeline/pdf/layout_internal.h:

include/minqing/core/arena.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/pdf/template.h:

include/minqing/core/utf8.h:

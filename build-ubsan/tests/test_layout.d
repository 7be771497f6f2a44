build-ubsan/tests/test_layout: tests/unit/test_layout.c \
  tests/unit/check.h tests/unit/../../pipeline/pdf/layout_internal.h \
  include/minqing/core/arena.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/pdf/template.h \
  include/minqing/pdf/render.h

tests/unit/check.h:

tests/unit/../../pipeline/pdf/layout_internal.h:

include/minqing/core/arena.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/pdf/template.h:

include/minqing/pdf/render.h:

build-ubsan/tools/render_sample: tests/tools/render_sample.c \
  include/minqing/core/error.h include/minqing/pdf/render.h \
  include/minqing/pdf/template.h

include/minqing/core/error.h:

include/minqing/pdf/render.h:

include/minqing/pdf/template.h:

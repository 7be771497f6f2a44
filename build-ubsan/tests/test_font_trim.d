build-ubsan/tests/test_font_trim: tests/unit/test_font_trim.c \
  tests/unit/check.h tests/unit/../../pipeline/pdf/font_trim.h \
  include/minqing/core/error.h

tests/unit/check.h:

tests/unit/../../pipeline/pdf/font_trim.h:

include/minqing/core/error.h:

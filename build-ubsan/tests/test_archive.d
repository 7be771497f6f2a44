build-ubsan/tests/test_archive: tests/unit/test_archive.c \
  tests/unit/check.h include/minqing/core/buf.h \
  include/minqing/core/error.h include/minqing/core/utf8.h \
  include/minqing/archive/bag.h include/minqing/archive/verify.h \
  include/minqing/archive/zip_read.h

tests/unit/check.h:

include/minqing/core/buf.h:

include/minqing/core/error.h:

include/minqing/core/utf8.h:

include/minqing/archive/bag.h:

include/minqing/archive/verify.h:

include/minqing/archive/zip_read.h:

build-ubsan/tests/test_ingest_xml: tests/unit/test_ingest_xml.c \
  tests/unit/check.h include/minqing/core/error.h \
  include/minqing/ingest/ingest.h include/minqing/core/buf.h \
  include/minqing/ingest/record.h include/minqing/core/date.h \
  include/minqing/core/utf8.h

tests/unit/check.h:

include/minqing/core/error.h:

include/minqing/ingest/ingest.h:

include/minqing/core/buf.h:

include/minqing/ingest/record.h:

include/minqing/core/date.h:

include/minqing/core/utf8.h:

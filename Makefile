# minqing — build, dependencies, demo, tests, benchmarks, fuzzing.
#
# Sources: pipeline/<layer>/*.c, one folder per layer (README: code map);
# pipeline/cli/main.c is the program, the rest is libminqing.a;
# unit tests tests/unit/test_*.c (one binary each, linked with the library),
# end-to-end tests tests/e2e/*.sh (run with MINQING=path/to/minqing),
# fuzz targets tests/fuzz/fuzz_*.c, benchmarks bench/bench_*.sh.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
VERSION := 0.1.0

PKGS    := libxml-2.0 zlib minizip libcrypto libutf8proc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
# `override` keeps these when CFLAGS is given on the command line (test-san).
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude $(PKG_CFLAGS) -DMQ_VERSION='"$(VERSION)"'
override LDLIBS += $(PKG_LIBS) -lcsv -lhpdf -lm -lpthread

LIB_SRC  := $(filter-out pipeline/cli/main.c,$(sort $(wildcard pipeline/*/*.c)))
LIB_OBJ  := $(LIB_SRC:pipeline/%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

# Debian packages the build, the fonts and the tests need.
DEB_PKGS := build-essential pkg-config libxml2-dev libxml2-utils libhpdf-dev libcsv-dev \
            zlib1g-dev libminizip-dev libssl-dev libutf8proc-dev fonts-arphic-uming fonts-wqy-zenhei \
            fonts-arphic-ukai poppler-utils qpdf unzip libarchive-tools mupdf-tools \
            parallel python3 clang libclang-rt-14-dev valgrind time

.PHONY: all deps deps-peers demo check test test-san bench bench-peers fuzz install clean
.DEFAULT_GOAL := all

all: $(BUILD)/minqing $(TEST_BIN) $(TOOL_BIN)

# -MMD -MP: each object depends on exactly the headers it includes.
$(BUILD)/obj/%.o: pipeline/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/cli/main.d

$(BUILD)/libminqing.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/minqing: $(BUILD)/obj/cli/main.o $(BUILD)/libminqing.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libminqing.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -Itests/unit -o $@ $< $(BUILD)/libminqing.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libminqing.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libminqing.a $(LDFLAGS) $(LDLIBS)

-include $(TEST_BIN:=.d) $(TOOL_BIN:=.d)

# Installs only what is missing; apt-get update runs once, when something is.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/demo.sh

# The whole suite twice: a normal build, then an ASan+UBSan build.
check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-san

test: all
	@BUILD=$(BUILD) sh tests/run.sh

test-san:
	@$(MAKE) --no-print-directory BUILD=build-san \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" test

bench: deps
	@$(MAKE) --no-print-directory all
	@for b in bench/bench_*.sh; do BUILD=$(BUILD) sh $$b || exit 1; done

# DuckDB beside the data half (not part of make check): Debian's nodejs and
# npm, and DuckDB's Node package pinned in bench/peers/package.json.
deps-peers:
	@if command -v node >/dev/null && command -v npm >/dev/null; then echo "deps-peers: node and npm present"; \
	else $(MAKE) --no-print-directory deps DEB_PKGS="nodejs npm"; fi

bench-peers: deps deps-peers
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh bench/peers/run.sh

FUZZ_SECONDS ?= 60
fuzz: deps
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

install: $(BUILD)/minqing
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/minqing/templates
	install -m 755 $(BUILD)/minqing $(DESTDIR)$(PREFIX)/bin/minqing
	install -m 644 templates/* $(DESTDIR)$(PREFIX)/share/minqing/templates/

clean:
	rm -rf build build-san build-fuzz

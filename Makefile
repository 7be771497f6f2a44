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
PKG_CONFIG ?= pkg-config
# the package version too (debian/changelog must agree: tests/deb/check_deb.sh)
VERSION := 0.1.0

PKGS    := libxml-2.0 zlib libdeflate minizip libcrypto libutf8proc xlsxwriter freexl harfbuzz harfbuzz-subset fontconfig
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
# WERROR=1 (CI) makes every warning an error.
WERROR  ?=
# `override` keeps these when CFLAGS is given on the command line (test-san).
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Iinclude $(PKG_CFLAGS) -DMQ_VERSION='"$(VERSION)"'
ifneq ($(WERROR),)
override CFLAGS += -Werror
endif
override LDLIBS += $(PKG_LIBS) -lcsv -lm -lpthread

LIB_SRC  := $(filter-out pipeline/cli/main.c,$(sort $(wildcard pipeline/*/*.c)))
LIB_OBJ  := $(LIB_SRC:pipeline/%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
# fuzz targets with a replay main (tests/fuzz/replay.c): make check runs
# every seed through them (tests/e2e/fuzz_replay.sh)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

# Debian packages the build, the fonts and the tests need.
DEB_PKGS := build-essential pkg-config libxml2-dev libxml2-utils libcsv-dev \
            zlib1g-dev libdeflate-dev libminizip-dev libssl-dev libharfbuzz-dev libfontconfig-dev fontconfig \
            fonts-noto-cjk fonts-hanazono fonts-arphic-ukai fonts-arphic-uming fonts-wqy-zenhei \
            icc-profiles-free python3-pikepdf poppler-utils qpdf unzip libarchive-tools mupdf-tools \
            parallel python3 clang libclang-rt-14-dev valgrind time libutf8proc-dev \
            libxlsxwriter-dev libfreexl-dev python3-openpyxl

.PHONY: all man deps deps-peers deps-arm64 demo check test test-san test-ubsan bench bench-peers fuzz install uninstall deb check-deb check-arm64 clean
.DEFAULT_GOAL := all

all: $(BUILD)/minqing $(TEST_BIN) $(TOOL_BIN) $(FUZZ_BIN) man

# The man pages (English, Chinese) and the bash completion, made from the
# command table in pipeline/cli/cli.c; the Debian package installs them.
MAN_OUT := $(BUILD)/man/minqing.1 $(BUILD)/man/zh_CN/minqing.1 $(BUILD)/bash-completion/minqing
man: $(MAN_OUT)
$(MAN_OUT) &: $(BUILD)/tools/gen_docs
	$(BUILD)/tools/gen_docs $(BUILD)

# -MMD -MP: each object depends on exactly the headers it includes.
$(BUILD)/obj/%.o: pipeline/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

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

# a fuzz target and the replay main compiled apart, each object with the
# headers it includes, then linked
$(BUILD)/fuzz/obj/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/%.o $(BUILD)/fuzz/obj/replay.o $(BUILD)/libminqing.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

FUZZ_OBJ := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/replay.o
.SECONDARY: $(FUZZ_OBJ)
-include $(TEST_BIN:=.d) $(TOOL_BIN:=.d) $(FUZZ_OBJ:.o=.d)

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

# Only when asked (large): what `make deb ARCH=arm64` and `make check-arm64`
# need: Debian's cross compiler, the :arm64 development packages of the
# libraries (multiarch: dpkg --add-architecture arm64) and qemu-user-static
# to run the arm64 program and tests here.
DEV_PKGS_ARM64 := libxml2-dev libcsv-dev zlib1g-dev libdeflate-dev libminizip-dev libssl-dev libutf8proc-dev \
                  libharfbuzz-dev libfontconfig-dev libxlsxwriter-dev libfreexl-dev
deps-arm64:
	@SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	dpkg --print-foreign-architectures | grep -qx arm64 || $$SUDO dpkg --add-architecture arm64; \
	missing=""; for p in crossbuild-essential-arm64 qemu-user-static pkgconf:arm64 $(DEV_PKGS_ARM64:=:arm64); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps-arm64: installing$$missing"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps-arm64: all present"; fi

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/demo.sh

# The whole suite three times: a normal build, an ASan+UBSan build (gcc),
# and a UBSan build with clang, which also finds arithmetic on null
# pointers that gcc lets pass.
check: deps
	@$(MAKE) -j2 --no-print-directory test
	@$(MAKE) -j2 --no-print-directory test-san
	@$(MAKE) -j2 --no-print-directory test-ubsan

test: all
	@BUILD=$(BUILD) sh tests/run.sh

test-san:
	@$(MAKE) --no-print-directory BUILD=build-san \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" test

test-ubsan:
	@$(MAKE) --no-print-directory BUILD=build-ubsan CC=clang \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=undefined -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=undefined" test

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

# Installed layout (the .deb is this with PREFIX=/usr): the program, the
# templates and rubric (found from the program's folder: ../share/minqing),
# the samples as examples, and the man pages and bash completion that
# `make man` generates from the usage table, when they have been made.
BINDIR      = $(PREFIX)/bin
DATADIR     = $(PREFIX)/share/minqing
DOCDIR      = $(PREFIX)/share/doc/minqing
MANDIR      = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
GEN_MAN_EN  := build/man/minqing.1
GEN_MAN_ZH  := build/man/zh_CN/minqing.1
GEN_BASHCOMP := build/bash-completion/minqing

install: $(BUILD)/minqing
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DOCDIR)/examples/next_steps
	install -m 755 $(BUILD)/minqing $(DESTDIR)$(BINDIR)/minqing
	install -m 644 templates/* $(DESTDIR)$(DATADIR)/templates/
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 644 $(filter-out samples/next_steps,$(wildcard samples/*)) $(DESTDIR)$(DOCDIR)/examples/
	install -m 644 samples/next_steps/* $(DESTDIR)$(DOCDIR)/examples/next_steps/
	if [ -f $(GEN_MAN_EN) ]; then install -D -m 644 $(GEN_MAN_EN) $(DESTDIR)$(MANDIR)/man1/minqing.1; fi
	if [ -f $(GEN_MAN_ZH) ]; then install -D -m 644 $(GEN_MAN_ZH) $(DESTDIR)$(MANDIR)/zh_CN/man1/minqing.1; fi
	if [ -f $(GEN_BASHCOMP) ]; then install -D -m 644 $(GEN_BASHCOMP) $(DESTDIR)$(BASHCOMPDIR)/minqing; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/minqing $(DESTDIR)$(MANDIR)/man1/minqing.1 \
	      $(DESTDIR)$(MANDIR)/zh_CN/man1/minqing.1 $(DESTDIR)$(BASHCOMPDIR)/minqing
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

# The Debian package, built by debhelper from debian/ (see README: why) into
# build/minqing_$(VERSION)_$(ARCH).deb; the objects go to build/deb/$(ARCH).
# ARCH=arm64 cross-builds (make deps-arm64 first).
ARCH ?= $(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
# CC names the host's compiler for dpkg-architecture, which warns otherwise;
# nocheck: the package build runs no tests (make test, make check-arm64 do),
# which dh would warn about when cross-building.
deb:
	dpkg-checkbuilddeps -a$(ARCH)
	dh_clean
	CC=$$(dpkg-architecture -a$(ARCH) -qDEB_HOST_GNU_TYPE 2>/dev/null)-gcc \
	DEB_BUILD_OPTIONS="nocheck $$DEB_BUILD_OPTIONS" \
	  dpkg-architecture -a$(ARCH) -f -c debian/rules binary
	@echo "deb: build/minqing_$(VERSION)_$(ARCH).deb"

# Installs the package on this machine (dpkg -i, needs root), runs the demo
# from / with the installed files only, removes it and checks nothing is
# left. Slow and changes the system, so not part of make check.
check-deb: deb
	@BUILD=$(BUILD) DEB=build/minqing_$(VERSION)_$(ARCH).deb sh tests/deb/check_deb.sh

# The arm64 build under qemu-user-static: its unit tests, and one run of
# the samples whose outputs must equal the amd64 program's byte for byte.
ARM64_BUILD := build/arm64
check-arm64: all
	@$(MAKE) --no-print-directory BUILD=$(ARM64_BUILD) CC=aarch64-linux-gnu-gcc \
	  PKG_CONFIG=aarch64-linux-gnu-pkg-config $(ARM64_BUILD)/minqing $(TEST_SRC:tests/unit/%.c=$(ARM64_BUILD)/tests/%)
	@BUILD=$(BUILD) ARM64_BUILD=$(ARM64_BUILD) sh tests/deb/check_arm64.sh

clean:
	rm -rf build build-san build-ubsan build-fuzz

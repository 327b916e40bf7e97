# ocsdf: build, tests, benchmarks, install.  Plain GNU make.
#
#   make            build $(BUILD)/libocsdf.a and the five programs
#   make check      unit tests, program tests (again on the generic BLAS
#                   kernels), then the same under ASan+UBSan, then a short
#                   fuzzing of whole program runs
#   make demo       train, score, certify, plot and mesh on the bundled data
#   make bench      benchmarks (not part of check); figures in tests/bench/
#   make install    PREFIX=/usr/local DESTDIR=   (make uninstall: the same)
#
# BUILD selects the build folder, so several builds (plain, sanitizers) can
# live side by side.  NATIVE=1 tunes for this CPU; the default runs on any
# x86-64.

VERSION  := 0.1.0
BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
NATIVE   ?= 0
CC       ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif

ifeq ($(NATIVE),1)
ARCHFLAGS := -march=native
else
ARCHFLAGS := -march=x86-64 -mtune=generic
endif

OPT      ?= -O2
WARN     := -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wundef -Wvla -Wwrite-strings
CFLAGS   ?= $(OPT) -g
ALLCFLAGS = -std=c11 -D_GNU_SOURCE -DOCSDF_VERSION='"$(VERSION)"' $(ARCHFLAGS) $(WARN) \
            -iquote lib $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = -lopenblas -lcsv -lz -lm -lpthread
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -pthread)

PROGRAMS := ocsdf-train ocsdf-score ocsdf-certify ocsdf-sample ocsdf-mesh
LIB_SRC  ?= $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBA     := $(BUILD)/libocsdf.a
# What the programs share beyond the library (option parsing, messages,
# exiting): linked into the programs and the fuzz targets, neither part of
# libocsdf.a nor installed.
CLI_SRC  := $(sort $(wildcard cmd/common/*.c))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
CLI_H    := $(wildcard cmd/common/*.h)
BINS     := $(PROGRAMS:%=$(BUILD)/bin/%)
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC:= $(sort $(wildcard tests/bench/bench_*.c))
BENCHES  := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
PUBLIC_H := $(sort $(wildcard lib/*.h))

# Debian packages: what building and running the programs needs (make
# deps, for all and demo), and what the tests add (make test-deps, for
# check, asan, fuzz and valgrind).
DEB_PKGS := gcc make libopenblas-dev libcsv-dev zlib1g-dev pkg-config time gzip
DEB_TEST_PKGS := check groff-base libxml2-utils man-db clang libclang-rt-14-dev valgrind parallel
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps check test unit cli cli-prescott asan demo bench bench-odds bench-oc install uninstall clean \
        fuzz fuzz-build fuzz-replay fuzz-programs fuzz-programs-smoke valgrind valgrind-build valgrind-unit valgrind-cli

all: $(LIBA) $(BINS)

# Installs the Debian packages missing from a list.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps:
	$(call install_missing,$(DEB_PKGS))

test-deps: deps
	$(call install_missing,$(DEB_TEST_PKGS))

$(BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Kept after linking (make deletes the objects of chained pattern rules).
.SECONDARY: $(CLI_OBJ)
$(BUILD)/cmd/common/%.o: cmd/common/%.c $(CLI_H) $(wildcard lib/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -iquote cmd/common -c -o $@ $<

$(BUILD)/bin/%: cmd/%.c $(CLI_OBJ) $(LIBA) $(CLI_H) $(wildcard lib/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -iquote cmd/common -o $@ $< $(SRC_$*) $(CLI_OBJ) $(LIBA) $(LDLIBS_ALL)

# A program's sources beside cmd/PROGRAM.c, in cmd/NAME/: ocsdf-train's
# options (their table and checks).
SRC_ocsdf-train := cmd/train/opts.c
$(BUILD)/bin/ocsdf-train: $(SRC_ocsdf-train) $(wildcard cmd/train/*.h)

$(BUILD)/tests/%: tests/%.c $(LIBA) $(wildcard lib/*.h tests/*.h) | test-deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -Itests -o $@ $< $(LIBA) $(LDLIBS_ALL) $(CHECK_LIBS)

# test_argtab checks program support (cmd/common), linked as the programs link it.
$(BUILD)/tests/test_argtab: tests/test_argtab.c $(CLI_OBJ) $(CLI_H) $(LIBA) $(wildcard lib/*.h tests/*.h) | test-deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -iquote cmd/common -Itests -o $@ $< $(CLI_OBJ) $(LIBA) $(LDLIBS_ALL) \
	  $(CHECK_LIBS)

$(BUILD)/bench/%: tests/bench/%.c $(LIBA) $(wildcard lib/*.h tests/bench/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -o $@ $< $(LIBA) $(LDLIBS_ALL)

# Unit tests (Check) then the shell tests of the programs.
test: unit cli fuzz-replay

unit: $(TESTS)
	@fail=0; for t in $(TESTS); do \
	  echo "== $$t"; CK_DEFAULT_TIMEOUT=120 SHARED=$(CURDIR)/../shared $$t || fail=1; \
	done; exit $$fail

cli: $(BINS) | test-deps
	@sh tests/cli/run.sh $(CURDIR)/$(BUILD)/bin

# The tests that train models once more on OpenBLAS's generic SSE3 kernels
# (Prescott), which round differently from the AVX2 and AVX-512 ones: what
# they assert must hold whatever kernels a machine runs.  The margins are
# measured over seeds and kernels by tests/bench/trained.sh.
cli-prescott: $(BINS) $(BUILD)/tests/test_train | test-deps
	@echo "== program tests and test_train with OPENBLAS_CORETYPE=Prescott"
	@OPENBLAS_CORETYPE=Prescott CK_DEFAULT_TIMEOUT=120 SHARED=$(CURDIR)/../shared $(BUILD)/tests/test_train
	@OPENBLAS_CORETYPE=Prescott sh tests/cli/run.sh $(CURDIR)/$(BUILD)/bin

# Fuzz targets (tests/fuzz/README.md).  fuzz-replay feeds the committed seed
# and regression corpora to each target through a plain main(), with the
# build's own compiler and flags (so under ASan+UBSan in `make asan`);
# `make fuzz FUZZ_SECONDS=N` runs libFuzzer on each target for N seconds.
FUZZ_TARGETS := fuzz_csv fuzz_model fuzz_resume fuzz_options
FUZZ_EXTRA_fuzz_options := tests/fuzz/opt_certify.c tests/fuzz/opt_mesh.c
FUZZ_COMMON := tests/fuzz/fuzz_util.c $(CLI_SRC)
FUZZ_DEPS := $(FUZZ_COMMON) $(CLI_H) $(wildcard tests/fuzz/*.h tests/fuzz/opt_*.c cmd/*.c lib/*.h)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SAN := -O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/driver.c $(FUZZ_DEPS) $(LIBA) | test-deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -iquote cmd/common -Itests/fuzz -o $@ $< tests/fuzz/driver.c $(FUZZ_COMMON) $(FUZZ_EXTRA_$*) \
	  $(LIBA) $(LDLIBS_ALL)

$(BUILD)/libfuzzer/%: tests/fuzz/%.c $(FUZZ_DEPS) $(LIBA) | test-deps
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -fsanitize=fuzzer -iquote cmd/common -Itests/fuzz -o $@ $< $(FUZZ_COMMON) $(FUZZ_EXTRA_$*) \
	  $(LIBA) $(LDLIBS_ALL)

fuzz-replay: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
	  OPENBLAS_NUM_THREADS=1 $(BUILD)/fuzz/$$t tests/fuzz/corpus/$$t tests/fuzz/regress/$$t || exit 1; \
	done

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/libfuzzer/%)

# New inputs go to build-fuzz/corpus/TARGET, crashes to build-fuzz/.
fuzz: | test-deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) \
	  CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t; \
	  echo "== $$t: $(FUZZ_SECONDS) s"; \
	  OPENBLAS_NUM_THREADS=1 build-fuzz/libfuzzer/$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096 \
	    -artifact_prefix=build-fuzz/$$t- build-fuzz/corpus/$$t tests/fuzz/corpus/$$t tests/fuzz/regress/$$t \
	    2>build-fuzz/$$t.log || { tail -n 40 build-fuzz/$$t.log; exit 1; }; \
	  grep -E '^(#[0-9]+|Done)' build-fuzz/$$t.log | tail -n 2; \
	done

# Whole runs of the programs, built with ASan+UBSan, with random options,
# inputs and closed descriptors for FUZZ_SECONDS (tests/fuzz/progfuzz.sh);
# FUZZ_SEED replays a seed, FUZZ_PROGRAMS (comma-separated) narrows the
# programs.  Failing runs are kept in build-asan/progfuzz.
fuzz-programs: | test-deps
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_FLAGS)" all
	@nice sh tests/fuzz/progfuzz.sh -t $(FUZZ_SECONDS) $(if $(FUZZ_SEED),-s $(FUZZ_SEED)) \
	  $(if $(FUZZ_PROGRAMS),-p $(FUZZ_PROGRAMS)) build-asan/bin

# A short fixed run of the same (seed 1, its first 100 runs; about a
# minute), part of check.
fuzz-programs-smoke: | test-deps
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_FLAGS)" all
	@sh tests/fuzz/progfuzz.sh -s 1 -t 0 -n 100 build-asan/bin

# Unit tests, fuzz replays and program tests under valgrind memcheck: any
# error or definite leak fails (exit 99); programs that exit on a fatal
# error are held to memory errors only (tests/cli/valgrind-wrap.sh).  Slow,
# so not part of check; the signal-timing tests are left out (valgrind
# slows programs 20-50 times).  Valgrind has no AVX-512: OCSDF_CPU=avx2.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --show-leak-kinds=definite
VALGRIND_SKIP := t_interrupt t_faults
# Unit tests run in one process (CK_FORK=no), so leaks are counted once at
# its end; the reports of processes a test forks itself are not shown.
valgrind: valgrind-unit valgrind-cli
valgrind-build: export OCSDF_CPU = avx2
valgrind-build: | test-deps
	@$(MAKE) --no-print-directory BUILD=build-vg CFLAGS="-O1 -g" all \
	  $(TEST_SRC:tests/%.c=build-vg/tests/%) $(FUZZ_TARGETS:%=build-vg/fuzz/%)
valgrind-unit: export OCSDF_CPU = avx2
valgrind-unit: valgrind-build
	@fail=0; for t in $(TEST_SRC:tests/%.c=build-vg/tests/%); do echo "== $$t"; \
	  CK_FORK=no SHARED=$(CURDIR)/../shared $(VALGRIND) --child-silent-after-fork=yes $$t || fail=1; \
	done; \
	for t in $(FUZZ_TARGETS); do \
	  $(VALGRIND) build-vg/fuzz/$$t tests/fuzz/corpus/$$t tests/fuzz/regress/$$t || fail=1; \
	done; \
	echo "valgrind (unit tests, fuzz replays): $$([ $$fail = 0 ] && echo clean || echo ERRORS)"; exit $$fail
valgrind-cli: export OCSDF_CPU = avx2
valgrind-cli: valgrind-build
	@rm -rf build-vg/vgbin build-vg/cli && mkdir -p build-vg/vgbin build-vg/cli && \
	for p in $(PROGRAMS); do \
	  printf '#!/bin/sh\nexec sh %s %s "$$@"\n' "$(CURDIR)/tests/cli/valgrind-wrap.sh" "$(CURDIR)/build-vg/bin/$$p" \
	    >build-vg/vgbin/$$p && \
	  chmod +x build-vg/vgbin/$$p; \
	done; \
	cp tests/cli/*.sh build-vg/cli/ && for s in $(VALGRIND_SKIP); do rm -f build-vg/cli/$$s.sh; done; \
	fail=0; sh build-vg/cli/run.sh $(CURDIR)/build-vg/vgbin || fail=1; \
	echo "valgrind (program tests): $$([ $$fail = 0 ] && echo clean || echo ERRORS)"; exit $$fail

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan: | test-deps
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="$(ASAN_FLAGS)" \
	  EXTRA_CFLAGS="$(EXTRA_CFLAGS)" LDFLAGS_SAN=1 test \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

check: test cli-prescott asan fuzz-programs-smoke

demo: all
	@sh data/demo.sh $(CURDIR)/$(BUILD)/bin

bench: $(BENCHES) all
	@sh tests/bench/run.sh $(CURDIR)/$(BUILD)

# The ODDS grid (hours; resumable, see tests/bench/odds.sh for ODDS_ARGS,
# e.g. ODDS_ARGS="-s cardio,wbc -r 1"), the distance baselines (minutes),
# then the speed benchmark, then tests/bench/ODDS.md from all the runs
# recorded.
bench-odds: $(BENCHES) all
	OPENBLAS_NUM_THREADS=1 sh tests/bench/odds.sh -b $(CURDIR)/$(BUILD)/bin $(ODDS_ARGS)
	sh tests/bench/knn.sh
	sh tests/bench/run.sh $(CURDIR)/$(BUILD) speed
	sh tests/bench/odds-report.sh

# The one-class ODDS protocol (hours; resumable): ocsdf's defaults trained on
# a seeded half of the normal rows, kNN and Isolation Forest fitted on the same
# halves (tests/bench/oc-baselines.sh), then tests/bench/ODDS-oc.md.  OC_ARGS
# goes to both scripts, e.g. OC_ARGS="-s wbc,cardio -r 1".
bench-oc: $(BUILD)/bench/oc_baselines all
	OPENBLAS_NUM_THREADS=1 sh tests/bench/odds.sh -b $(CURDIR)/$(BUILD)/bin -p oc -m 0.05 \
	  -x "--sampler distance --ascent-rows 500 --threads 1" $(OC_ARGS)
	sh tests/bench/oc-baselines.sh -b $(CURDIR)/$(BUILD) $(OC_ARGS)
	sh tests/bench/odds-oc.sh >tests/bench/ODDS-oc.md

# ocsdf.pc: the library is static, so its own dependencies are in Libs.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/ocsdf \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	  $(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(PUBLIC_H) $(DESTDIR)$(PREFIX)/include/ocsdf/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(wildcard man/*.5) $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(PREFIX)/share/man/man7/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS@|$(LDLIBS_ALL)|' \
	  ocsdf.pc.in >$(DESTDIR)$(PREFIX)/lib/pkgconfig/ocsdf.pc
	chmod 644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/ocsdf.pc

uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(PREFIX)/bin/%) $(DESTDIR)$(PREFIX)/lib/libocsdf.a
	rm -rf $(DESTDIR)$(PREFIX)/include/ocsdf
	rm -f $(PROGRAMS:%=$(DESTDIR)$(PREFIX)/share/man/man1/%.1) $(DESTDIR)$(PREFIX)/share/man/man5/ocsdf-model.5
	rm -f $(DESTDIR)$(PREFIX)/share/man/man7/ocsdf.7 $(DESTDIR)$(PREFIX)/lib/pkgconfig/ocsdf.pc

clean:
	rm -rf build build-asan build-*

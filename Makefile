# Chairside build. `make` builds build/chairside; see README for the rest.
CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libsodium libical libcurl
PKGS += libpq libidn2
# zlib: availability answers are sent gzip-compressed to clients that take it.
PKGS += zlib
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS = $(PKG_LIBS) -lpthread -lm

# libFuzzer targets (tests/fuzz/fuzz_NAME.c): FUZZ=1 builds the library
# with clang, coverage instrumentation, ASan and UBSan into build-fuzz.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 20

# SANITIZE=1 builds into build-asan with AddressSanitizer and UBSan.
ifeq ($(FUZZ),1)
BUILD ?= build-fuzz
CC := clang
CFLAGS := -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)
LDFLAGS += $(FUZZ_SAN)
else ifeq ($(SANITIZE),1)
BUILD ?= build-asan
CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
BUILD ?= build
endif

LIB_SRC := $(sort $(wildcard src/util/*.c src/core/*.c src/store/*.c src/store/sqlite/*.c src/http/*.c src/api/*.c \
                            src/jobs/*.c src/cli/*.c \
                            src/service/*.c))
LIB_SRC += $(sort $(wildcard src/store/postgres/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MIGRATIONS := $(sort $(wildcard src/store/sqlite/migrations/*.sql))

.PHONY: all run check unit api layers deps clean bench format web browser fuzz fuzz-build fuzz-check fuzz-targets fuzz-campaign
all: $(BUILD)/chairside

# The web app (web/ -> build/web), unless NO_WEB=1: the server and its API
# tests need none of it. npm ci runs only when the lock file changed.
WEB_OUT := build/web/index.html
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/book.html \
           web/vite.config.js web/scripts/compress.mjs
ifneq ($(NO_WEB),1)
all: $(WEB_OUT)
endif
web: $(WEB_OUT)

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_OUT): web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && npm run --silent build

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Migrations are compiled into the binary so it needs no files beside it.
$(BUILD)/gen/migrations.c: $(MIGRATIONS) scripts/embed_migrations.sh
	@mkdir -p $(dir $@)
	scripts/embed_migrations.sh $(MIGRATIONS) > $@

# The PostgreSQL backend's own migrations, as pg_migrations[].
PG_MIGRATIONS := $(sort $(wildcard src/store/postgres/migrations/*.sql))
$(BUILD)/gen/pg_migrations.c: $(PG_MIGRATIONS) scripts/embed_migrations.sh
	@mkdir -p $(dir $@)
	scripts/embed_migrations.sh --prefix pg --header store/postgres/pg_migrations.h \
	    $(PG_MIGRATIONS) > $@
$(BUILD)/libchairside.a: $(BUILD)/obj/gen/pg_migrations.o

$(BUILD)/gen/openapi.c: docs/openapi.yaml scripts/embed_text.sh
	@mkdir -p $(dir $@)
	scripts/embed_text.sh api_openapi_yaml $< > $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-variable-declarations -c $< -o $@

$(BUILD)/libchairside.a: $(LIB_OBJ) $(BUILD)/obj/gen/migrations.o $(BUILD)/obj/gen/openapi.o
	rm -f $@
	ar rcs $@ $^

$(BUILD)/chairside: $(BUILD)/obj/src/main.o $(BUILD)/libchairside.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test tools the API suite runs (tests/tools/NAME.c -> $(BUILD)/tools/NAME).
TOOL_BIN := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(sort $(wildcard tests/tools/*.c)))
$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libchairside.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(BUILD)/libchairside.a $(LDLIBS) -lcmocka

deps:
	@NO_WEB=$(NO_WEB) scripts/deps.sh

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_tzif.c \
                     $(BUILD)/libchairside.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(BUILD)/libchairside.a \
	    $(LDLIBS)

fuzz-targets: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
	@:

fuzz-build:
	@NO_WEB=1 scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-targets

# Each target for FUZZ_SECONDS on its seed corpus (tests/fuzz/corpus/NAME).
fuzz: fuzz-build
	@scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) build-fuzz/results/fuzz.txt $(FUZZ_NAMES)

# A campaign: each target until it has had FUZZ_CPU_SECONDS of CPU time
# (default 1800), which a loaded machine takes longer than that to give.
FUZZ_CPU_SECONDS ?= 1800
fuzz-campaign: fuzz-build
	@for t in $(FUZZ_NAMES); do scripts/fuzz_campaign.sh build-fuzz $$t $(FUZZ_CPU_SECONDS) || exit 1; done

# The short run `make check` counts: a target that fails to build fails.
fuzz-check:
	@$(MAKE) --no-print-directory fuzz-build || { mkdir -p build/results; \
	    echo "0 1 0" > build/results/fuzz.txt; exit 1; }
	@scripts/fuzz.sh build-fuzz $(FUZZ_CHECK_SECONDS) build/results/fuzz.txt $(FUZZ_NAMES)

run: deps all
	@mkdir -p var
	$(BUILD)/chairside demo --db var/chairside.db --if-empty
	$(BUILD)/chairside serve --db var/chairside.db

# The tests of the store contract run on both backends; test_pg_sql only
# on PostgreSQL.
PG_UNIT_BIN := $(filter %/test_store %/test_store_write %/test_outbox %/test_pg_sql %/test_store_packages,$(UNIT_BIN))

unit: $(UNIT_BIN)
	@scripts/run_unit.sh $(BUILD) $(filter-out %/test_pg_sql,$(UNIT_BIN))

# A scratch PostgreSQL 15 cluster (scripts/pg_scratch.sh) for the
# PostgreSQL runs of the store tests and the API suite, kept running until
# `make check` ends. It lives under /tmp because its OS user (postgres, when
# we are root) must reach it, which a home or CI folder may not allow. A
# suite that cannot even start still counts as a failure.
PG_DIR ?= /tmp/chairside-pg-$(shell id -u)-$(notdir $(CURDIR))
.PHONY: pg-unit pg-api
pg-unit: $(PG_UNIT_BIN)
	@scripts/pg_scratch.sh start $(PG_DIR) >/dev/null
	@url=$$(scripts/pg_scratch.sh createdb $(PG_DIR) chairside_unit) && \
	    CHAIRSIDE_TEST_PG_URL=$$url UNIT_SUITE=pg-unit scripts/run_unit.sh $(BUILD) $(PG_UNIT_BIN) \
	    || { [ -s $(BUILD)/results/pg-unit.txt ] || echo "0 1 0" > $(BUILD)/results/pg-unit.txt; exit 1; }

# The FHIR API tests validate every body with ajv against the FHIR R4
# schema, both web/ dev dependencies (npm ci when the lock file changed).
pg-api: $(BUILD)/chairside $(TOOL_BIN) web/node_modules/.package-lock.json
	@mkdir -p $(BUILD)/results
	@url=$$(scripts/pg_scratch.sh start $(PG_DIR)) && \
	    python3 tests/api/run.py --bin $(BUILD)/chairside --results $(BUILD)/results/pg-api.txt \
	    --db-url "$$url" \
	    || { [ -s $(BUILD)/results/pg-api.txt ] || echo "0 1 0" > $(BUILD)/results/pg-api.txt; exit 1; }

api: $(BUILD)/chairside $(TOOL_BIN) web/node_modules/.package-lock.json
	@python3 tests/api/run.py --bin $(BUILD)/chairside --results $(BUILD)/results/api.txt

# The include graph runs http -> api -> service -> (core, store), never back
# up (scripts/check_layers.sh names the rules). A script that dies before
# writing its result still counts as a failure.
layers:
	@scripts/check_layers.sh src $(BUILD)/results/layers.txt || { \
	    [ -s $(BUILD)/results/layers.txt ] || echo "0 1 0" > $(BUILD)/results/layers.txt; exit 1; }

# Chromium driven by Playwright against the real server and the built app.
# A runner that dies before writing its result still counts as a failure.
browser: build/chairside $(WEB_OUT)
	@node tests/browser/run.mjs --bin build/chairside --web build/web \
	    --results build/results/browser.txt || { \
	    [ -s build/results/browser.txt ] || echo "0 1 0" > build/results/browser.txt; exit 1; }

# The browser suite again with the server on a fresh PostgreSQL database.
.PHONY: pg-browser
pg-browser: build/chairside $(WEB_OUT)
	@scripts/pg_scratch.sh start $(PG_DIR) >/dev/null
	@url=$$(scripts/pg_scratch.sh createdb $(PG_DIR) chairside_browser_$$$$) && \
	    node tests/browser/run.mjs --bin build/chairside --web build/web --db-url "$$url" \
	    --results build/results/pg-browser.txt || { \
	    [ -s build/results/pg-browser.txt ] || echo "0 1 0" > build/results/pg-browser.txt; exit 1; }

# Every suite on SQLite, the store, API and browser suites on PostgreSQL, all of it
# again (but the browser) under ASan+UBSan, then every fuzz target
# briefly; one total line last.
check: deps
	@rm -rf build/results build-asan/results
	@$(MAKE) -k --no-print-directory all unit api layers pg-unit pg-api || true
	@$(if $(filter 1,$(NO_WEB)),true,$(MAKE) --no-print-directory browser || true)
	@$(if $(filter 1,$(NO_WEB)),true,$(MAKE) --no-print-directory pg-browser || true)
	@$(MAKE) -k --no-print-directory SANITIZE=1 all unit api pg-unit pg-api || true
	@scripts/pg_scratch.sh stop $(PG_DIR) >/dev/null 2>&1 || true
	@$(MAKE) --no-print-directory fuzz-check || true
	@scripts/summary.sh build/results build-asan/results

bench: $(BUILD)/chairside
	@scripts/deps.sh --bench
	@bench/run.sh $(BUILD)/chairside

format:
	clang-format -i $$(find src tests bench -name '*.[ch]')

clean:
	@scripts/pg_scratch.sh stop $(PG_DIR) 2>/dev/null || true
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

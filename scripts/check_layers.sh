#!/bin/sh
# Keeps the include graph the way ../shared/design.md draws it:
# http -> api -> service -> (core, store), jobs reaching services only
# through the outbox producers, the CLI calling services, never handlers.
# One rule per layer; each rule passes or fails as one test. Prints what
# breaks a rule, writes "passed failed skipped" to the result file when
# given, and exits non-zero when any rule is broken.
#
#   scripts/check_layers.sh [SRC_DIR [RESULT_FILE]]
set -u
src=${1:-src}
out=${2:-}
passed=0
failed=0

# rule LAYER ALLOWED WHY: every quoted include in LAYER's files (and its
# subdirectories) must name a header that ALLOWED (an ERE matched right
# after the opening quote) accepts; WHY explains the rule when it breaks.
rule() {
    layer=$1
    allowed=$2
    why=$3
    if [ ! -d "$src/$layer" ]; then
        echo "layers: $src/$layer is missing"
        failed=$((failed + 1))
        return
    fi
    bad=$(grep -rnE --include='*.[ch]' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
              "$src/$layer" | grep -vE "#[[:space:]]*include[[:space:]]*\"($allowed)")
    report "$layer" "$why" "$bad"
}

# only_in NAME LIB_ERE LAYERS_ERE WHY: the system headers LIB_ERE (the
# library NAME) may be included only under the layers LAYERS_ERE and by
# main.c, which wires everything.
only_in() {
    name=$1
    lib=$2
    layers=$3
    why=$4
    bad=$(grep -rnE --include='*.[ch]' "^[[:space:]]*#[[:space:]]*include[[:space:]]*<($lib)" \
              "$src" | grep -vE "^$src/(($layers)/|main\.c:)")
    report "$name" "$why" "$bad"
}

report() {
    if [ -n "$3" ]; then
        echo "layers: $1 $2; these includes break it:"
        echo "$3" | sed 's/^/    /'
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
}

rule core '(core|util)/' "is pure logic: it includes only core/ and util/"
rule util '(util|core)/' "is the toolbox under every layer: util/ and core/ only"
rule store '(store|core|util)/' "never reaches up: no http/, api/, service/, jobs/ or cli/"
rule service '(service|store|core|util)/' \
    "holds the use cases free of HTTP: no http/, api/, jobs/ or cli/"
rule jobs '(jobs|store|core|util)/|service/(notify|svc)\.h"' \
    "hears of changes through outbox rows: of service/ only notify.h (its producers)"
rule api '(api|http|service|store|core|util)/' "is thin handlers over services: no jobs/ or cli/"
rule cli '(cli|service|store|core|util)/' \
    "calls services, never API handlers: no api/, http/ or jobs/"
rule http '(http|store|core|util)/' \
    "is the HTTP glue under the handlers: no api/, service/, jobs/ or cli/"
only_in "the database" 'sqlite3\.h|libpq-fe\.h' 'store' "is reached through store/ only"
only_in libmicrohttpd 'microhttpd\.h' 'http' "is the server under http/ only"
only_in libcurl 'curl/' 'jobs' "is the client of the outbox workers in jobs/ only"
bad=$(grep -rnE --include='*.[ch]' \
          '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(jansson|sodium|microhttpd|sqlite3|libpq-fe)\.h|^[[:space:]]*#[[:space:]]*include[[:space:]]*<curl/' \
          "$src/core")
report "core" "uses no library but libc and libical" "$bad"

echo "layers: $passed passed, $failed failed"
[ -n "$out" ] && { mkdir -p "$(dirname "$out")" && echo "$passed $failed 0" > "$out"; }
[ "$failed" -eq 0 ]

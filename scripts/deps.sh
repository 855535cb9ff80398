#!/bin/sh
# Installs the Debian packages Chairside builds, runs and tests with.
# Only missing packages are installed, so a second run is quick and offline.
set -eu
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
libsodium-dev libical-dev libcurl4-openssl-dev libcmocka-dev tzdata python3
python3-aiosmtpd radicale xandikos openssl libidn2-dev zlib1g-dev"
# The API tests parse every mail and feed with a third-party iCalendar
# parser besides libical's own checks (tests/tools/ics_check.c).
PKGS="$PKGS python3-icalendar"
# The PostgreSQL backend: libpq to build, a PostgreSQL 15 server (with
# btree_gist from its contrib) for scripts/pg_scratch.sh, and psycopg2 for
# the API tests that read the database directly.
PKGS="$PKGS libpq-dev postgresql-15 postgresql-client-15 python3-psycopg2"
# The API tests validate every response body against docs/openapi.yaml with
# a real JSON Schema validator (Draft 2020-12) and read the YAML with PyYAML.
PKGS="$PKGS python3-jsonschema python3-yaml"
# The web app builds with Node and npm and is tested in Debian's Chromium;
# a machine that already has npm (a newer Node) keeps it. The API tests
# need Node too (NO_WEB=1 as well): the FHIR tests validate with ajv.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
if [ "${NO_WEB:-}" != "1" ]; then
    PKGS="$PKGS chromium"
fi
if [ "${1:-}" = "--bench" ]; then
    PKGS="$PKGS wrk nginx-light"
fi
# libFuzzer targets build with Debian's clang (make fuzz, make check).
if [ "${1:-}" = "--fuzz" ]; then
    PKGS="$PKGS clang libfuzzer-14-dev time"
fi
missing=""
for p in $PKGS; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing:$missing"
case " $missing " in
*" postgresql-15 "*)
    # The package would create and start a system cluster on port 5432;
    # the tests make their own (scripts/pg_scratch.sh) and need none.
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" |
        $SUDO tee /etc/postgresql-common/createcluster.d/chairside.conf >/dev/null
    ;;
esac
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing

#!/bin/sh
# Installs the Debian packages Chairside builds, runs and tests with.
# Only missing packages are installed, so a second run is quick and offline.
set -eu
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
libsodium-dev libical-dev libcurl4-openssl-dev libcmocka-dev tzdata python3
python3-aiosmtpd radicale openssl"
# The web app builds with Node and npm and is tested in Debian's Chromium;
# a machine that already has npm (a newer Node) keeps it.
if [ "${NO_WEB:-}" != "1" ]; then
    PKGS="$PKGS chromium"
    command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
fi
if [ "${1:-}" = "--bench" ]; then
    PKGS="$PKGS wrk nginx-light"
fi
# libFuzzer targets build with Debian's clang (make fuzz, make check).
if [ "${1:-}" = "--fuzz" ]; then
    PKGS="$PKGS clang libfuzzer-14-dev"
fi
missing=""
for p in $PKGS; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing

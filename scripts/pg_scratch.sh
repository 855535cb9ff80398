#!/bin/sh
# A throw-away PostgreSQL 15 cluster for tests, kept in one directory.
#
#   scripts/pg_scratch.sh start DIR          creates DIR/data when missing, starts it and
#                                            prints postgresql://chairside:PASS@127.0.0.1:PORT
#   scripts/pg_scratch.sh createdb DIR NAME  (re)creates database NAME owned by chairside
#                                            with btree_gist, prints its full URL
#   scripts/pg_scratch.sh url DIR            prints the URL prefix of the running cluster
#   scripts/pg_scratch.sh stop DIR           stops it (the data stays for the next start)
#
# The server listens on 127.0.0.1 only, on a port that was free when it
# started, and accepts the role chairside by password (SCRAM) over TCP. The
# superuser is reachable only through a Unix socket inside DIR that only the
# cluster's OS user (and root) can open. initdb refuses to run as root, so
# under root the cluster belongs to the postgres account the Debian package
# creates (PG_SCRATCH_USER overrides it); any other user owns it directly.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROLE=chairside

die() {
    echo "pg_scratch: $*" >&2
    exit 1
}

usage() {
    die "usage: $0 start DIR | createdb DIR NAME | url DIR | stop DIR"
}

[ $# -ge 2 ] || usage
cmd=$1
case "$cmd" in
start) mkdir -p "$2" ;;
stop) [ -d "$2" ] || exit 0 ;; # nothing was ever started there
esac
[ -d "$2" ] || die "no cluster in $2: $0 start $2"
dir=$(cd "$2" && pwd)
data=$dir/data

[ -x "$PGBIN/pg_ctl" ] || die "no PostgreSQL 15 in $PGBIN (run scripts/deps.sh)"

if [ "$(id -u)" -eq 0 ]; then
    owner=${PG_SCRATCH_USER:-postgres}
    id "$owner" >/dev/null 2>&1 || die "no OS user $owner to own the cluster"
    as_owner() { runuser -u "$owner" -- "$@"; }
else
    owner=$(id -un)
    as_owner() { "$@"; }
fi

# Superuser access over the private socket; -X skips any ~/.psqlrc.
psql_admin() {
    PGOPTIONS="-c client_min_messages=warning" as_owner "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$(cat "$dir/sockdir")" -p "$(cat "$dir/port")" -U postgres "$@"
}

running() {
    [ -f "$dir/port" ] && as_owner "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1
}

url_prefix() {
    echo "postgresql://$ROLE:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")"
}

# A Unix socket's path holds at most 107 bytes: a deep DIR gets its socket
# directory in /tmp instead of DIR/run.
make_socket_dir() {
    if [ ${#dir} -le 70 ]; then
        sock=$dir/run
        mkdir -p "$sock"
    else
        sock=$(mktemp -d /tmp/chairside-pg.XXXXXX)
    fi
    chown "$owner" "$sock"
    chmod 700 "$sock"
    echo "$sock" > "$dir/sockdir"
}

remove_socket_dir() {
    case "$(cat "$dir/sockdir" 2>/dev/null)" in
    /tmp/chairside-pg.*) rm -rf "$(cat "$dir/sockdir")" ;;
    esac
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

init_cluster() {
    # The cluster's OS user must reach DIR; mending the modes of its
    # parents is not this script's business, so say what is wrong instead.
    [ "$(id -u)" -eq 0 ] && chown "$owner" "$dir"
    as_owner test -w "$dir" || die "$owner cannot write $dir (check the modes of its parents)"
    # Hex keeps the password safe inside a URL without escaping.
    umask 077
    echo "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" > "$dir/password.new"
    umask 022
    chown "$owner" "$dir/password.new"
    rm -rf "$data.new"
    as_owner mkdir -p "$data.new"
    as_owner "$PGBIN/initdb" -D "$data.new" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=reject --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # A scratch cluster: durability buys nothing here, speed does.
    as_owner sh -c 'cat >> "$1"' sh "$data.new/postgresql.conf" <<EOF

# pg_scratch.sh (the socket directory is given at each start)
listen_addresses = '127.0.0.1'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 200
timezone = 'UTC'
log_min_messages = warning
EOF
    as_owner sh -c 'cat > "$1"' sh "$data.new/pg_hba.conf" <<EOF
# pg_scratch.sh: superuser only on the private socket, the app by password
local all postgres trust
host all $ROLE 127.0.0.1/32 scram-sha-256
EOF
    as_owner mv "$data.new" "$data"
    mv "$dir/password.new" "$dir/password"
    echo new > "$dir/state"
}

start() {
    if running; then
        url_prefix
        return
    fi
    [ -f "$data/PG_VERSION" ] || init_cluster
    remove_socket_dir
    make_socket_dir
    tries=0
    until
        port=$(free_port)
        echo "$port" > "$dir/port"
        as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
            -o "-p $port -k '$sock'" start >/dev/null 2>&1
    do
        # Another process may have taken the port between the probe and
        # the bind: try another one a few times.
        tries=$((tries + 1))
        [ "$tries" -lt 5 ] || { tail -20 "$dir/server.log" >&2; die "server did not start"; }
    done
    if [ "$(cat "$dir/state" 2>/dev/null)" = new ]; then
        # CREATEDB lets a test harness make its own fresh databases;
        # btree_gist is a trusted extension, so a database owner may create it.
        psql_admin -d postgres -v pw="$(cat "$dir/password")" <<'EOF'
CREATE ROLE chairside LOGIN CREATEDB PASSWORD :'pw';
EOF
        echo ready > "$dir/state"
    fi
    url_prefix
}

createdb() {
    name=$1
    case "$name" in
    "" | *[!a-z0-9_]* | [0-9]*) die "database name must be [a-z_][a-z0-9_]*: $name" ;;
    esac
    running || die "not running: $0 start $dir"
    psql_admin -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
        -c "CREATE DATABASE $name OWNER $ROLE"
    # Made by the superuser, so that migrations need no right to create
    # them (both are trusted extensions, which the owner could create too).
    psql_admin -d "$name" -c "CREATE EXTENSION IF NOT EXISTS btree_gist" \
        -c "CREATE EXTENSION IF NOT EXISTS citext"
    echo "$(url_prefix)/$name"
}

case "$cmd" in
start) start ;;
createdb)
    [ $# -eq 3 ] || usage
    createdb "$3"
    ;;
url)
    running || die "not running: $0 start $dir"
    url_prefix
    ;;
stop)
    if running; then
        as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    remove_socket_dir
    ;;
*) usage ;;
esac

#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite, from the Debian packages.
#
#   source scripts/ci_postgres.sh
#   ci_pg_start      # installs PostgreSQL if needed, starts a server on 127.0.0.1,
#                    # creates role rr (password rr) and database rr_test, and
#                    # exports RR_TUI_TEST_PG_URL
#   ci_pg_stop       # stops the server and removes its files
#
# Run directly (scripts/ci_postgres.sh) it starts a server, prints the URL and
# waits until interrupted. The cluster lives in a fresh temporary folder and
# listens on a free port, so it never touches a PostgreSQL already on the machine.

CI_PG_DIR=""
CI_PG_BIN=""
CI_PG_OWNER=""

_ci_pg_log() { echo "ci_postgres: $*" >&2; }

_ci_pg_find_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    fi
}

_ci_pg_install() {
    CI_PG_BIN=$(_ci_pg_find_bin)
    if [ -n "$CI_PG_BIN" ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        _ci_pg_log "PostgreSQL is not installed and this is not root: apt-get install postgresql"
        return 1
    fi
    _ci_pg_log "installing PostgreSQL from the Debian packages"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
    CI_PG_BIN=$(_ci_pg_find_bin)
    if [ -z "$CI_PG_BIN" ]; then
        _ci_pg_log "PostgreSQL was installed but no /usr/lib/postgresql/*/bin/pg_ctl was found"
        return 1
    fi
}

# Run a PostgreSQL program as the cluster's owner (initdb refuses to run as root),
# from a folder that account can enter (the checkout may be under /root).
_ci_pg_as_owner() {
    if [ "$CI_PG_OWNER" = "$(id -un)" ]; then
        (cd / && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u "$CI_PG_OWNER" -- "$@")
    else
        (cd / && su -s /bin/sh "$CI_PG_OWNER" -c "$(printf '%q ' "$@")")
    fi
}

_ci_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ci_pg_start() {
    _ci_pg_install || return 1
    if [ "$(id -u)" = 0 ]; then
        CI_PG_OWNER=postgres
        if ! id postgres >/dev/null 2>&1; then
            useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
        fi
    else
        CI_PG_OWNER=$(id -un)
    fi
    CI_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rr-tui-pg.XXXXXX")
    chmod 0700 "$CI_PG_DIR"
    chown "$CI_PG_OWNER" "$CI_PG_DIR"
    local port pwfile
    port=$(_ci_pg_free_port)
    pwfile="$CI_PG_DIR/superuser-password"
    # Local socket: trust (only the owner can reach it: the folder is 0700);
    # TCP: passwords, so that a wrong password is refused as it would be for real.
    _ci_pg_as_owner sh -c "umask 077; echo postgres > '$pwfile'"
    _ci_pg_as_owner "$CI_PG_BIN/initdb" -D "$CI_PG_DIR/data" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" >"$CI_PG_DIR/initdb.log" 2>&1 \
        || { cat "$CI_PG_DIR/initdb.log" >&2; return 1; }
    # fsync off: a test server whose data is thrown away; much faster CREATE DATABASE.
    _ci_pg_as_owner "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -l "$CI_PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$CI_PG_DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
        start >/dev/null || { cat "$CI_PG_DIR/server.log" >&2; return 1; }
    _ci_pg_as_owner "$CI_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CI_PG_DIR" -p "$port" -U postgres \
        -d postgres -c "CREATE ROLE rr LOGIN CREATEDB CREATEROLE PASSWORD 'rr'" -c "CREATE DATABASE rr_test OWNER rr" \
        >/dev/null
    export RR_TUI_TEST_PG_URL="postgresql+psycopg://rr:rr@127.0.0.1:$port/rr_test"
    _ci_pg_log "PostgreSQL $("$CI_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

ci_pg_stop() {
    if [ -n "$CI_PG_DIR" ] && [ -d "$CI_PG_DIR" ]; then
        if [ -f "$CI_PG_DIR/data/postmaster.pid" ]; then
            _ci_pg_as_owner "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$CI_PG_DIR"
    fi
    CI_PG_DIR=""
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    ci_pg_start
    trap ci_pg_stop EXIT
    trap 'exit 0' INT TERM
    echo "RR_TUI_TEST_PG_URL=$RR_TUI_TEST_PG_URL"
    echo "(Ctrl-C or kill $$ stops the server)"
    while true; do sleep 3600 & wait $!; done
fi

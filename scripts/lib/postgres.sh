# shellcheck shell=bash
# Private PostgreSQL clusters for local runs and tests.
#
# We run as root, and initdb/postgres refuse root, so every server command runs as the
# `postgres` system user, which must be able to enter every folder above the data directory.

pg_log() { printf '%s\n' "$*" >&2; }

# Echoes the newest installed PostgreSQL server bin directory, installing the server from Debian
# when there is none.
pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
        pg_log "PostgreSQL server not found; installing it from Debian (apt-get install postgresql)…"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        # Keep the package from creating and starting its own system cluster on port 5432.
        apt-get install -y -qq postgresql-common >&2
        if [ -f /etc/postgresql-common/createcluster.conf ]; then
            sed -i 's/^#\?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
        fi
        apt-get install -y -qq postgresql >&2
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    [ -x "$dir/initdb" ] || { pg_log "could not find or install PostgreSQL's initdb"; return 1; }
    id postgres >/dev/null 2>&1 || { pg_log "the postgres system user is missing"; return 1; }
    printf '%s\n' "$dir"
}

# A TCP port on 127.0.0.1 that nothing listens on, below the kernel's ephemeral range: there an
# outgoing connection's local end could take the port between this check and the bind (or a
# cluster's restart).
pg_free_port() {
    local port low
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$low" -gt 21000 ] 2>/dev/null || low=32768
    for _ in $(seq 1 200); do
        port=$(( 20000 + RANDOM % (low - 20000) ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    pg_log "no free port found"
    return 1
}

# True when the postgres user can reach and write into $1's parent.
pg_user_can_use() {
    runuser -u postgres -- test -x "$(dirname "$1")" -a -w "$(dirname "$1")" 2>/dev/null
}

# pg_init DATA_DIR PORT [test]: creates a cluster bound to 127.0.0.1:PORT, trusting local
# connections (it is private to this machine). With "test", durability is traded for speed.
pg_init() {
    local data=$1 port=$2 profile=${3:-dev} bin
    bin=$(pg_bindir) || return 1
    mkdir -p "$data"
    chown postgres:postgres "$data"
    chmod 700 "$data"
    # C.UTF-8: byte-order sorting, but Unicode case folding and letters, which case-insensitive
    # search and pg_trgm need for Cyrillic names.
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
        || { pg_log "initdb failed for $data"; return 1; }
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$data'"
        echo "max_connections = 1000"
        echo "logging_collector = off"
        if [ "$profile" = test ]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } >> "$data/postgresql.conf"
}

pg_start() {
    local data=$1 bin
    bin=$(pg_bindir) || return 1
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null \
        || { pg_log "PostgreSQL did not start; see $data/server.log"; tail -n 20 "$data/server.log" >&2; return 1; }
}

pg_stop() {
    local data=$1 bin
    bin=$(pg_bindir) || return 1
    if [ -f "$data/postmaster.pid" ]; then
        runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null || true
    fi
}

pg_is_running() {
    local data=$1 bin
    bin=$(pg_bindir) || return 1
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

pg_port_of() {
    sed -n "s/^port = \([0-9]*\)$/\1/p" "$1/postgresql.conf" | tail -n 1
}

# pg_psql PORT DATABASE SQL [psql options…]
pg_psql() {
    local bin
    bin=$(pg_bindir) || return 1
    "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d "$2" "${@:4}" -c "$3"
}

# Shared by infra/backup.sh and infra/restore.sh: set `script_name` before sourcing.

fail() { echo "$script_name: $*" >&2; exit 1; }

# The PostgreSQL client tool $1: from PATH, else the newest installed server version's.
tool() {
    if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1)
    [ -n "$found" ] || fail "$1 is not installed (apt-get install postgresql-client)"
    echo "$found"
}

# Moves DATABASE_URL into libpq's PG* variables, so no password stands in a process's arguments
# (where `ps` shows it to every local user). The tools then connect with no URL at all.
use_database_url() {
    local url=${DATABASE_URL#postgres://}
    url=${url#postgresql://}
    [ "$url" != "$DATABASE_URL" ] || fail "DATABASE_URL must start with postgres://"
    local query="" credentials="" address
    case "$url" in *\?*) query=${url#*\?}; url=${url%%\?*} ;; esac
    case "$url" in *@*) credentials=${url%%@*}; url=${url#*@} ;; esac
    address=${url%%/*}
    export PGDATABASE=$(percent_decode "${url#*/}")
    export PGHOST=${address%%:*}
    case "$address" in *:*) export PGPORT=${address##*:} ;; esac
    if [ -n "$credentials" ]; then
        export PGUSER=$(percent_decode "${credentials%%:*}")
        case "$credentials" in *:*) export PGPASSWORD=$(percent_decode "${credentials#*:}") ;; esac
    fi
    local pair
    for pair in ${query//&/ }; do
        case "$pair" in sslmode=*) export PGSSLMODE=${pair#sslmode=} ;; esac
    done
}

percent_decode() { printf '%b' "${1//%/\\x}"; }

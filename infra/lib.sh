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

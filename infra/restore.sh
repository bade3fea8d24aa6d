#!/usr/bin/env bash
# Restores a backup made by infra/backup.sh into the database at DATABASE_URL, which must be
# empty unless --force is given (then its tables are replaced). Afterwards it applies any newer
# migrations and proves the ledger: `crema migrate` and `crema check-ledger`.
#
# Usage: infra/restore.sh BACKUP.dump [--force]
# Environment: DATABASE_URL (required), CREMA_BIN (default: crema beside this folder, then PATH).
set -euo pipefail

script_name=restore
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

dump=${1:-}
force=${2:-}
[ -n "$dump" ] || fail "usage: infra/restore.sh BACKUP.dump [--force]"
[ -z "$force" ] || [ "$force" = "--force" ] || fail "unknown option $force (only --force)"
[ -r "$dump" ] || fail "cannot read $dump"
[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set"
use_database_url
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
crema=${CREMA_BIN:-}
if [ -z "$crema" ]; then
    if [ -x "$here/../crema" ]; then crema="$here/../crema"; else crema=$(command -v crema || true); fi
fi
[ -n "$crema" ] && [ -x "$crema" ] || fail "crema is not found; set CREMA_BIN"
pg_restore=$(tool pg_restore)
psql=$(tool psql)

"$pg_restore" --list "$dump" >/dev/null || fail "$dump is not a pg_dump custom-format backup"
tables=$("$psql" -X -q -t -A -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") \
    || fail "cannot connect to the database at DATABASE_URL"
options=(--no-owner --exit-on-error)
if [ "$tables" -gt 0 ]; then
    [ "$force" = "--force" ] || fail "the database is not empty ($tables tables); restore into an empty one, or pass --force to replace them"
    options+=(--clean --if-exists)
fi
"$pg_restore" "${options[@]}" --dbname="$PGDATABASE" "$dump" || fail "pg_restore failed; the database may be partly restored — restore again into an empty database"
echo "restore: restored $dump"
"$crema" migrate || fail "crema migrate failed after the restore"
"$crema" check-ledger || fail "the restored ledger does not check out (see above)"
echo "restore: done; migrations current and the ledger is clean"

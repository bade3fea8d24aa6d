#!/usr/bin/env bash
# Backs the database up with pg_dump (custom format, compressed) into BACKUP_DIR as
# crema-YYYYMMDDTHHMMSSZ.dump, checks the file reads back, then deletes backups older than the
# retention (BACKUP_RETENTION_DAYS, else the `backup_retention_days` setting, else 30 days).
# `backup.sh NAME` makes a named backup, crema-NAME-YYYYMMDDTHHMMSSZ.dump (letters, digits, - and
# _), which the retention leaves alone: it is kept until someone deletes it.
#
# Environment: DATABASE_URL (required), BACKUP_DIR (default /var/backups/crema),
#              BACKUP_RETENTION_DAYS (optional).
set -euo pipefail
# Dumps hold every guest's data and the admins' password hashes: readable by this user alone.
umask 077

script_name=backup
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set"
use_database_url
dir=${BACKUP_DIR:-/var/backups/crema}
mkdir -p "$dir" || fail "cannot create $dir"
[ -w "$dir" ] || fail "$dir is not writable"
pg_dump=$(tool pg_dump)
pg_restore=$(tool pg_restore)
psql=$(tool psql)

days=${BACKUP_RETENTION_DAYS:-}
if [ -z "$days" ]; then
    days=$("$psql" -X -q -t -A -c "SELECT value #>> '{}' FROM settings WHERE key = 'backup_retention_days'" 2>/dev/null || true)
fi
days=${days:-30}
[[ "$days" =~ ^[0-9]+$ ]] && [ "$days" -ge 1 ] || fail "the retention must be a whole number of days (got \"$days\")"

label=${1:-}
if [ -n "$label" ]; then
    [[ "$label" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ ]] || fail "a backup name is letters, digits, - and _ (got \"$label\")"
    name="crema-$label-$(date -u +%Y%m%dT%H%M%SZ).dump"
else
    name="crema-$(date -u +%Y%m%dT%H%M%SZ).dump"
fi
partial="$dir/.$name.partial"
trap 'rm -f "$partial"' EXIT
"$pg_dump" --format=custom --compress=6 --no-owner --file="$partial" \
    || fail "pg_dump failed (is the database reachable at DATABASE_URL?)"
"$pg_restore" --list "$partial" >/dev/null || fail "the new dump does not read back; kept nothing"
mv "$partial" "$dir/$name"
echo "backup: wrote $dir/$name ($(du -h "$dir/$name" | cut -f1))"

removed=0
while IFS= read -r -d '' old; do
    rm -f "$old" && removed=$((removed + 1))
done < <(find "$dir" -maxdepth 1 -type f -regextype posix-extended -regex '.*/crema-[0-9]{8}T[0-9]{6}Z\.dump' \
    -mmin +$((days * 1440)) -print0)
echo "backup: kept $days days; removed $removed older backup(s)"

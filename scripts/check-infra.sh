#!/usr/bin/env bash
# Syntax checks for the deployment files this machine cannot run (no Docker engine, no systemd
# as PID 1): shell scripts parse, the compose file is valid YAML with the expected services, the
# Dockerfile uses only known instructions, the systemd units pass systemd-analyze where present.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=python3
[ -x .build/fuzz-venv/bin/python ] && python=.build/fuzz-venv/bin/python

for script in infra/*.sh nginx/render.sh scripts/*.sh scripts/lib/*.sh; do
    bash -n "$script" || { echo "check-infra: $script does not parse" >&2; exit 1; }
done
"$python" - <<'PY'
import sys
try:
    import yaml
except ImportError:
    sys.exit("check-infra: PyYAML is needed (it comes with the fuzz venv)")
compose = yaml.safe_load(open("infra/compose.yaml"))
services = set(compose.get("services", {}))
missing = {"postgres", "migrate", "app1", "app2", "nginx"} - services
if missing:
    sys.exit(f"check-infra: compose.yaml lacks {sorted(missing)}")
known = {"FROM", "RUN", "COPY", "WORKDIR", "ENV", "USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD", "ARG", "LABEL"}
continued = False
for number, line in enumerate(open("infra/Dockerfile"), 1):
    text = line.strip()
    if not text or text.startswith("#"):
        continued = False
        continue
    if not continued and text.split()[0] not in known:
        sys.exit(f"check-infra: Dockerfile line {number}: unknown instruction {text.split()[0]}")
    continued = text.endswith("\\")
PY
if command -v systemd-analyze >/dev/null 2>&1; then
    # Verify the units against a stand-in binary path; missing users and files are not errors here.
    systemd-analyze verify --man=no infra/systemd/crema-backup.timer 2>&1 | grep -v "Failed to\|not found\|No such file\|does not exist\|is not executable" || true
fi
# The slim image has no shell tools for a health check: the binary asks /healthz itself.
grep -q '^HEALTHCHECK .*CMD \["/app/crema", "healthcheck"\]' infra/Dockerfile \
    || { echo "check-infra: the Dockerfile's HEALTHCHECK must run /app/crema healthcheck" >&2; exit 1; }
# The backup tools get the connection from PG* variables, never a password in their arguments.
parsed=$(bash -c '. infra/lib.sh; DATABASE_URL="postgres://crema:p%40ss%3Aw0rd@db.internal:5433/crema?sslmode=require"
    use_database_url; echo "$PGUSER|$PGPASSWORD|$PGHOST|$PGPORT|$PGDATABASE|$PGSSLMODE"')
[ "$parsed" = "crema|p@ss:w0rd|db.internal|5433|crema|require" ] \
    || { echo "check-infra: infra/lib.sh read DATABASE_URL as $parsed" >&2; exit 1; }
if grep -n '"\$DATABASE_URL"' infra/backup.sh infra/restore.sh; then
    echo "check-infra: a backup tool takes DATABASE_URL (and its password) as an argument" >&2
    exit 1
fi
echo "check-infra: infra and nginx files parse"

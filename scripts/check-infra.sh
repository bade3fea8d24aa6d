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
echo "check-infra: infra and nginx files parse"

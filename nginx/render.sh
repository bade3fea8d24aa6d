#!/usr/bin/env bash
# Renders nginx/crema.conf with the ${CREMA_*} values from the environment (defaults below are
# the production shape: 443/80, two local instances on 8081 and 8082).
# Usage: nginx/render.sh > /etc/nginx/conf.d/crema.conf
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CREMA_SERVER_NAME=${CREMA_SERVER_NAME:-crema.example.com}
export CREMA_HTTP_LISTEN=${CREMA_HTTP_LISTEN:-80}
export CREMA_HTTPS_LISTEN=${CREMA_HTTPS_LISTEN:-443}
export CREMA_HTTPS_PORT_SUFFIX=${CREMA_HTTPS_PORT_SUFFIX:-}
export CREMA_UPSTREAM_1=${CREMA_UPSTREAM_1:-127.0.0.1:8081}
export CREMA_UPSTREAM_2=${CREMA_UPSTREAM_2:-127.0.0.1:8082}
export CREMA_TLS_CERTIFICATE=${CREMA_TLS_CERTIFICATE:-/etc/ssl/crema/fullchain.pem}
export CREMA_TLS_KEY=${CREMA_TLS_KEY:-/etc/ssl/crema/privkey.pem}
export CREMA_ACCESS_LOG=${CREMA_ACCESS_LOG:-/var/log/nginx/crema.access.log}
# The address (or CIDR) allowed to read /metrics and /readyz through nginx.
export CREMA_MONITORING_ADDRESS=${CREMA_MONITORING_ADDRESS:-127.0.0.1}
# Only ${CREMA_*} are replaced; nginx's own $variables stay as they are.
python3 - "$here/crema.conf" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
def value(match):
    name = match.group(1)
    if name not in os.environ:
        sys.exit(f"render.sh: {name} is not set")
    return os.environ[name]
sys.stdout.write(re.sub(r"\$\{(CREMA_[A-Z0-9_]+)\}", value, text))
PY

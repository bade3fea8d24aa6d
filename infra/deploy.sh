#!/usr/bin/env bash
# Deploys a new build to a plain Debian host running crema@PORT systemd instances:
# build the release binary, install it, migrate once, then restart the instances one at a time,
# waiting for each to report ready before touching the next, so nginx always has one to send to.
#
# Usage: infra/deploy.sh [PORT…]   (default: 8081 8082; run as root from the repository)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ports=("${@:-8081}")
[ "$#" -gt 0 ] || ports=(8081 8082)
install_dir=/opt/crema
env_file=/etc/crema/crema.env

fail() { echo "deploy: $*" >&2; exit 1; }
[ -r "$env_file" ] || fail "$env_file is missing; copy .env.example there and fill it in"

echo "deploy: building the release binary"
(cd "$root" && swift build -c release --product crema) || fail "the release build failed; nothing was changed"
bin=$(cd "$root" && swift build -c release --show-bin-path)

echo "deploy: installing into $install_dir"
staging=$(mktemp -d)
cp "$bin/crema" "$staging/"
cp -R "$bin"/*.resources "$staging/"
cp -R "$root/infra" "$staging/"
mkdir -p "$install_dir"
rsync -a --delete "$staging/" "$install_dir/" 2>/dev/null || cp -R "$staging/." "$install_dir/"
rm -rf "$staging"

echo "deploy: applying migrations once"
set -a; . "$env_file"; set +a
"$install_dir/crema" migrate || fail "migrations failed; the running instances still serve the old build"

for port in "${ports[@]}"; do
    echo "deploy: restarting crema@$port"
    systemctl restart "crema@$port"
    ready=
    for _ in $(seq 1 60); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz"; then ready=1; break; fi
        sleep 1
    done
    [ -n "$ready" ] || fail "crema@$port is not ready after 60 s; the other instances keep serving (journalctl -u crema@$port)"
done
echo "deploy: done; all instances ready"

#!/usr/bin/env bash
# A quick loop over the engine's confirm command (no HTTP): sales/s and latency.
# Usage: bench/confirm-loop.sh [sales] [concurrency] [debug|release]   (default 2000 16 release)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
configuration=${3:-release}
bench_database
export APP_ENV=test LOG_LEVEL=warning
swift build -c "$configuration" --product crema >&2
swift build -c "$configuration" --product confirm-loop >&2
bin=$(swift build -c "$configuration" --show-bin-path)
"$bin/crema" migrate >/dev/null
"$bin/confirm-loop" "${1:-2000}" "${2:-16}"
echo "build: $configuration"
bench_footer

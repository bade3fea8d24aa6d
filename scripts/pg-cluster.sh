#!/usr/bin/env bash
# pg-cluster.sh init DIR PORT [test] | start DIR | stop DIR | status DIR | free-port
# Command-line face of scripts/lib/postgres.sh, used by tests that need a cluster of their own.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Close every descriptor inherited beyond stdin/stdout/stderr: the postmaster started below would
# keep them open for its whole life, and a caller waiting on one of them would wait forever.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
done
. "$here/lib/postgres.sh"

case "${1:-}" in
    init) pg_init "$2" "$3" "${4:-dev}" ;;
    start) pg_start "$2" ;;
    stop) pg_stop "$2" ;;
    status) pg_is_running "$2" ;;
    free-port) pg_free_port ;;
    bindir) pg_bindir ;;
    *) echo "usage: $0 init DIR PORT [test] | start DIR | stop DIR | status DIR | free-port | bindir" >&2; exit 2 ;;
esac

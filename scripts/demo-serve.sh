#!/bin/sh
# `make demo`'s server: Django's development server on 127.0.0.1:PORT, and beside it the
# task worker (`nashr db_worker`) that sends queued bulletins and publishes what was
# scheduled. Ctrl-C (or SIGTERM to this script) stops both, as does the server's own exit.
# Usage: scripts/demo-serve.sh NASHR PORT
set -u
nashr=$1
port=$2

# A background job of a non-interactive shell ignores Ctrl-C: the trap stops the worker.
"$nashr" db_worker --interval 1 &
worker=$!
stop() {
    trap - INT TERM EXIT
    kill "$worker" 2>/dev/null
    wait "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT
"$nashr" runserver "127.0.0.1:$port"

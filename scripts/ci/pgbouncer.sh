#!/usr/bin/env bash
# CI (issue 15): the tests that share PostgreSQL between processes and threads (delivery,
# search, bulletin numbers), again through Debian's PgBouncer in transaction mode, in
# front of the PostgreSQL server .ci/run started on 127.0.0.1:$PGPORT. Nothing may rely on
# session state there (advisory locks, server-side cursors, SET outside a transaction).
set -euo pipefail
cd "$(dirname "$0")/../.."
PGPORT=${PGPORT:?the port of the PostgreSQL server to stand in front of}
BOUNCER_PORT=${NASHR_CI_PGBOUNCER_PORT:-$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
TESTS=${PGBOUNCER_TESTS:-nashr/delivery nashr/search nashr/bulletins/tests/test_concurrency.py}
DB=nashr_pgbouncer

dir=$(mktemp -d /tmp/nashr-pgbouncer.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then  # PgBouncer refuses to run as root
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PGPORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 40
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
echo '"nashr" ""' > "$dir/users.txt"
chmod a+r "$dir"/*
"${as_pg[@]}" pgbouncer -d "$dir/pgbouncer.ini"
direct="postgres://nashr@127.0.0.1:$PGPORT/postgres"
stop_bouncer() {
  kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  sleep 0.5
  .venv/bin/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True).execute('DROP DATABASE IF EXISTS test_$DB WITH (FORCE)')" "$direct" || true
  rm -rf "$dir"
}
trap stop_bouncer EXIT
# The test database is made directly (pytest-django would drop it at the end, which PgBouncer's
# pooled connections to it prevent) and kept with --reuse-db; migrations still run.
.venv/bin/python -c "import psycopg, sys; c = psycopg.connect(sys.argv[1], autocommit=True); c.execute('DROP DATABASE IF EXISTS test_$DB WITH (FORCE)'); c.execute('CREATE DATABASE test_$DB')" "$direct"

echo "== delivery, search and bulletin numbers through PgBouncer (transaction mode, 127.0.0.1:$BOUNCER_PORT)"
# shellcheck disable=SC2086
DATABASE_URL="postgres://nashr@127.0.0.1:$BOUNCER_PORT/$DB" DATABASE_TRANSACTION_POOLING=1 \
  .venv/bin/pytest -p no:cacheprovider --reuse-db -q $TESTS

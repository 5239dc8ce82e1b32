"""`nashr serve [--host H] [--port P] [--workers N] [--threads T]`: the production web server.

Granian (its WSGI interface) with N worker processes, each loading the site with the
settings in force (DJANGO_SETTINGS_MODULE; production in deployment), and T threads
in each (default 4). Every thread holds its own database connection while it answers,
so N × T bounds the site's connections to PostgreSQL: granian's own default (half its
backpressure, 128 threads a worker) let 200 readers at once exhaust PostgreSQL's 100
connections ("too many clients", answered 500) in bench/soak.py. More threads than a
few do not serve more readers: the interpreter runs one at a time; requests beyond the
threads wait in granian's queue. Measured against
gunicorn's synchronous workers with wrk, same machine, same worker count (bench/serve.py;
figures in the README's Production section): granian answered two to five times as many
requests per second, for the hello view, cached pages and static files alike.
`--server gunicorn` runs the other, for the benchmark or if granian misbehaves.
SIGHUP restarts the workers with new code (systemctl reload), SIGTERM stops gracefully.

Static files are served by the application itself (WhiteNoise, see core.pagecache),
so the server in front (nginx, Caddy) needs no access to the files.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

WSGI_TARGET = "config.wsgi:application"
SERVERS = ("granian", "gunicorn")
DEFAULT_THREADS = 4


def default_workers() -> int:
    """One worker process per processor, as granian advises (it warns when there are more:
    processes beyond the processors compete for them and serve fewer requests); waiting on
    the database is the threads' work."""
    return os.cpu_count() or 1


def _gunicorn(*, host: str, port: int, workers: int, threads: int) -> None:
    """gunicorn's synchronous workers, as measured against granian: one request at a time
    in each (`threads` is granian's)."""
    del threads
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]  # no hints

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        # A worker that answers nothing for this long is killed and replaced.
        "timeout": 60,
        "graceful_timeout": 20,
        # Logs go to the journal; access logs would hold readers' addresses.
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "nashr",
        # No control socket: systemd manages the process (and $HOME may be read-only).
        "control_socket_disable": True,
    }

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            from django.core.wsgi import get_wsgi_application

            return get_wsgi_application()

    Server().run()


def _granian(*, host: str, port: int, workers: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        WSGI_TARGET,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        # Readers' addresses are not logged.
        log_access=False,
        # A worker that dies (out of memory, a crash in a library) is replaced.
        respawn_failed_workers=True,
    ).serve()


class Command(BaseCommand):
    help = "Serve the site in production: worker processes, static files, cached pages."
    # The checks ran at deployment (`nashr check --deploy`); each worker loads the site.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            metavar="N",
            help="worker processes (default: one per processor, %(default)s here)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=DEFAULT_THREADS,
            metavar="T",
            help="threads in each worker, each with its own database connection "
            "(default: %(default)s)",
        )
        parser.add_argument("--server", choices=SERVERS, default="granian", help="for benchmarks")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers: give at least 1 worker process")
        if options["threads"] < 1:
            raise CommandError("--threads: give at least 1 thread per worker")
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port: {options['port']} is not a port number (1-65535)")
        if settings.DEBUG:
            self.stderr.write(
                "DEBUG is on (DJANGO_SETTINGS_MODULE="
                f"{os.environ.get('DJANGO_SETTINGS_MODULE', '')}): this is not the "
                "production configuration; set DJANGO_SETTINGS_MODULE="
                "config.settings.production (see docs/deploy.md)."
            )
        serve = _gunicorn if options["server"] == "gunicorn" else _granian
        serve(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
        )

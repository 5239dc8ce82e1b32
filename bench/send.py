"""Benchmark: Nashr's sender against a minimal sender, into the same local SMTP sink.

    .venv/bin/python bench/send.py [--workers 2] [--database-url URL]

Prints JSON: messages per second of `nashr send_bulletin` (the engine behind `nashr bulletin
send`) delivering one issue to 100,000 subscribers, end to end (process start, queueing,
rendering, one committed state change per message); the same number of copies of one
prebuilt message pushed by a minimal smtplib sender over the same number of connections;
their ratio; and the sender's peak RSS at 10,000 and 100,000 subscribers. Each run gets a
fresh sink process (bench/smtp_sink.py), the same for both senders. The database is a
temporary SQLite file unless --database-url names another one (it is migrated and filled).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NASHR = str(Path(sys.executable).with_name("nashr"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, str(ROOT / "bench" / "smtp_sink.py"), str(self.port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> int:
        self.process.terminate()
        out, _err = self.process.communicate(timeout=30)
        return int(out.strip().splitlines()[-1])


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall time, peak RSS (KiB) and output of a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed:\n{out}\n{err}")
    return elapsed, int(usage.ru_maxrss), out


def minimal_sender(port: int, message_file: str, count: int, connections: int) -> None:
    """The baseline: smtplib pushing one prebuilt message `count` times, nothing else."""
    data = Path(message_file).read_bytes()
    share = [
        count // connections + (1 if i < count % connections else 0) for i in range(connections)
    ]

    def push(n: int) -> None:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for i in range(n):
                smtp.sendmail("bulletin@nashr.example", [f"reader{i}@example.org"], data)

    threads = [threading.Thread(target=push, args=(n,)) for n in share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def prepare(sizes: list[int], env: dict[str, str]) -> tuple[dict[int, tuple[str, int]], str]:
    """Migrate, create one issue per size with that many confirmed subscribers."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from nashr.bulletins.models import Bulletin, BulletinStatus, Series
    from nashr.delivery.message import IssueMessage, Recipient
    from nashr.subscribers.models import Subscriber, Subscription

    call_command("migrate", verbosity=0)
    now = timezone.now()
    largest = max(sizes)
    existing = Subscriber.objects.count()
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{i}@example.org",
                language="en",
                status="confirmed",
                consented_at=now,
                confirmed_at=now,
            )
            for i in range(existing, largest)
        ),
        batch_size=5000,
    )
    ids = list(Subscriber.objects.order_by("id").values_list("id", flat=True)[:largest])
    paragraph = (
        "The regime's courts handed down new sentences against striking workers and "
        "teachers this month; families of political prisoners gathered in front of Evin. "
    ) * 6
    issues: dict[int, tuple[str, int]] = {}
    for size in sizes:
        slug = f"bench-{size}-{int(time.time())}"
        series = Series.objects.create(slug=slug, title="Iran Bulletin", language="en")
        Subscription.objects.bulk_create(
            (
                Subscription(
                    subscriber_id=pk,
                    series=series,
                    status="confirmed",
                    consented_at=now,
                    confirmed_at=now,
                )
                for pk in ids[:size]
            ),
            batch_size=5000,
        )
        bulletin = Bulletin.objects.create(
            series=series,
            number=47,
            period_year=2023,
            period_month=11,
            editorial_title="“Woman, Life, Freedom”",
            editorial_body="\n\n".join([paragraph] * 12),
            status=BulletinStatus.PUBLISHED,
            published_at=now,
            document={},
        )
        issues[size] = (slug, bulletin.pk)
    bulletin = Bulletin.objects.get(pk=issues[largest][1])
    sample = IssueMessage(bulletin=bulletin).as_wire(
        Recipient(
            delivery_id=0,
            subscriber_id=ids[0],
            email="reader0@example.org",
            message_id="<bench@nashr.example>",
        )
    )
    message_file = str(Path(env["NASHR_VAR_DIR"]) / "message.eml")
    Path(message_file).write_bytes(sample)
    return issues, message_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--baseline", nargs=3, metavar=("PORT", "FILE", "COUNT"))
    args = parser.parse_args()
    if args.baseline:
        port, message_file, count = args.baseline
        minimal_sender(int(port), message_file, int(count), args.workers)
        return

    sizes = sorted(int(size) for size in args.sizes.split(","))
    largest = sizes[-1]
    tmp = tempfile.mkdtemp(prefix="nashr-bench-")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 50,
        DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
        NASHR_VAR_DIR=tmp,
        NASHR_SITE_URL="https://nashr.example",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        DEFAULT_FROM_EMAIL="bulletin@nashr.example",
        LOG_LEVEL="ERROR",
    )
    sys.path.insert(0, str(ROOT))
    issues, message_file = prepare(sizes, env)
    message_size = Path(message_file).stat().st_size

    results: dict[str, Any] = {}

    sink = Sink()
    seconds, _rss, _out = run_measured(
        [
            PYTHON,
            __file__,
            "--workers",
            str(args.workers),
            "--baseline",
            str(sink.port),
            message_file,
            str(largest),
        ],
        env,
    )
    received = sink.stop()
    assert received == largest, (received, largest)
    results["baseline"] = {
        "messages": largest,
        "seconds": round(seconds, 2),
        "messages_per_s": round(largest / seconds, 1),
    }

    for size in sorted(sizes, reverse=True):
        sink = Sink()
        slug, _pk = issues[size]
        seconds, rss, out = run_measured(
            [NASHR, "send_bulletin", "47", "--series", slug, "--workers", str(args.workers)],
            {**env, "EMAIL_PORT": str(sink.port)},
        )
        received = sink.stop()
        assert received == size, (received, size, out)
        results[f"nashr_{size}"] = {
            "messages": size,
            "seconds": round(seconds, 2),
            "messages_per_s": round(size / seconds, 1),
            "peak_rss_mib": round(rss / 1024, 1),
        }

    nashr = results[f"nashr_{largest}"]
    report = {
        "subscribers": largest,
        "connections": args.workers,
        "message_bytes": message_size,
        "database": env["DATABASE_URL"].split(":", 1)[0],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "nashr_messages_per_s": nashr["messages_per_s"],
        "nashr_messages_per_hour": round(nashr["messages_per_s"] * 3600),
        "minimal_sender_messages_per_s": results["baseline"]["messages_per_s"],
        "ratio": round(nashr["messages_per_s"] / results["baseline"]["messages_per_s"], 3),
        "peak_rss_mib": {str(size): results[f"nashr_{size}"]["peak_rss_mib"] for size in sizes},
        "peak_rss_ratio": round(
            results[f"nashr_{largest}"]["peak_rss_mib"]
            / results[f"nashr_{sizes[0]}"]["peak_rss_mib"],
            3,
        ),
        "runs": results,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

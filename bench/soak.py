"""Soak: readers, a bulletin send and an editor at once, against `nashr serve` on PostgreSQL.

    .venv/bin/python bench/soak.py [--readers 200] [--duration 60] [--subscribers 20000]
        [--publications 2000] [--publish-every 3] [--workers 4] [--database-url URL]
        [--no-pgbouncer]

A site with the production settings (page cache in files, WhiteNoise, granian) on a
PostgreSQL database: a throwaway PostgreSQL 15 with the server's defaults (fsync and
synchronous_commit on) unless --database-url names one (a database that the run may fill;
it must be empty). Every process of the site (the web workers, the sender, the editor)
reaches it through PgBouncer in transaction mode (Debian's, started here on loopback), as
a site that needs more connections than the server allows runs it; --no-pgbouncer
connects them directly. It holds the demo content, `--publications` generated
publications (half Persian, half English, words that the searches look for) and
`--subscribers` confirmed readers of one series, whose issue is published before the run.

Then, for `--duration` seconds, all at once:
* two wrk runs on loopback, `--readers` connections between them (three fifths, two
  fifths), each request a page drawn from its mix: one asks for pages the page cache
  keeps (publication pages two thirds; home pages, kind lists, archives and feeds one
  third), the other searches (Persian and English words, two-word queries, a language
  filter), which are never cached; each reports its own latencies;
* `nashr bulletin send` delivering the issue to every subscriber into a local SMTP sink
  (bench/smtp_sink.py) that records each recipient;
* an editor publishing a new publication every `--publish-every` seconds through the
  services (each one empties the page cache: the next readers render pages afresh), and
  checking over HTTP that it is on the home page;
* a count of the database's connections twice a second (`nashr serve` bounds them:
  workers × threads).

The send continues after the readers stop until it ends. Prints one JSON object:
requests/s, latency p50/p99 of cached pages and of searches, every 5xx answer, other
errors, the send's messages per second, how many subscribers received the issue once,
twice or never (the kill -9 bound allows no duplicates here: nothing is killed), and the
editor's publications with the seconds each took to appear. Exit status 1 if a 5xx answer
was seen or a subscriber did not receive the issue exactly once. Bounded: everything stops
by itself.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nashr.testing.postgres_server import PostgresServer  # noqa: E402
from nashr.testing.serve_server import Served, SiteFolder, free_port  # noqa: E402

PERSIAN_WORDS = [
    "آزادی",
    "زندانیان",
    "سیاسی",
    "حقوق",
    "بشر",
    "کارگران",
    "اعتراض",
    "زنان",
    "دانشجویان",
    "معلمان",
    "اعدام",
    "بازداشت",
    "دادگاه",
    "اعتصاب",
    "نفت",
    "تهران",
    "اصفهان",
    "مشهد",
    "تبریز",
    "خانواده\u200cها",
    "همبستگی",
]
ENGLISH_WORDS = [
    "freedom",
    "political",
    "prisoners",
    "human",
    "rights",
    "workers",
    "protest",
    "women",
    "students",
    "teachers",
    "execution",
    "arrest",
    "court",
    "strike",
    "oil",
    "tehran",
    "isfahan",
    "mashhad",
    "tabriz",
    "families",
    "solidarity",
]

# The wrk script: a random path of the mix per request, and every status >= 500 counted
# (wrk's own "errors.status" lumps 4xx and 5xx together).
WRK_LUA = """
local paths = {PATHS}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  fivexx = 0
  fourxx = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
function response(status, headers, body)
  if status >= 500 then fivexx = fivexx + 1 elseif status >= 400 then fourxx = fourxx + 1 end
end
function done(summary, latency, requests)
  local five, four = 0, 0
  for _, thread in ipairs(threads) do
    five = five + thread:get("fivexx")
    four = four + thread:get("fourxx")
  end
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p90_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "status_5xx": %d, "status_4xx": %d, ' ..
    '"socket_errors": %d, "timeouts": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3, five, four,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end
"""

# Run in the site's editor process (its settings, its database).
PREPARE = """
import datetime as dt, random
from django.utils import timezone
from nashr.core.actors import COMMAND
from nashr.bulletins.services import bulletin_draft, bulletin_publish, series_create_or_update
from nashr.publications.models import Kind, Status
from nashr.publications.services import publication_create
from nashr.subscribers.models import Subscriber, Subscription

now = timezone.now()
# The issue first: it holds this month's demo content, not the generated archive.
series, _created = series_create_or_update(
    actor=COMMAND, slug="soak", title="Soak Bulletin", language="en", label="SOAK:",
    first_number=1,
)
draft = bulletin_draft(actor=COMMAND, series=series, year=now.year, month=now.month,
                       editorial_title="Soak", editorial_body="The month in brief.")
number = bulletin_publish(actor=COMMAND, bulletin=draft).number
Subscriber.objects.bulk_create(
    (Subscriber(email=f"reader{{i}}@example.org", language="en", status="confirmed",
                consented_at=now, confirmed_at=now) for i in range({subscribers})),
    batch_size=5000,
)
Subscription.objects.bulk_create(
    (Subscription(subscriber_id=pk, series=series, status="confirmed", consented_at=now,
                  confirmed_at=now)
     for pk in Subscriber.objects.filter(email__startswith="reader").values_list("pk", flat=True)),
    batch_size=5000,
)
rng = random.Random(7)
kinds = list(Kind.objects.all())
for index in range({publications}):
    persian = index % 2 == 0
    words = {persian_words!r} if persian else {english_words!r}
    title = " ".join(rng.sample(words, 4))
    body = "\\n\\n".join(" ".join(rng.choices(words, k=60)) + "." for _ in range(5))
    publication_create(
        actor=COMMAND, kind=kinds[index % len(kinds)], language="fa" if persian else "en",
        title=title, body=body, date=dt.date(2015, 1, 1) + dt.timedelta(days=index % 3650),
        status=Status.PUBLISHED,
    )
result = number
"""

PUBLISH = """
import datetime as dt
from nashr.core.actors import COMMAND
from nashr.publications.models import Kind, Status
from nashr.publications.services import publication_create
publication = publication_create(
    actor=COMMAND, kind=Kind.objects.order_by("pk").first(), language="en",
    title={title!r}, body="Published during the soak run.", date=dt.date.today(),
    status=Status.PUBLISHED,
)
result = publication.get_absolute_url()
"""

COUNTS = """
from django.db.models import Count
from nashr.delivery.models import Delivery
result = {
    "by_state": dict(Delivery.objects.values_list("state").annotate(n=Count("pk"))),
    "flagged_possibly_duplicated": Delivery.objects.filter(possibly_duplicated=True).count(),
}
"""


def page_mix(served: Served, rng: random.Random) -> tuple[list[str], list[str]]:
    """Paths of the two mixes: pages (two thirds publications, one third lists) and
    searches."""
    lists = ["/fa/", "/en/", "/fa/archive/", "/en/archive/", "/fa/feed/", "/en/feed/"]
    publications: set[str] = set()
    for home in ("/fa/", "/en/", "/fa/archive/", "/en/archive/"):
        status, _headers, body = served.get(home)
        if status != 200:
            continue
        text = body.decode()
        publications.update(re.findall(r'href="(/(?:fa|en)/p/\d+/[^"#?]*)"', text))
        lists.extend(
            link
            for link in re.findall(r'href="(/(?:fa|en)/[a-z-]+/)"', text)
            if "/search/" not in link and "/subscribe" not in link
        )
    lists = [path for path in dict.fromkeys(lists) if served.get(path)[0] == 200]
    searches = []
    for index in range(200):
        language = "fa" if index % 2 == 0 else "en"
        words = PERSIAN_WORDS if language == "fa" else ENGLISH_WORDS
        query = " ".join(rng.sample(words, 1 + index % 2))
        extra = f"&language={language}" if index % 5 == 0 else ""
        searches.append(f"/{language}/search/?q={_quote(query)}{extra}")
    publication_paths = sorted(publications)
    assert publication_paths, "no publication linked from the home pages"
    pages = rng.choices(publication_paths, k=400) + rng.choices(lists, k=200)
    return pages, rng.choices(searches, k=400)


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)


def run_wrk(url: str, paths: list[str], *, readers: int, duration: int, folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "soak.lua"
    lua_paths = "{" + ",".join(json.dumps(path) for path in paths) + "}"
    script.write_text(WRK_LUA.replace("{PATHS}", lua_paths))
    command = ["wrk", "-t", "2", "-c", str(readers), "-d", f"{duration}s", "--timeout", "10s"]
    command += ["--latency", "-s", str(script), url]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    result: dict[str, Any] = json.loads(line[5:])
    result["requests_per_s"] = round(result["requests"] / result["seconds"], 1)
    return result


class Bouncer:
    """Debian's PgBouncer in transaction mode on loopback, in front of `database_url`'s
    server (as scripts/ci/pgbouncer.sh runs it for the tests)."""

    def __init__(self, database_url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(database_url)
        self.database = parts.path.lstrip("/")
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="nashr-soak-bouncer."))
        self.as_pg: list[str] = []
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            shutil.chown(self.folder, "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        (self.folder / "pgbouncer.ini").write_text(
            f"[databases]\n* = host={parts.hostname} port={parts.port}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            "unix_socket_dir =\nauth_type = trust\n"
            f"auth_file = {self.folder}/users.txt\npool_mode = transaction\n"
            "max_client_conn = 500\ndefault_pool_size = 40\n"
            f"logfile = {self.folder}/pgbouncer.log\npidfile = {self.folder}/pgbouncer.pid\n"
        )
        (self.folder / "users.txt").write_text(f'"{parts.username}" ""\n')
        for path in self.folder.iterdir():
            path.chmod(0o644)
        subprocess.run(
            [*self.as_pg, "pgbouncer", "-d", str(self.folder / "pgbouncer.ini")], check=True
        )
        self.url = database_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{self.port}")

    def stop(self) -> None:
        pid = self.folder / "pgbouncer.pid"
        if pid.exists():
            os.kill(int(pid.read_text()), 15)
            time.sleep(0.5)
        shutil.rmtree(self.folder, ignore_errors=True)


def run_mixes(
    url: str, mixes: dict[str, list[str]], *, readers: int, duration: int, folder: Path
) -> dict[str, Any]:
    """The mixes' wrk runs at once, three fifths of the readers on the first mix; each
    one's figures, and the sums of all."""
    shares = {"pages": readers * 3 // 5}
    shares["searches"] = readers - shares["pages"]
    results: dict[str, Any] = {}

    def run(name: str) -> None:
        results[name] = run_wrk(
            url, mixes[name], readers=shares[name], duration=duration, folder=folder / name
        )

    threads = [threading.Thread(target=run, args=(name,)) for name in mixes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if set(results) != set(mixes):
        raise SystemExit(f"a wrk run failed: only {sorted(results)} reported")
    total = {
        key: sum(result[key] for result in results.values())
        for key in ("requests", "status_5xx", "status_4xx", "socket_errors", "timeouts")
    }
    total["requests_per_s"] = round(sum(r["requests_per_s"] for r in results.values()), 1)
    return {"all": total, **{name: {"readers": shares[name], **r} for name, r in results.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--publications", type=int, default=2_000)
    parser.add_argument("--publish-every", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=4, help="nashr serve's workers")
    parser.add_argument("--send-workers", type=int, default=4, help="SMTP connections")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--send-timeout", type=int, default=900)
    parser.add_argument("--no-pgbouncer", action="store_true", help="connect directly")
    args = parser.parse_args()

    server = None
    if not args.database_url:
        server = PostgresServer().start(durable=True)
        database_url = server.create_database("nashr_soak")
    else:
        database_url = args.database_url
    bouncer = None if args.no_pgbouncer else Bouncer(database_url)
    site_database = {"DATABASE_URL": database_url}
    if bouncer is not None:
        site_database = {"DATABASE_URL": bouncer.url, "DATABASE_TRANSACTION_POOLING": "1"}
    folder = Path(tempfile.mkdtemp(prefix="nashr-soak-"))
    sink_port = free_port()
    recipients_file = folder / "recipients.json"
    site = SiteFolder(
        folder,
        {
            **site_database,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink_port),
            "DEFAULT_FROM_EMAIL": "bulletin@nashr.example",
            "NASHR_SITE_URL": "http://127.0.0.1",
            "LOG_LEVEL": "WARNING",
        },
    )
    report: dict[str, Any] = {
        "database": "postgresql" + ("" if bouncer is None else " through PgBouncer (transaction)"),
        "cpus": os.cpu_count(),
    }
    sink = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "smtp_sink.py"),
            str(sink_port),
            str(recipients_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
        started = time.monotonic()
        site.prepare(admin_static=False)
        site.nashr("demo")
        with site.editor() as editor:
            number = editor.run(
                PREPARE.format(
                    publications=args.publications,
                    subscribers=args.subscribers,
                    persian_words=PERSIAN_WORDS,
                    english_words=ENGLISH_WORDS,
                )
            )
            report["prepare_s"] = round(time.monotonic() - started, 1)
            with site.served(workers=args.workers) as served:
                pages, searches = page_mix(served, random.Random(1))
                report["distinct_paths"] = {
                    "pages": len(set(pages)),
                    "searches": len(set(searches)),
                }
                send_log = (folder / "send.log").open("w")
                send_started = time.monotonic()
                sender = subprocess.Popen(
                    [str(ROOT / ".venv" / "bin" / "nashr"), "bulletin", "send", number,
                     "--series", "soak", "--workers", str(args.send_workers)],
                    env=site.env, cwd=ROOT, stdout=send_log, stderr=subprocess.STDOUT,
                )  # fmt: skip
                published: list[dict[str, Any]] = []
                stop = threading.Event()

                def publish() -> None:
                    count = 0
                    while not stop.wait(args.publish_every):
                        count += 1
                        title = f"Soak statement {count} {time.time():.0f}"
                        moment = time.monotonic()
                        path = editor.run(PUBLISH.format(title=title)).strip("'")
                        # Visible on the English home page (the page cache was emptied).
                        seen = None
                        while time.monotonic() - moment < 30 and not stop.is_set():
                            if path in served.get("/en/")[2].decode():
                                seen = round(time.monotonic() - moment, 2)
                                break
                            time.sleep(0.2)
                        published.append({"path": path, "visible_after_s": seen})

                peak = [0]

                def count_connections() -> None:
                    import psycopg

                    with psycopg.connect(database_url, autocommit=True) as watch:
                        while not stop.wait(0.5):
                            row = watch.execute(
                                "SELECT count(*) FROM pg_stat_activity "
                                "WHERE datname = current_database()"
                            ).fetchone()
                            peak[0] = max(peak[0], int(row[0]) if row else 0)

                editor_thread = threading.Thread(target=publish)
                editor_thread.start()
                watcher = threading.Thread(target=count_connections, daemon=True)
                watcher.start()
                try:
                    report["readers"] = run_mixes(
                        served.url,
                        {"pages": pages, "searches": searches},
                        readers=args.readers,
                        duration=args.duration,
                        folder=folder,
                    )
                finally:
                    stop.set()
                    editor_thread.join(timeout=60)
                report["postgresql_connections_peak"] = peak[0]
                report["load_average_after_readers"] = [round(x, 2) for x in os.getloadavg()]
                try:
                    sender.wait(timeout=args.send_timeout)
                except subprocess.TimeoutExpired:
                    sender.kill()
                    sender.wait()
                send_log.close()
                send_seconds = time.monotonic() - send_started
                report["editor"] = {
                    "published": len(published),
                    "all_visible": all(p["visible_after_s"] is not None for p in published),
                    "visible_after_s_max": max(
                        (p["visible_after_s"] or 0 for p in published), default=None
                    ),
                }
            deliveries = editor.run(COUNTS)
    finally:
        sink.terminate()
        sink_out, _ = sink.communicate(timeout=60)
        if bouncer is not None:
            bouncer.stop()
        if server is not None:
            server.stop()
    received = json.loads(recipients_file.read_text())
    subscribers = [f"reader{i}@example.org" for i in range(args.subscribers)]
    copies = [received.get(address, 0) for address in subscribers]
    report["send"] = {
        "exit_code": sender.returncode,
        "seconds": round(send_seconds, 1),
        "messages": int(sink_out.strip() or 0),
        "messages_per_s": round(int(sink_out.strip() or 0) / send_seconds, 1),
        "deliveries": ast.literal_eval(deliveries),
        "subscribers": args.subscribers,
        "received_once": copies.count(1),
        "received_twice_or_more": sum(1 for n in copies if n > 1),
        "never_received": copies.count(0),
        "log_tail": (folder / "send.log").read_text()[-400:],
    }
    ok = (
        report["readers"]["all"]["status_5xx"] == 0
        and copies.count(1) == args.subscribers
        and sender.returncode == 0
    )
    report["ok"] = ok
    print(json.dumps(report, indent=2, ensure_ascii=False))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

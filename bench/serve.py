"""Requests per second and latency of `nashr serve`, measured with wrk; prints JSON. Run by hand:

    .venv/bin/python bench/serve.py [--workers 4] [--duration 10] [--connections 32]
        [--server gunicorn,granian] [--cache file,db]

For each server and cache, in one run with the same worker count: a minimal "hello"
Django view (the whole middleware stack, no page cache), a cached publication page, the
cached Persian home page, the same publication uncached (a request carrying a session
cookie, as a staff member's, which the page cache never serves), and the site's
stylesheet (WhiteNoise, brotli). The site is the demo content in a throwaway folder with
the production settings.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nashr.testing.serve_server import SiteFolder

# wrk's summary as one JSON line at the end of its output.
REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    'JSON {"requests": %d, "errors": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f}\\n',
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3))
end
"""


def wrk(url: str, *, args: argparse.Namespace, script: Path, headers: list[str]) -> dict[str, Any]:
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections)]
    command += ["-d", f"{args.duration}s", "--latency", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("JSON "))
    result: dict[str, Any] = json.loads(line[5:])
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    return result


def measure(
    site: SiteFolder, *, server: str, args: argparse.Namespace, script: Path
) -> dict[str, Any]:
    with site.served(workers=args.workers, server=server) as served:
        _status, _headers, home = served.get("/fa/")
        text = home.decode()
        publication = re.search(r'href="(/fa/p/\d+/[^"]+)"', text)
        stylesheet = re.search(r'href="(/static/nashr/site\.[0-9a-f]{12}\.css)"', text)
        assert publication and stylesheet, "the home page links no publication or stylesheet"
        targets = {
            # The whole middleware stack, no page cache: a staff member's session cookie.
            "hello": ("/hello/", ["Cookie: sessionid=bench"]),
            "cached_publication": (publication.group(1), []),
            "cached_home_fa": ("/fa/", []),
            "uncached_publication": (publication.group(1), ["Cookie: sessionid=bench"]),
            "static_css": (stylesheet.group(1), ["Accept-Encoding: br, gzip"]),
        }
        results = {}
        for name, (path, headers) in targets.items():
            served.get(path)  # the first request fills the cache
            results[name] = wrk(served.url + path, args=args, script=script, headers=headers)
        hello = results["hello"]["rps"]
        for name in ("cached_publication", "cached_home_fa"):
            results[name]["of_hello"] = round(results[name]["rps"] / hello, 2)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--server", default="granian,gunicorn")
    parser.add_argument(
        "--cache", default="file", help="file,db: the default cache, or the database"
    )
    args = parser.parse_args()

    report: dict[str, Any] = {"workers": args.workers, "connections": args.connections}
    with tempfile.TemporaryDirectory(prefix="nashr-bench-serve-") as directory:
        script = Path(directory) / "report.lua"
        script.write_text(REPORT_LUA)
        for cache in args.cache.split(","):
            folder = Path(directory) / cache
            folder.mkdir()
            site = SiteFolder(
                folder,
                {"DJANGO_SETTINGS_MODULE": "bench.serve_settings", "BENCH_CACHE": cache},
            )
            site.prepare()
            if cache == "db":
                site.nashr("createcachetable")
            site.nashr("demo")
            for server in args.server.split(","):
                report[f"{server}/{cache}"] = measure(site, server=server, args=args, script=script)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

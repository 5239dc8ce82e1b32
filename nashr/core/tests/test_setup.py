"""The Makefile sets the checkout up where pip refuses, and `make demo` serves with its worker."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
NASHR = REPO / ".venv" / "bin" / "nashr"
# Debian 12's own Python: its stdlib holds the EXTERNALLY-MANAGED marker (PEP 668), so its
# pip refuses to install anything outside a venv.
DEBIAN_PYTHON = "/usr/bin/python3"
PROBE_PYPROJECT = """[project]
name = "setup-probe"
version = "0"
requires-python = ">=3.11"
dependencies = []

[tool.uv]
package = false
"""
PROBE_LOCK = """version = 1
revision = 5
requires-python = ">=3.11"

[[package]]
name = "setup-probe"
version = "0"
source = { virtual = "." }
"""


def _clean_env(**extra: str) -> dict[str, str]:
    # A fresh machine's environment: no virtualenv, no Django settings, and none of the
    # suite's databases or caches (the PostgreSQL run's DATABASE_URL names the test
    # runner's server, whose `nashr` database the test runner never creates).
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VIRTUAL_ENV", "DJANGO_", "UV_PROJECT", "PYTHONHOME"))
        and key not in {"DATABASE_URL", "CACHE_URL"}
    }
    env.update(extra)
    return env


def test_python_deps_installs_uv_where_pip_refuses(tmp_path: Path) -> None:
    """`make python-deps` with a Python whose pip refuses (externally-managed-environment)
    installs uv into a venv of its own and syncs .venv/, leaving the system's Python as it was."""
    refused = subprocess.run(
        [DEBIAN_PYTHON, "-m", "pip", "install", "--dry-run", "uv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stdout + refused.stderr
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text(PROBE_PYPROJECT)
    (tmp_path / "uv.lock").write_text(PROBE_LOCK)

    done = subprocess.run(
        ["make", "--no-print-directory", "python-deps", f"PYTHON={DEBIAN_PYTHON}"],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / ".uv" / "bin" / "uv").exists()
    assert (tmp_path / ".venv" / ".synced").exists()
    version = subprocess.run(
        [tmp_path / ".venv" / "bin" / "python", "-c", "import sys; print(sys.base_prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "/usr"
    untouched = subprocess.run(
        [DEBIAN_PYTHON, "-m", "uv", "--version"], capture_output=True, check=False
    )
    assert untouched.returncode != 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group_processes(pgid: int) -> list[str]:
    """The command lines of the live processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(cmdline)
    return found


def _task_statuses(env: dict[str, str]) -> list[str]:
    code = (
        "from django_tasks_db.models import DBTaskResult; "
        "print(*DBTaskResult.objects.values_list('status', flat=True))"
    )
    done = subprocess.run(
        [NASHR, "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.split()


def test_demo_serves_with_the_task_worker_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    """`make demo`'s server runs the task worker beside it (a queued task is done), and a
    Ctrl-C to the terminal's process group stops the server and the worker."""
    env = _clean_env(NASHR_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.dev")
    subprocess.run([NASHR, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300)
    port = _free_port()
    demo = subprocess.Popen(
        [REPO / "scripts" / "demo-serve.sh", NASHR, str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        subprocess.run(
            [NASHR, "subscribers", "purge-unconfirmed", "--enqueue"],
            env=env,
            check=True,
            timeout=120,
        )
        deadline = time.monotonic() + 120
        statuses = _task_statuses(env)
        while statuses != ["SUCCESSFUL"] and time.monotonic() < deadline:
            time.sleep(1)
            statuses = _task_statuses(env)
        assert statuses == ["SUCCESSFUL"]
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            raise AssertionError("the development server never listened")
        running = " ".join(_group_processes(demo.pid))
        assert "runserver" in running and "db_worker" in running, running

        os.killpg(demo.pid, signal.SIGINT)

        demo.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _group_processes(demo.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _group_processes(demo.pid) == []
    finally:
        if demo.poll() is None or _group_processes(demo.pid):
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()

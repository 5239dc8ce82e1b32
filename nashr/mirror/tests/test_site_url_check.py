"""A NASHR_SITE_URL whose host ALLOWED_HOSTS refuses is named at start, not by a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from nashr.core.checks import check_site_url_host_is_allowed
from nashr.mirror.build import mirror_build
from nashr.mirror.writing import MirrorError

NASHR = str(Path(sys.executable).with_name("nashr"))


def test_mirror_build_names_the_host_at_start(tmp_path: Path) -> None:
    """`nashr mirror build` exits at its system checks, naming the host and the setting."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",  # ALLOWED_HOSTS: 127.0.0.1, …
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NASHR_VAR_DIR": str(tmp_path / "var"),
        "NASHR_SITE_URL": "https://news.example.org",
    }
    done = subprocess.run(
        [NASHR, "mirror", "build", str(tmp_path / "out")],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "DisallowedHost" not in done.stderr
    assert "nashr.E002" in done.stderr
    assert "news.example.org" in done.stderr and "ALLOWED_HOSTS" in done.stderr
    assert not (tmp_path / "out").exists()


@override_settings(NASHR_SITE_URL="https://news.example.org", ALLOWED_HOSTS=["127.0.0.1"])
def test_mirror_build_from_the_worker_refuses_in_words(tmp_path: Path) -> None:
    """The build the task worker runs (no system checks) refuses with the check's words."""
    with pytest.raises(MirrorError, match="ALLOWED_HOSTS") as refused:
        mirror_build(outdir=tmp_path / "out")
    assert "news.example.org" in str(refused.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("site_url", "allowed", "errors"),
    [
        ("https://news.example.org", ["news.example.org"], 0),
        ("https://news.example.org:8443/nashr", [".example.org"], 0),
        ("http://[::1]:8000", ["[::1]"], 0),
        ("https://news.example.org", ["*"], 0),
        ("https://news.example.org", ["example.org", "127.0.0.1"], 1),
        ("https://NEWS.example.org", ["localhost"], 1),
    ],
)
def test_site_url_host_check(site_url: str, allowed: list[str], errors: int) -> None:
    """The check follows Django's own rule for ALLOWED_HOSTS: patterns, ports, IPv6."""
    with override_settings(NASHR_SITE_URL=site_url, ALLOWED_HOSTS=allowed):
        found = check_site_url_host_is_allowed()
    assert [problem.id for problem in found] == ["nashr.E002"] * errors

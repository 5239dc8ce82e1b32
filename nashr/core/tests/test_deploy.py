"""The files docs/deploy.md ships (deploy/) are accepted by the tools that will read them."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from nashr.core.tests.test_production_settings import backup_keys, dkim_key

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
INSTALL = "/srv/nashr"  # where the units expect the checkout


def _run(*command: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_systemd_units_verify(tmp_path: Path) -> None:
    """systemd-analyze verify finds nothing wrong in any unit (this checkout as /srv/nashr)."""
    units = sorted(DEPLOY.glob("nashr*.service")) + sorted(DEPLOY.glob("nashr*.timer"))
    assert {unit.name for unit in units} >= {
        "nashr.service",
        "nashr-worker.service",
        "nashr-backup.service",
        "nashr-backup.timer",
        "nashr-purge.timer",
    }
    for unit in units:
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALL, str(REPO)))
    output = _run(
        "systemd-analyze", "verify", "--man=no", *(str(tmp_path / unit.name) for unit in units)
    )
    # Warnings are printed but do not fail verify: none is allowed here.
    assert not [line for line in output.splitlines() if "nashr" in line], output


def test_systemd_verify_fails_on_a_broken_unit(tmp_path: Path) -> None:
    """The check above can fail: a unit with an unknown setting is refused."""
    unit = tmp_path / "broken.service"
    unit.write_text("[Service]\nExecStart=/bin/true\nNoSuchSetting=1\n")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True
    )
    assert "NoSuchSetting" in done.stderr


def test_the_units_serve_and_work_with_nashr_commands() -> None:
    """Every `nashr` command the units run exists, with the options they give."""
    commands = {
        "nashr.service": "serve",
        "nashr-worker.service": "db_worker",
        "nashr-purge.service": "subscribers purge-unconfirmed --enqueue",
        "nashr-federation.service": "federation deliver",
    }
    for unit, command in commands.items():
        assert f"{INSTALL}/.venv/bin/nashr {command}" in (DEPLOY / unit).read_text(), unit
    purge = (DEPLOY / "nashr-purge.service").read_text()
    assert f"{INSTALL}/.venv/bin/nashr ratelimits purge" in purge
    help_text = _run(str(REPO / ".venv" / "bin" / "nashr"), "serve", "--help")
    for option in ("--host", "--port", "--workers"):
        assert option in help_text


def _self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    _run(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=news.example.org", "-keyout", str(key), "-out", str(cert),
    )  # fmt: skip
    return cert, key


def _nginx_test(tmp_path: Path, site: str) -> subprocess.CompletedProcess[str]:
    cert, key = _self_signed(tmp_path)
    site = site.replace("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/news.example.org/privkey.pem", str(key))
    (tmp_path / "nashr.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{\n    access_log off;\n    include {tmp_path}/nashr.conf;\n}}\n"
    )
    return subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )


def test_nginx_site_is_valid(tmp_path: Path) -> None:
    """nginx -t accepts the shipped site (with a self-signed certificate in place of certbot's)."""
    site = (DEPLOY / "nginx-nashr.conf").read_text()
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in site
    assert "proxy_pass http://127.0.0.1:8000" in site
    done = _nginx_test(tmp_path, site)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_nginx_test_fails_on_a_broken_site(tmp_path: Path) -> None:
    """The check above can fail: a misspelt directive is refused."""
    site = (DEPLOY / "nginx-nashr.conf").read_text().replace("proxy_pass", "proxy_passs")
    assert _nginx_test(tmp_path, site).returncode != 0


def test_caddyfile_is_valid(tmp_path: Path) -> None:
    """caddy validate accepts the shipped Caddyfile, and refuses a broken one."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    caddyfile = DEPLOY / "Caddyfile"
    assert "reverse_proxy 127.0.0.1:8000" in caddyfile.read_text()
    _run("caddy", "validate", "--adapter", "caddyfile", "--config", str(caddyfile), env=env)
    broken = tmp_path / "Caddyfile"
    broken.write_text(caddyfile.read_text().replace("reverse_proxy", "reverse_proxyy"))
    done = subprocess.run(
        ["caddy", "validate", "--adapter", "caddyfile", "--config", str(broken)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode != 0


def _example_environment(tmp_path: Path) -> dict[str, str]:
    """The example environment file's settings over this process' environment; the var
    folder in `tmp_path` (the only change: /var/lib/nashr is not this machine's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    for line in (DEPLOY / "nashr.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _sep, value = line.partition("=")
            env[name] = value
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert env["NASHR_PROXY_COUNT"] == "1"
    env["NASHR_VAR_DIR"] = str(tmp_path)
    return env


def test_untouched_environment_file_fails_the_deploy_check(tmp_path: Path) -> None:
    """`check --deploy` on the example environment file as it is fails, naming each
    placeholder: the public SECRET_KEY, every example.org domain, the age recipient that is
    no key, and the DKIM and signing key files not made yet."""
    env = _example_environment(tmp_path)
    assert not Path(env["NASHR_DKIM_PRIVATE_KEY_FILE"]).exists()
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "nashr"), "check", "--deploy"],
        capture_output=True, text=True, cwd=REPO, env=env,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "(nashr.E003) SECRET_KEY" in output
    domains = ("ALLOWED_HOSTS", "NASHR_SITE_URL", "DEFAULT_FROM_EMAIL", "NASHR_BOUNCE_ADDRESS")
    for setting in domains:
        # The message is in the site's default language: the setting, then the domain.
        assert re.search(rf"\(nashr\.E004\) {setting} .*news\.example\.org", output), setting
    assert "(nashr_backups.E004) NASHR_BACKUP_RECIPIENT" in output
    assert "(nashr.E006) NASHR_DKIM_PRIVATE_KEY_FILE /etc/nashr/dkim.pem" in output
    assert "(nashr_backups.E001)" in output and "/etc/nashr/backup-signing.key" in output


def test_environment_file_filled_in_passes_the_deploy_check(tmp_path: Path) -> None:
    """The example environment file with its placeholders replaced as the guide says (the
    domain, a secret key, the keys made) gives a production configuration `check --deploy`
    accepts without a warning."""
    env = _example_environment(tmp_path)
    for name, value in env.items():
        if "news.example.org" in value:
            env[name] = value.replace("news.example.org", "news.nashr.test")
    # No PostgreSQL or Postfix here: the rest of the file as it is.
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    assert env["NASHR_BACKUP_SIGNING_KEY_FILE"] == "/etc/nashr/backup-signing.key"
    assert env["NASHR_DKIM_PRIVATE_KEY_FILE"] == "/etc/nashr/dkim.pem"
    # The keys the file names, made where this test can write them.
    env.update(backup_keys(tmp_path), **dkim_key(tmp_path))
    _run(str(REPO / ".venv" / "bin" / "nashr"), "check", "--deploy", "--fail-level", "WARNING",
         cwd=REPO, env=env)  # fmt: skip


# nginx's sizes are in powers of 1024; Caddy's (go-humanize) in powers of 1000, or 1024
# with "i" (MiB).
NGINX_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
CADDY_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3}
CADDY_UNITS |= {"kib": 1024, "mib": 1024**2, "gib": 1024**3}
# The multipart form around an upload: boundaries, part headers, the admin's other fields.
FORM_ROOM = 64 * 1024


def _proxy_body_limits() -> dict[str, int]:
    nginx = re.search(
        r"client_max_body_size\s+(\d+)([kKmMgG]?);", (DEPLOY / "nginx-nashr.conf").read_text()
    )
    caddy = re.search(r"max_size\s+(\d+)\s*([A-Za-z]+)", (DEPLOY / "Caddyfile").read_text())
    assert nginx and caddy
    return {
        "nginx": int(nginx.group(1)) * NGINX_UNITS[nginx.group(2).lower()],
        "caddy": int(caddy.group(1)) * CADDY_UNITS[caddy.group(2).lower()],
    }


def test_proxies_take_the_largest_upload_and_not_much_more() -> None:
    """nginx and Caddy let through the largest upload Nashr accepts with its form around it,
    and no more than a tenth beyond it: the proxy refuses no upload the admin promises."""
    largest = int(settings.NASHR_MEDIA_MAX_BYTES)
    for proxy, limit in _proxy_body_limits().items():
        assert largest + FORM_ROOM <= limit <= largest * 1.1, (proxy, limit, largest)


def test_nginx_logs_no_readers_address_on_any_port() -> None:
    """Every server of the shipped nginx site turns the access log off, the port-80
    redirect too (Debian's nginx.conf logs every request otherwise)."""
    site = (DEPLOY / "nginx-nashr.conf").read_text()
    servers = re.split(r"^server \{", site, flags=re.M)[1:]
    assert len(servers) == 2
    for server in servers:
        assert re.search(r"^\s*access_log off;", server, re.M), server.split("\n", 3)[:3]


def test_guide_installs_what_make_needs() -> None:
    """The guide's apt line has npm, which `make node-deps` (the Vazirmatn font) runs."""
    guide = (REPO / "docs" / "deploy.md").read_text()
    apt = re.search(r"apt-get install -y python3 .*?\n(?!\s)", guide, re.S)
    assert apt is not None and " npm " in apt.group()


def test_every_shell_block_of_the_guide_is_marked_for_its_test() -> None:
    """Each shell block of docs/deploy.md says whether the guide's test runs it, and only
    certbot, the alternatives, other machines and the optional channels (the fediverse,
    Telegram: off until configured) are skipped: the test (nashr.testing.deploy_guide, in
    .ci/run) runs the rest, from step 1 to the upgrade, in order."""
    from nashr.testing.deploy_guide import GUIDE, guide_blocks

    blocks = guide_blocks(GUIDE.read_text())
    run = "\n".join(block.code for block in blocks if block.run)
    for command in ("make python-deps", "nashr check --deploy", "enable --now", "git pull"):
        assert command in run, command
    skipped = [block for block in blocks if not block.run]
    assert all(block.reason for block in skipped)
    assert all("certbot" not in block.code for block in blocks if block.run)
    optional = [block for block in skipped if block.reason.startswith(("optional", "needs a"))]
    assert len(optional) == 3, [block.reason for block in optional]
    assert len(skipped) - len(optional) <= 6, [block.reason for block in skipped]


def test_an_unmarked_shell_block_is_refused() -> None:
    """A shell block added to the guide without a mark stops the guide's test."""
    from nashr.testing.deploy_guide import guide_blocks

    with pytest.raises(ValueError, match=r"deploy\.md:3"):
        guide_blocks("Some text.\n\n```sh\nrm -rf /srv/nashr\n```\n")

"""Production settings pass Django's deploy check and refuse to start without a secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from pyrage import x25519  # type: ignore[import-untyped]  # pyrage ships no type information

from nashr.backups.signing import key_generate, load_signing_key, public_line

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _run(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser fixtures of this test process.
        if key
        not in {
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "NASHR_REQUIRE_2FA",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "NASHR_VAR_DIR": str(tmp_path),
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean(tmp_path: Path) -> None:
    """`nashr check --deploy` with production settings and a secret key prints no warning."""
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        tmp_path=tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        NASHR_SITE_URL="https://nashr.example",
        ALLOWED_HOSTS="nashr.example",
        DEFAULT_FROM_EMAIL="bulletin@nashr.example",
        **backup_keys(tmp_path),
        **dkim_key(tmp_path),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def backup_keys(tmp_path: Path) -> dict[str, str]:
    """The backup settings of a server that signs its backups: a key made as the deployment
    guide makes it, and its public key trusted."""
    key = tmp_path / "backup-signing.key"
    key_generate(key)
    return {
        "NASHR_BACKUP_SIGNING_KEY_FILE": str(key),
        "NASHR_BACKUP_VERIFY_KEY": public_line(load_signing_key(key).public_key()),
        "NASHR_BACKUP_RECIPIENT": str(x25519.Identity.generate().to_public()),
    }


def dkim_key(tmp_path: Path) -> dict[str, str]:
    """The DKIM settings of a server that signs its mail, its key made as the guide makes it."""
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    return {"NASHR_DKIM_SELECTOR": "nashr1", "NASHR_DKIM_PRIVATE_KEY_FILE": str(key)}


def _deploy_warnings(tmp_path: Path, **env: str) -> str:
    """The output of a deploy check of production settings that failed on a warning."""
    settings_env = {**_sound_env(tmp_path), **env}
    result = _run("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **settings_env)
    assert result.returncode != 0
    return result.stdout + result.stderr


def test_deploy_check_warns_of_a_clear_text_site_url(tmp_path: Path) -> None:
    """An http:// NASHR_SITE_URL (put in every unsubscribe link) fails the deploy check."""
    assert "nashr.W001" in _deploy_warnings(tmp_path, NASHR_SITE_URL="http://nashr.example")


def test_deploy_check_warns_of_two_factor_login_off(tmp_path: Path) -> None:
    """Production with NASHR_REQUIRE_2FA=0 (a password alone opens the admin) fails the check."""
    assert "nashr.W002" in _deploy_warnings(tmp_path, NASHR_REQUIRE_2FA="0")


def test_deploy_check_warns_of_unsigned_mail(tmp_path: Path) -> None:
    """No DKIM selector and key: the deploy check warns that mail goes out unsigned."""
    output = _deploy_warnings(tmp_path, NASHR_DKIM_SELECTOR="", NASHR_DKIM_PRIVATE_KEY_FILE="")
    assert "nashr.W003" in output


def _sound_env(tmp_path: Path) -> dict[str, str]:
    """Production settings that pass the deploy check: keys made, no placeholder left."""
    return {
        **backup_keys(tmp_path),
        **dkim_key(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "NASHR_SITE_URL": "https://nashr.example",
        "ALLOWED_HOSTS": "nashr.example",
        "DEFAULT_FROM_EMAIL": "bulletin@nashr.example",
    }


def _deploy_errors(tmp_path: Path, sound: dict[str, str], **env: str) -> str:
    """The output of a deploy check of the sound settings changed by `env`, which failed."""
    result = _run("check", "--deploy", tmp_path=tmp_path, **{**sound, **env})
    assert result.returncode != 0
    return result.stdout + result.stderr


def test_deploy_check_refuses_unusable_dkim_keys(tmp_path: Path) -> None:
    """A DKIM key file that is missing, or not a private key, or a key without a selector,
    fails the deploy check, naming the file."""
    sound = _sound_env(tmp_path)
    missing = "/etc/nashr/no-such-dkim.pem"
    output = _deploy_errors(tmp_path, sound, NASHR_DKIM_PRIVATE_KEY_FILE=missing)
    assert "nashr.E006" in output and missing in output
    not_a_key = tmp_path / "public.pem"
    not_a_key.write_text("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")
    output = _deploy_errors(tmp_path, sound, NASHR_DKIM_PRIVATE_KEY_FILE=str(not_a_key))
    assert "nashr.E006" in output and str(not_a_key) in output
    assert "nashr.E005" in _deploy_errors(tmp_path, sound, NASHR_DKIM_SELECTOR="")


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    """Without SECRET_KEY, or with a short one, production stops and says what to set."""
    for env in ({}, {"SECRET_KEY": "short"}):
        result = _run("check", tmp_path=tmp_path, **env)
        assert result.returncode != 0
        assert "SECRET_KEY must be set in the environment" in result.stderr


def test_production_requires_two_factor_login_by_default(tmp_path: Path) -> None:
    """Production asks staff for a TOTP code unless NASHR_REQUIRE_2FA=0 says otherwise."""
    code = "from django.conf import settings; print(settings.NASHR_REQUIRE_2FA)"
    key = secrets.token_urlsafe(64)
    result = _run("shell", "--no-imports", "-c", code, tmp_path=tmp_path, SECRET_KEY=key)
    assert result.stdout.strip() == "True", result.stderr
    result = _run(
        "shell",
        "--no-imports",
        "-c",
        code,
        tmp_path=tmp_path,
        SECRET_KEY=key,
        NASHR_REQUIRE_2FA="0",
    )
    assert result.stdout.strip() == "False", result.stderr

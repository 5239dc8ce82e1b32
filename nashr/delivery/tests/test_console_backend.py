"""`bulletin send` with the console mail backend: a handful is printed, a list is refused."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from nashr.delivery.engine import CONSOLE_BACKEND, CONSOLE_MAX_RECIPIENTS
from nashr.delivery.models import Delivery


@pytest.fixture
def console(settings: Any) -> None:
    settings.EMAIL_BACKEND = CONSOLE_BACKEND


@pytest.mark.django_db(transaction=True)
def test_console_refuses_a_real_list(
    console: None, published_bulletin: Any, make_subscribers: Callable[..., list[Any]]
) -> None:
    """More than a handful of recipients is refused, naming EMAIL_HOST; nothing is queued."""
    make_subscribers(published_bulletin.series, CONSOLE_MAX_RECIPIENTS + 1)
    with pytest.raises(CommandError, match="EMAIL_HOST") as refused:
        call_command("bulletin", "send", "47", "--series", "iran-bulletin", stdout=io.StringIO())
    assert f"{CONSOLE_MAX_RECIPIENTS + 1} messages" in str(refused.value)
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_console_prints_a_handful(
    console: None,
    published_bulletin: Any,
    make_subscribers: Callable[..., list[Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A handful of recipients is sent to the console, every message printed."""
    make_subscribers(published_bulletin.series, CONSOLE_MAX_RECIPIENTS)
    call_command("bulletin", "send", "47", "--series", "iran-bulletin", stdout=io.StringIO())
    printed = capsys.readouterr().out
    assert printed.count("Subject:") == CONSOLE_MAX_RECIPIENTS

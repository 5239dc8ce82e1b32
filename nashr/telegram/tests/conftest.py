"""Fixtures of the Telegram tests: a Bot API server on loopback, and a linked channel."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nashr.core.actors import COMMAND
from nashr.telegram.models import Channel
from nashr.telegram.services import channel_link
from nashr.telegram.tests.botapi import BotApi, BotApiServer

TOKEN = "123456789:AAHtestSECRETtokenVALUE-xyz_0987654321"
FA_CHANNEL = "@nashr_fa"
FA_CHAT_ID = -1001000000001


@pytest.fixture
def bot_api(settings: Any) -> Iterator[BotApi]:
    """The Bot API server, with the settings pointing at it and no pause between posts."""
    server = BotApiServer(TOKEN)
    settings.NASHR_TELEGRAM_BOT_TOKEN = TOKEN
    settings.NASHR_TELEGRAM_API_URL = server.url
    settings.NASHR_TELEGRAM_INTERVAL = 0
    settings.NASHR_TELEGRAM_RETRY_BASE = 0.05
    settings.NASHR_TELEGRAM_MAX_WAIT = 5
    with server as api:
        api.add_channel(FA_CHANNEL, FA_CHAT_ID)
        yield api


@pytest.fixture
def fa_channel(bot_api: BotApi, db: None) -> Channel:
    """The Persian publications' channel, in summary mode."""
    return channel_link(actor=COMMAND, target="fa", chat=FA_CHANNEL)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a call as if its transaction committed: the after-commit handlers run (and the
    tests' task backend sends at once)."""

    def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run

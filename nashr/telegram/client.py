"""The one door to the Bot API: python-telegram-bot, called from synchronous code.

python-telegram-bot is asynchronous; the sending engine is not (it commits a row before
and after every request, and Django's ORM may not run inside an event loop). `BotClient`
keeps one event loop (`asyncio.Runner`) and one HTTP connection for a run, and runs each
request to its end in it, between the engine's commits. The loop runs in a thread of the
client's own, so a caller whose thread already runs an event loop (an ASGI view, a test
driving a browser) can use it too.

The token is read from the settings (NASHR_TELEGRAM_BOT_TOKEN, from the environment) here
and nowhere else. It is part of every request's address, so it must not reach a log, an
error page or the database: the HTTP library's request log is silenced in the settings,
and every error leaves this module as a `BotError` whose text has the token taken out,
raised without the library's exception attached (whose text can hold it).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import warnings
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Any, TypeVar

import telegram
from django.conf import settings
from telegram import error as tg_error
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from nashr.core.exceptions import StateError

T = TypeVar("T")

# Telegram's descriptions (400 Bad Request) that say the channel itself is out of reach.
_CHANNEL_REFUSALS = (
    "chat not found",
    "not enough rights",
    "have no rights",
    "need administrator rights",
    "bot is not a member",
    "bot was kicked",
    "chat_write_forbidden",
    "channel_private",
    "peer_id_invalid",
)
# ... and those that say the message to change is not there any more.
_GONE = (
    "message to edit not found",
    "message to delete not found",
    "message can't be deleted",
    "message_id_invalid",
    "message can't be edited",
)


class Problem(StrEnum):
    WAIT = "wait"  # 429: Telegram says how long to wait
    TEMPORARY = "temporary"  # 5xx, a network error, a time-out: try again later
    CHANNEL = "channel"  # the channel is out of reach (or the token is wrong): stop it
    MESSAGE = "message"  # this message is refused as it is: trying again changes nothing
    GONE = "gone"  # the message to edit or delete is not in the channel


class BotError(Exception):
    """A request Telegram (or the way to it) refused; the text never holds the token."""

    def __init__(self, problem: Problem, description: str, *, retry_after: float = 0) -> None:
        self.problem = problem
        self.description = description
        self.retry_after = retry_after
        super().__init__(description)


def redact(text: str) -> str:
    """`text` with the bot's token (and its secret half alone) taken out."""
    token = settings.NASHR_TELEGRAM_BOT_TOKEN
    if token:
        text = text.replace(token, "[token]")
        secret = token.partition(":")[2]
        if len(secret) >= 8:
            text = text.replace(secret, "[token]")
    return text


def _wait_seconds(exc: tg_error.RetryAfter) -> float:
    value = exc.retry_after  # a number or a timedelta, whichever the library's version gives
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def _bot_error(exc: tg_error.TelegramError) -> BotError:
    description = redact(exc.message)
    lowered = description.lower()
    if isinstance(exc, tg_error.RetryAfter):
        return BotError(Problem.WAIT, description, retry_after=_wait_seconds(exc))
    if isinstance(exc, tg_error.InvalidToken):
        return BotError(Problem.CHANNEL, "Unauthorized: the bot's token was rejected")
    if isinstance(exc, tg_error.Forbidden | tg_error.ChatMigrated):
        return BotError(Problem.CHANNEL, description)
    if isinstance(exc, tg_error.BadRequest):
        if any(words in lowered for words in _CHANNEL_REFUSALS):
            return BotError(Problem.CHANNEL, description)
        if any(words in lowered for words in _GONE):
            return BotError(Problem.GONE, description)
        return BotError(Problem.MESSAGE, description)
    return BotError(Problem.TEMPORARY, description)


def chat_id(chat: str) -> str | int:
    """A channel as the Bot API takes it: "@name", or the numeric id as a number."""
    chat = chat.strip()
    return int(chat) if chat.lstrip("-").isdigit() else chat


def configured() -> bool:
    return bool(settings.NASHR_TELEGRAM_BOT_TOKEN)


class BotClient:
    """Requests to the Bot API at NASHR_TELEGRAM_API_URL; use it as a context manager."""

    def __init__(self, *, timeout: float = 20) -> None:
        token = settings.NASHR_TELEGRAM_BOT_TOKEN
        if not token:
            raise StateError(
                "no bot token is configured",
                where="NASHR_TELEGRAM_BOT_TOKEN",
                hint="create a bot with @BotFather and put its token in the environment",
            )
        api = settings.NASHR_TELEGRAM_API_URL.rstrip("/")
        request = HTTPXRequest(
            connection_pool_size=2,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            media_write_timeout=timeout * 3,
        )
        self._bot = telegram.Bot(
            token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot", request=request
        )
        self._runner = asyncio.Runner()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="telegram")
        self._started = False

    def __enter__(self) -> BotClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        # Closing a connection that is gone already fails, and changes nothing.
        with contextlib.suppress(Exception):
            self._thread.submit(self._runner.run, self._bot.shutdown()).result()
        self._thread.submit(self._runner.close).result()
        self._thread.shutdown()

    def _run(self, call: Coroutine[Any, Any, T]) -> T:
        with warnings.catch_warnings():
            # retry_after's coming change of type, announced on every 429.
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            return self._run_now(call)

    def _run_now(self, call: Coroutine[Any, Any, T]) -> T:
        try:
            if not self._started:
                # getMe: the token is checked
                self._thread.submit(self._runner.run, self._bot.initialize()).result()
                self._started = True
            return self._thread.submit(self._runner.run, call).result()
        except tg_error.TelegramError as exc:
            call.close()  # not awaited when getMe failed
            raise _bot_error(exc) from None
        except Exception as exc:  # anything the HTTP library raised on the way
            call.close()
            raise BotError(Problem.TEMPORARY, redact(f"{type(exc).__name__}: {exc}")) from None

    def send_text(self, chat: str, text: str) -> int:
        """Post `text` (Telegram HTML) in `chat`; the new message's id."""
        message = self._run(self._bot.send_message(chat_id(chat), text, parse_mode="HTML"))
        return int(message.message_id)

    def send_document(self, chat: str, data: bytes, *, filename: str, caption: str) -> int:
        message = self._run(
            self._bot.send_document(
                chat_id(chat),
                document=data,
                filename=filename,
                caption=caption,
                parse_mode="HTML",
            )
        )
        return int(message.message_id)

    def edit_text(self, chat: str, message_id: int, text: str) -> None:
        self._unless_unchanged(
            self._bot.edit_message_text(
                text,
                chat_id=chat_id(chat),
                message_id=message_id,
                parse_mode="HTML",
            )
        )

    def edit_caption(self, chat: str, message_id: int, caption: str) -> None:
        self._unless_unchanged(
            self._bot.edit_message_caption(
                chat_id=chat_id(chat),
                message_id=message_id,
                caption=caption,
                parse_mode="HTML",
            )
        )

    def delete(self, chat: str, message_id: int) -> None:
        """Delete a message; one that is gone already counts as deleted."""
        try:
            self._run(self._bot.delete_message(chat_id(chat), message_id))
        except BotError as error:
            if error.problem != Problem.GONE:
                raise

    def check(self, chat: str) -> str:
        """The channel's title, if the token is good and the bot can see the channel."""
        found = self._run(self._bot.get_chat(chat_id(chat)))
        return str(found.title or found.username or found.id)

    def _unless_unchanged(self, call: Coroutine[Any, Any, object]) -> None:
        try:
            self._run(call)
        except BotError as error:
            # The message shows this text already (an edit sent again after a crash).
            if "message is not modified" not in error.description.lower():
                raise

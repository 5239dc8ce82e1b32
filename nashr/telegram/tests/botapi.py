"""A Bot API server on loopback for the tests: Telegram's documented JSON, held in memory.

It answers sendMessage, sendDocument, editMessageText, editMessageCaption, deleteMessage,
getChat and getMe as https://core.telegram.org/bots/api describes them (`{"ok": true,
"result": …}`, or `{"ok": false, "error_code": …, "description": …}`), reads text in
parse_mode HTML as strictly as Telegram does (only its tags, balanced; only its entities;
4096 characters a message, 1024 a caption, counted in UTF-16 units), keeps every channel's
messages, and records every request. A test can have the next answers of a method be a
429 with retry_after, a 5xx, or any error, and can slow every answer down.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-spoiler": "spoiler",
}
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r'<(/?)([a-z-]+)((?:\s+[a-z-]+\s*=\s*"[^"]*")*)\s*>')
_HREF = re.compile(r'\s+href\s*=\s*"([^"]*)"')


class ParseError(ValueError):
    pass


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _unescape(text: str, where: int) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] != "&":
            out.append(text[i])
            i += 1
            continue
        end = text.find(";", i)
        name = text[i + 1 : end] if end != -1 else ""
        if name in ENTITIES:
            out.append(ENTITIES[name])
        elif re.fullmatch(r"#[0-9]{1,7}", name):
            out.append(chr(int(name[1:])))
        elif re.fullmatch(r"#x[0-9a-fA-F]{1,6}", name):
            out.append(chr(int(name[2:], 16)))
        else:
            raise ParseError(f"Unsupported HTML entity at byte offset {where + i}")
        i = end + 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's reading of `text` in parse_mode HTML: (plain text, entities)."""
    plain: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int, str]] = []
    position = 0
    offset = 0
    while position < len(text):
        lt = text.find("<", position)
        chunk = text[position : lt if lt != -1 else len(text)]
        if ">" in chunk:
            raise ParseError("Unexpected end tag" if "<" in chunk else "Unmatched '>'")
        piece = _unescape(chunk, position)
        plain.append(piece)
        offset += units(piece)
        if lt == -1:
            break
        match = _TAG.match(text, lt)
        if match is None or match.group(2) not in TAGS:
            raise ParseError(f"Unsupported start tag at byte offset {lt}")
        closing, name, attributes = match.groups()
        if closing:
            if not stack or stack[-1][0] != name:
                expected = stack[-1][0] if stack else ""
                raise ParseError(
                    f'Unmatched end tag at byte offset {lt}, expected "</{expected}>", '
                    f'found "</{name}>"'
                )
            _opened, start, url = stack.pop()
            entity: dict[str, Any] = {"type": TAGS[name], "offset": start, "length": offset - start}
            if name == "a":
                entity["url"] = url
            entities.append(entity)
        else:
            url = ""
            if name == "a":
                href = _HREF.match(attributes or "")
                if href is None:
                    raise ParseError("Can't find end tag corresponding to start tag a")
                url = _unescape(href.group(1), lt)
            stack.append((name, offset, url))
        position = match.end()
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(plain), entities


@dataclass
class Received:
    method: str
    params: dict[str, str]
    files: dict[str, bytes]
    at: float


@dataclass
class Stored:
    chat_id: int
    message_id: int
    text: str = ""  # as received (HTML)
    plain: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    document: bytes | None = None
    filename: str = ""


class BotApi:
    """The server's state: its token, chats, messages, requests and scripted answers."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.lock = threading.Lock()
        self.chats: dict[str, int] = {}  # "@name" → id; numeric ids are their own
        self.removed: set[int] = set()  # chats the bot was removed from
        self.messages: dict[int, dict[int, Stored]] = {}
        self.next_id: dict[int, int] = {}
        self.requests: list[Received] = []
        self.scripted: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.delay = 0.0
        self.sent_count = 0  # messages posted (sendMessage, sendDocument)

    # -- for the tests ------------------------------------------------------------------

    def add_channel(self, name: str, chat_id: int) -> None:
        with self.lock:
            self.chats[name] = chat_id
            self.messages.setdefault(chat_id, {})

    def answer_next(self, method: str, status: int, **body: Any) -> None:
        """The next request of `method` is answered with `status` and `body` (an error)."""
        with self.lock:
            self.scripted.setdefault(method, []).append((status, body))

    def channel(self, name: str) -> list[Stored]:
        with self.lock:
            return sorted(self.messages[self.chats[name]].values(), key=lambda m: m.message_id)

    def calls(self, method: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if method is None or r.method == method]

    def posted(self) -> int:
        with self.lock:
            return self.sent_count

    # -- the Bot API --------------------------------------------------------------------

    def handle(
        self,
        token: str,
        method: str,
        params: dict[str, str],
        files: dict[str, bytes],
        names: dict[str, str],
    ):
        with self.lock:
            self.requests.append(Received(method, params, files, time.monotonic()))
            if token != self.token:
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            scripted = self.scripted.get(method)
            if scripted:
                status, body = scripted.pop(0)
                return status, {"ok": False, "error_code": status, **body}
            try:
                return 200, {"ok": True, "result": self._method(method, params, files, names)}
            except ParseError as exc:
                return 400, _bad(f"can't parse entities: {exc}")
            except LookupError as exc:
                return 400, _bad(str(exc.args[0]))

    def _chat(self, params: dict[str, str]) -> int:
        given = params.get("chat_id", "")
        chat_id = int(given) if given.lstrip("-").isdigit() else self.chats.get(given)
        if chat_id is None or chat_id not in self.messages:
            raise LookupError("chat not found")
        if chat_id in self.removed:
            raise PermissionError
        return chat_id

    def _message(self, chat_id: int, params: dict[str, str], gone: str) -> Stored:
        stored = self.messages[chat_id].get(int(params.get("message_id", "0")))
        if stored is None:
            raise LookupError(gone)
        return stored

    def _new(self, chat_id: int) -> Stored:
        self.next_id[chat_id] = self.next_id.get(chat_id, 0) + 1
        stored = Stored(chat_id, self.next_id[chat_id])
        self.messages[chat_id][stored.message_id] = stored
        self.sent_count += 1
        return stored

    def _read(self, text: str, params: dict[str, str], limit: int, too_long: str):
        if params.get("parse_mode") == "HTML":
            plain, entities = parse_html(text)
        else:
            plain, entities = text, []
        if not plain.strip():
            raise LookupError("message text is empty")
        if units(plain) > limit:
            raise LookupError(too_long)
        return plain, entities

    def _method(
        self, method: str, params: dict[str, str], files: dict[str, bytes], names: dict[str, str]
    ) -> Any:
        if method == "getMe":
            return {"id": 42, "is_bot": True, "first_name": "Nashr", "username": "nashr_bot"}
        chat_id = self._chat(params)
        if method == "getChat":
            name = next((n for n, i in self.chats.items() if i == chat_id), "")
            return {
                "id": chat_id,
                "type": "channel",
                "title": f"Channel {name}",
                "username": name.lstrip("@"),
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        if method == "sendMessage":
            plain, entities = self._read(params["text"], params, 4096, "message is too long")
            stored = self._new(chat_id)
            stored.text, stored.plain, stored.entities = params["text"], plain, entities
            return self._json(stored)
        if method == "sendDocument":
            caption = params.get("caption", "")
            plain, entities = self._read(caption, params, 1024, "message caption is too long")
            stored = self._new(chat_id)
            stored.text, stored.plain, stored.entities = caption, plain, entities
            stored.document = files["document"]
            stored.filename = names.get("document", "")
            return self._json(stored)
        if method in {"editMessageText", "editMessageCaption"}:
            stored = self._message(chat_id, params, "message to edit not found")
            key = "text" if method == "editMessageText" else "caption"
            if (stored.document is None) != (key == "text"):
                raise LookupError(
                    "there is no text in the message to edit"
                    if key == "text"
                    else "there is no caption in the message to edit"
                )
            limit = 4096 if key == "text" else 1024
            plain, entities = self._read(params[key], params, limit, "message is too long")
            if params[key] == stored.text:
                raise LookupError(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            stored.text, stored.plain, stored.entities = params[key], plain, entities
            return self._json(stored)
        if method == "deleteMessage":
            self._message(chat_id, params, "message to delete not found")
            del self.messages[chat_id][int(params["message_id"])]
            return True
        raise LookupError(f"method {method} is not known here")

    def _json(self, stored: Stored) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": stored.message_id,
            "date": int(time.time()),
            "chat": {"id": stored.chat_id, "type": "channel", "title": "Channel"},
        }
        if stored.document is not None:
            message["document"] = {
                "file_id": f"file-{stored.message_id}",
                "file_unique_id": f"u-{stored.message_id}",
                "file_name": stored.filename,
            }
            message["caption"] = stored.plain
        else:
            message["text"] = stored.plain
        return message


def _bad(description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        api = self.server.api
        match = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", self.path.split("?")[0])
        if match is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        params, files, names = _form(self.headers.get("Content-Type", ""), body)
        if api.delay:
            time.sleep(api.delay)
        try:
            status, answer = api.handle(match.group(1), match.group(2), params, files, names)
        except PermissionError:
            status, answer = (
                403,
                {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was kicked from the channel chat",
                },
            )
        self._reply(status, answer)

    def _reply(self, status: int, answer: dict[str, Any]) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _form(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, bytes], dict[str, str]]:
    """The parameters of a request: a form, JSON, or multipart with files."""
    if content_type.startswith("application/json"):
        data = json.loads(body or b"{}")
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, {}, {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        params: dict[str, str] = {}
        files: dict[str, bytes] = {}
        names: dict[str, str] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = payload
                names[str(name)] = filename
            else:
                params[str(name)] = payload.decode()
        return params, files, names
    form = parse_qs(body.decode(), keep_blank_values=True)
    return {k: v[-1] for k, v in form.items()}, {}, {}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: BotApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api


class BotApiServer:
    """The server, started on a free port of 127.0.0.1; `url` is its NASHR_TELEGRAM_API_URL."""

    def __init__(self, token: str) -> None:
        self.api = BotApi(token)
        self._server = _Server(self.api)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> BotApi:
        self._thread.start()
        return self.api

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

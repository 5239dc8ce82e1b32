"""Mail to the list address (NASHR_LIST_ADDRESS): what a message asks, and from whom.

Readers who can reach mail but not the site (the site blocked, its mirror read from a
copy) subscribe, confirm and leave by mail. Three commands, each in the subject (or, if
the subject has none, in the first line of the text):

* ``subscribe SLUG``: the mirror's mailto: link writes it. Anyone can write any From, so
  it only records consent as pending and mails the address a one-time token (double
  opt-in, as the site's form does);
* ``confirm TOKEN``: the reply to that mail (its subject carries the token). It confirms
  only when it comes from the address the token was mailed to, and only once;
* ``unsubscribe TOKEN``: the List-Unsubscribe mailto: of every issue; TOKEN is the
  signed token of the issue's unsubscribe link, which works for whoever holds it, as the
  link does.

What this cannot check: a From header is the sender's word. The token proves that the
replier read the mail sent to that address; a DKIM signature, where the message has one,
is verified (one that fails refuses the message) but its absence is accepted, since many
senders sign nothing; SPF and DMARC are the receiving mail server's to check (they
concern the connection that delivered the message, which Nashr does not see).
Automatic mail (auto-replies, bounces, lists) is ignored, so that no loop starts.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from urllib.parse import quote

from django.conf import settings

from nashr.core.mail import from_address
from nashr.core.one_line import check_one_line

SUBSCRIBE = "subscribe"
CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"

# The word, then what it acts on: a series' slug, a one-time token (token_urlsafe(16): 22
# characters) or an unsubscribe link's token ("12.3:" and its signature). A word inside
# another ("unsubscribe" holds "subscribe") is not matched.
_COMMAND = re.compile(
    r"(?<![\w-])(?:"
    r"(?P<unsubscribe>unsubscribe)\s+(?P<unsubscribe_token>[0-9]+\.[0-9-]*:[A-Za-z0-9_-]+)"
    r"|(?P<confirm>confirm)\s+(?P<confirm_token>[A-Za-z0-9_-]{22})"
    r"|(?P<subscribe>subscribe)\s+(?P<slug>[-a-zA-Z0-9_]+)"
    r")(?![\w-])",
    re.IGNORECASE,
)
# Auto-Submitted other than "no" (RFC 3834), and the Precedence of lists and robots.
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond", "List-Id")


class Ignored(Exception):
    """Automatic mail (an auto-reply, a bounce, a list's): read, and left unanswered."""


class Refused(Exception):
    """A message that asks nothing Nashr can do, or that fails a check; never answered."""


@dataclass(frozen=True)
class MailCommand:
    sender: str  # the From address, lower-cased
    verb: str  # SUBSCRIBE, CONFIRM or UNSUBSCRIBE
    argument: str  # a slug or a token
    dkim_verified: bool  # a DKIM signature of the From address' domain verified


def list_address() -> str:
    """NASHR_LIST_ADDRESS, checked to be one line ("" when mail commands are off)."""
    return check_one_line(str(settings.NASHR_LIST_ADDRESS), where="NASHR_LIST_ADDRESS")


def list_mailto(command: str) -> str:
    """A mailto: link to the list address with `command` as the subject."""
    return f"mailto:{list_address()}?subject={quote(command, safe='')}"


def command_text(verb: str, argument: str) -> str:
    return f"{verb} {argument}"


def _header_text(message: Message, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except (UnicodeError, LookupError, ValueError):
        return str(value)


def _first_text_line(message: Message) -> str:
    """The first line of the first text/plain part that is not a quotation."""
    for part in message.walk():
        if part.get_content_type() != "text/plain":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, "replace")
        except LookupError:
            text = payload.decode("utf-8", "replace")
        for line in text.splitlines():
            if line.strip() and not line.lstrip().startswith(">"):
                return line.strip()
        return ""
    return ""


def _automatic(message: Message) -> bool:
    auto = _header_text(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if _header_text(message, "Precedence").strip().lower() in _AUTOMATIC_PRECEDENCE:
        return True
    # Responders older than RFC 3834 mark themselves so; a list's mail carries List-Id.
    if any(message.get(name) is not None for name in _AUTOMATIC_HEADERS):
        return True
    # A bounce comes from the null sender; the receiving server writes it as Return-Path.
    return _header_text(message, "Return-Path").strip() == "<>"


def _sender(message: Message) -> str:
    froms = message.get_all("From") or []
    addresses = email.utils.getaddresses([str(value) for value in froms])
    if len(addresses) != 1 or "@" not in addresses[0][1]:
        raise Refused("it needs exactly one address in From")
    return addresses[0][1].strip().lower()


DnsLookup = Callable[..., bytes]


def _dkim_verified(raw: bytes, sender: str, dns: DnsLookup | None) -> bool:
    """Whether a DKIM signature of the sender's domain verifies; Refused if one fails."""
    import dkim

    verifier = dkim.DKIM(raw)
    try:
        valid = bool(verifier.verify() if dns is None else verifier.verify(dnsfunc=dns))
    except dkim.DKIMException as exc:
        raise Refused(f"its DKIM signature cannot be checked ({exc})") from exc
    if not valid:
        raise Refused("its DKIM signature does not verify (altered, or not from its domain)")
    signer = (verifier.domain or b"").decode("ascii", "replace").lower().rstrip(".")
    domain = sender.rpartition("@")[2]
    return domain == signer or domain.endswith(f".{signer}")


def mail_command_read(raw: bytes, *, dns: DnsLookup | None = None) -> MailCommand:
    """What a message to the list address asks; Ignored (automatic mail) or Refused.

    `dns` looks up DKIM keys (dkimpy's own lookup when None).
    """
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    if _automatic(message):
        raise Ignored("automatic mail (an auto-reply, a bounce, a list's)")
    sender = _sender(message)
    ours = {
        email.utils.parseaddr(from_address())[1].lower(),
        email.utils.parseaddr(list_address())[1].lower(),
    }
    if sender in ours:
        raise Ignored("mail from Nashr's own address")
    dkim_verified = False
    if message.get("DKIM-Signature") is not None:
        dkim_verified = _dkim_verified(raw, sender, dns)
    found = _COMMAND.search(_header_text(message, "Subject")) or _COMMAND.search(
        _first_text_line(message)
    )
    if found is None:
        raise Refused(
            "it holds no command (subscribe SLUG, confirm TOKEN or unsubscribe TOKEN) "
            "in its subject or first line"
        )
    for verb, argument in (
        (UNSUBSCRIBE, "unsubscribe_token"),
        (CONFIRM, "confirm_token"),
        (SUBSCRIBE, "slug"),
    ):
        if found.group(verb):
            return MailCommand(
                sender=sender,
                verb=verb,
                argument=found.group(argument),
                dkim_verified=dkim_verified,
            )
    raise AssertionError("the pattern matched no command")  # pragma: no cover

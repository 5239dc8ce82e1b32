"""What a channel shows: publications and bulletin issues in Telegram's HTML subset.

Telegram reads a message's text as HTML with a handful of tags (b, i, u, s, a, code, pre,
blockquote) and the entities &lt; &gt; &amp; &quot; (and numeric ones). Every text that
comes from an editor is escaped here, so a title holding "<b>" or "*bold*" is shown as
typed; the only tags a message carries are the ones written below, always balanced.
Characters that could turn the rest of a message around (the bidirectional embeddings and
overrides, U+202A-U+202E) are dropped and unclosed isolates closed; the zero-width
non-joiner and the direction marks that Persian needs stay.

Limits (Telegram counts UTF-16 code units of the text after its tags are read): a message
holds 4096, a document's caption 1024. The full text is split at paragraph boundaries
within that; a paragraph longer than a message (a 5,000-character word) is cut into
plain pieces.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from nashr.bulletins.models import Bulletin
from nashr.core.calendars import format_date, format_month, localize_digits
from nashr.mirror.addresses import file_for
from nashr.publications.models import Publication
from nashr.telegram.models import Channel, LinkBase, PostMode

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_EMBEDDINGS = re.compile("[\u202a-\u202e]")
_ISOLATE_OPEN = frozenset("\u2066\u2067\u2068")
_ISOLATE_CLOSE = "\u2069"
# Controls other than the line break (a tab is kept as a space).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "s": "s", "del": "s"}
_BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figure", "tr"}
)


def units(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def clean(text: str) -> str:
    """Editor's text made safe to show: no embeddings or overrides, isolates closed."""
    text = _CONTROLS.sub(lambda m: " " if m.group() == "\t" else "", text)
    text = _EMBEDDINGS.sub("", text)
    lines = []
    for line in text.split("\n"):
        depth = 0
        for char in line:
            if char in _ISOLATE_OPEN:
                depth += 1
            elif char == _ISOLATE_CLOSE:
                depth = max(depth - 1, 0)
        lines.append(line + _ISOLATE_CLOSE * depth)
    return "\n".join(lines)


def escape(text: str) -> str:
    return html.escape(clean(text), quote=False)


def link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{escape(label)}</a>'


@dataclass
class Block:
    """A paragraph as Telegram HTML (its tags balanced) and as the text readers see."""

    markup: str
    plain: str


@dataclass
class Message:
    """What one post shows: text parts (one message each), or a document and its caption."""

    parts: list[str] = field(default_factory=list)
    document: bytes | None = None
    filename: str = ""


class _BodyReader(HTMLParser):
    """The stored HTML of a body as blocks of Telegram HTML."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.markup: list[str] = []
        self.plain: list[str] = []
        self.open: list[str] = []  # Telegram tags open in the current block
        self.skip = 0  # inside <script>, <style>, <svg>...

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "svg", "template"}:
            self.skip += 1
        elif tag in _BLOCKS:
            self.end_block()
            if tag == "li":
                self.text("• ")
        elif tag == "br":
            self.text("\n")
        elif tag in _INLINE:
            self.push(_INLINE[tag], _INLINE[tag])
        elif tag == "code" and "code" not in self.open:
            self.push("code", "code")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            absolute = urljoin(self.base_url, href)
            if urlsplit(absolute).scheme in {"http", "https"}:
                self.push("a", f'a href="{html.escape(absolute, quote=True)}"')
            else:
                self.open.append("")  # a link nowhere: its text stays, unlinked

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "svg", "template"}:
            self.skip = max(self.skip - 1, 0)
        elif tag in _BLOCKS:
            self.end_block()
        elif tag in _INLINE or tag in {"a", "code"}:
            wanted = {"a": "a", "code": "code"}.get(tag, _INLINE.get(tag, ""))
            if wanted in self.open or (tag == "a" and "" in self.open):
                name = self.open.pop()
                if name:
                    self.markup.append(f"</{name}>")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text(" ".join(data.split("\n")))

    def push(self, name: str, opening: str) -> None:
        # Every tag written is closed by the end tag that pops it (end tags pop the last
        # one open), so the markup stays balanced however the body's HTML nests.
        if name in self.open:  # <b> inside <b> adds nothing: a placeholder to pop
            self.open.append("")
            return
        self.open.append(name)
        self.markup.append(f"<{opening}>")

    def text(self, text: str) -> None:
        cleaned = clean(text)
        if not self.plain and not cleaned.strip():
            return
        self.plain.append(cleaned)
        self.markup.append(html.escape(cleaned, quote=False))

    def end_block(self) -> None:
        closing = "".join(f"</{name}>" for name in reversed(self.open) if name)
        plain = "".join(self.plain).strip()
        if plain:
            self.blocks.append(Block(("".join(self.markup) + closing).strip(), plain))
        # Tags still open go on in the next block (a <b> over two list items); a link's
        # rest is shown unlinked.
        self.open = ["" if name == "a" else name for name in self.open]
        self.markup = [f"<{name}>" for name in self.open if name]
        self.plain = []

    def close(self) -> None:
        super().close()
        self.end_block()


def body_blocks(body_html: str, base_url: str) -> list[Block]:
    reader = _BodyReader(base_url)
    reader.feed(body_html)
    reader.close()
    return reader.blocks


def _pieces(plain: str, limit: int) -> list[str]:
    """Plain text cut into pieces of at most `limit` units, between words when it can."""
    pieces: list[str] = []
    rest = plain
    while units(rest) > limit:
        cut = limit
        while units(rest[:cut]) > limit:
            cut -= 1
        space = rest.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def split_blocks(blocks: list[Block], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks joined into messages of at most `limit` units, split between paragraphs."""
    flat: list[Block] = []
    for block in blocks:
        if units(block.plain) <= limit:
            flat.append(block)
        else:
            flat += [Block(html.escape(p, quote=False), p) for p in _pieces(block.plain, limit)]
    parts: list[str] = []
    markup: list[str] = []
    size = 0
    for block in flat:
        extra = units(block.plain) + (2 if markup else 0)
        if markup and size + extra > limit:
            parts.append("\n\n".join(markup))
            markup, size = [], 0
            extra = units(block.plain)
        markup.append(block.markup)
        size += extra
    if markup:
        parts.append("\n\n".join(markup))
    return parts


def _shorten(plain: str, room: int) -> str:
    """`plain` in at most `room` units, cut between words and ended with "…"."""
    if units(plain) <= room:
        return plain
    if room <= 1:
        return ""
    return _pieces(plain, room - 1)[0] + "…"


# -- Addresses -------------------------------------------------------------------------


def address(channel: Channel, path: str) -> str:
    """The absolute address of the site's `path`, on the site or in the mirror."""
    base = settings.NASHR_SITE_URL
    if channel.link_base == LinkBase.MIRROR:
        mirror = settings.NASHR_MIRROR_BASE_URL or next(iter(settings.NASHR_MIRROR_URLS), "")
        rel = file_for(path)
        if mirror and rel is not None:
            rel = rel.removesuffix("index.html")  # the mirror's files are stored decoded
            return f"{mirror.rstrip('/')}/{quote(rel)}"
    return f"{base}{path}"


# -- Publications ----------------------------------------------------------------------


def publication_message(channel: Channel, publication: Publication) -> Message:
    """The post of a publication in `channel`: summary and link, or its full text."""
    language = publication.language
    url = address(channel, publication.get_absolute_url())
    with override(language):
        label = _("Read it on the site")
    date = format_date(publication.shown_date(), language)
    head = Block(
        f"<b>{escape(publication.title)}</b>\n{escape(date)}", f"{clean(publication.title)}\n{date}"
    )
    tail = Block(link(url, label), clean(label))
    if channel.post_mode == PostMode.FULL:
        blocks = body_blocks(publication.body_html, url) or _summary_blocks(publication)
        parts = split_blocks([head, *blocks, tail])
        return Message(parts=parts)
    room = MESSAGE_LIMIT - units(head.plain) - units(tail.plain) - 4
    summary = _shorten(clean(publication.summary).strip(), room)
    middle = [Block(html.escape(summary, quote=False), summary)] if summary else []
    return Message(parts=split_blocks([head, *middle, tail]))


def _summary_blocks(publication: Publication) -> list[Block]:
    summary = clean(publication.summary).strip()
    return [Block(html.escape(summary, quote=False), summary)] if summary else []


# -- Bulletin issues -------------------------------------------------------------------


def bulletin_caption(channel: Channel, bulletin: Bulletin, limit: int = CAPTION_LIMIT) -> str:
    """The caption of an issue's PDF (or its text, in a channel that gets no PDF)."""
    series = bulletin.series
    language = series.language
    url = address(channel, bulletin.get_absolute_url())
    with override(language):
        label = _("Read it on the site")
        number = _("No. %(number)s") % {"number": localize_digits(str(bulletin.number), language)}
        corrected = _("Corrected edition") if bulletin.edition > 1 else ""
    month = format_month(bulletin.period_year, bulletin.period_month, language)
    head = f"{clean(series.title)} — {number} — {month}"
    lines = [f"<b>{escape(head)}</b>"]
    plain = [head]
    if corrected:
        lines.append(f"<i>{escape(corrected)}</i>")
        plain.append(corrected)
    tail = link(url, label)
    room = limit - units("\n".join(plain)) - units(label) - 4
    headline = _shorten(clean(bulletin.editorial_title).strip(), room)
    if headline:
        lines.append(html.escape(headline, quote=False))
    lines.append(tail)
    return "\n".join(lines)


def bulletin_message(channel: Channel, bulletin: Bulletin, pdf: bytes | None) -> Message:
    if pdf is None:
        return Message(parts=[bulletin_caption(channel, bulletin, MESSAGE_LIMIT)])
    name = f"{bulletin.series.slug}-{bulletin.number}.pdf"
    return Message(parts=[bulletin_caption(channel, bulletin)], document=pdf, filename=name)

"""HTML from another system (WordPress, Drupal, a feed) as a safe body for Nashr.

In order: block-editor comments go; WordPress shortcodes are read (``[caption]`` becomes
a figure, ``[embed]`` and ``[video]``/``[audio]`` a link, ``[gallery]`` the images of
its attachments) and any other shortcode is taken out and reported; text written
without paragraphs (WordPress's classic editor, Drupal's "filtered HTML") gets them, as
both systems add them on display; an oEmbed address alone on a line becomes a link;
images are brought in from the uploads folder through the media app (``uploads``), or
reported; then the HTML is sanitized like any imported HTML
(``core.content.sanitize_html``).

An image brought in is referred to as an editor's ``![alt](media:ID)`` is once rendered,
``<img src="media:ID" alt="…">``, and a link to its full size as ``href="media:ID"``: the
body stays one HTML block (Markdown inside one is not read), and the site turns each
reference into the image's ``<picture>`` or file address when it renders the body. They
are put in after sanitizing, which keeps no ``media:`` address.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nashr.core.content import sanitize_html
from nashr.importers.formats import sanitize_tags
from nashr.importers.uploads import NOT_STORED, Uploads
from nashr.media.processing import IMAGE_EXTENSIONS, extension_of

# WordPress's own shortcode grammar, reduced: `[name attrs]`, `[name attrs /]`, and the
# enclosing `[name attrs]content[/name]`; `[[name]]` is an escaped, literal shortcode.
_SHORTCODE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])([^\]\[]*?)(/?)\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_BLOCK_TAG = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|table|thead|tbody|tr|td|th|blockquote|pre|figure|hr|dl|"
    r"address|section|article|aside|header|footer|form|iframe|object|embed|video|audio|"
    r"img|style|script)\b",
    re.IGNORECASE,
)
_BARE_URL_LINE = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$", re.MULTILINE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_HREF = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)("[^"]*"|'[^']*')""", re.IGNORECASE)
_ALT = re.compile(r"""(?<![\w-])alt\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
# Stands for a `media:` reference while the HTML is sanitized (characters for private use,
# taken out of the source first, so that only these are read back).
_MARK, _MARK_END = "\ue000", "\ue001"
_MARKED = re.compile(f"{_MARK}([0-9]+){_MARK_END}")
# A link to one of these on the old site is a link to an image: it is brought in too
# (a GIF, to be refused as an upload is).
_LINKED_IMAGES = {*IMAGE_EXTENSIONS, "gif"}


@dataclass
class Converted:
    """A body ready to save, and what could not be carried over."""

    body: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Markup:
    """The conversion of one run: the uploads, and WordPress's attachments by id."""

    uploads: Uploads
    attachments: Mapping[str, str] = field(default_factory=dict)
    shortcodes: bool = False

    def convert(self, source: str, *, paragraphs: bool, language: str) -> Converted:
        """`source` as a body to save; `language` is the item's (its images' alt text's)."""
        notes: list[str] = []
        references: list[str] = []
        text = _BLOCK_COMMENT.sub("", source.replace(_MARK, "").replace(_MARK_END, ""))
        if self.shortcodes:
            text = self._shortcodes(text, notes)
        text = _BARE_URL_LINE.sub(lambda m: _link(m.group(1)), text)
        if paragraphs:
            text = autop(text)
        text = _IMG.sub(lambda m: self._image(m.group(0), language, notes, references), text)
        text = _HREF.sub(lambda m: self._link_target(m, language, notes, references), text)
        clean = sanitize_html(text)
        if references:
            clean = _MARKED.sub(lambda m: references[int(m.group(1))], clean)
        # Markdown ends an HTML block at a blank line: keep the sanitized HTML one block.
        clean = "\n".join(line for line in clean.split("\n") if line.strip())
        return Converted(clean + "\n" if clean else "", list(dict.fromkeys(notes)))

    def _image(self, tag: str, language: str, notes: list[str], references: list[str]) -> str:
        found = _SRC.search(tag)
        if found is None:
            return ""
        alt_found = _ALT.search(tag)
        alt = html.unescape(alt_found.group(1).strip("\"'")) if alt_found else ""
        address = html.unescape(found.group(1).strip("\"'"))
        media_id, image_notes = self.uploads.image(address, alt=alt, language=language)
        notes.extend(image_notes)
        # A dry run stores nothing: its body refers to no upload that will not exist (the
        # publication services refuse a reference that leads nowhere).
        if media_id is None or media_id == NOT_STORED:
            return ""
        alt = html.escape(" ".join(alt.split()))
        return _mark(references, f'<img src="media:{media_id}" alt="{alt}">')

    def _link_target(
        self, match: re.Match[str], language: str, notes: list[str], references: list[str]
    ) -> str:
        """A link to an uploaded image (a full-size view) goes to the image brought in."""
        address = html.unescape(match.group(2).strip("\"'"))
        if "/uploads/" not in address and "/files/" not in address:
            return match.group(0)
        if extension_of(urlsplit(address).path) not in _LINKED_IMAGES:
            return match.group(0)
        media_id, image_notes = self.uploads.image(address, alt="", language=language)
        notes.extend(image_notes)
        if media_id is None or media_id == NOT_STORED:
            return match.group(0)
        return f'{match.group(1)}"{_mark(references, f"media:{media_id}")}"'

    def _shortcodes(self, text: str, notes: list[str]) -> str:
        parts: list[str] = []
        position = 0
        for found in _SHORTCODE.finditer(text):
            if found.start() < position:
                continue
            escaped, name, raw, self_closing, closing_bracket = found.groups()
            parts.append(text[position : found.start()])
            position = found.end()
            if escaped and closing_bracket:
                parts.append(found.group(0)[1:-1])
                continue
            inner = ""
            closing = f"[/{name}]"
            if not self_closing:
                end = text.find(closing, found.end())
                if end >= 0:
                    inner, position = text[found.end() : end], end + len(closing)
            handler = _HANDLERS.get(name.lower())
            attrs = _attributes(raw)
            if handler is None:
                notes.append(f"unknown shortcode [{name}] taken out (its inner text kept)")
                parts.append(self._shortcodes(inner, notes))
            else:
                parts.append(handler(self, attrs, self._shortcodes(inner, notes), notes))
        parts.append(text[position:])
        return "".join(parts)


def _mark(references: list[str], reference: str) -> str:
    """A mark that stands for `reference` until the HTML is sanitized."""
    references.append(reference)
    return f"{_MARK}{len(references) - 1}{_MARK_END}"


def _attributes(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, double, single, bare in _ATTRIBUTE.findall(raw):
        attrs[name.lower()] = double or single or bare
    positional = raw.strip().split()
    if positional and "=" not in positional[0]:
        attrs.setdefault("0", positional[0].strip("\"'"))
    return attrs


def _link(url: str) -> str:
    escaped = html.escape(url)
    return f'<p><a href="{escaped}">{escaped}</a></p>'


def _caption(markup: Markup, attrs: dict[str, str], inner: str, notes: list[str]) -> str:
    images = _IMG.findall(inner)
    # The image may sit inside a link to its full size: keep the whole link.
    match = re.search(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>", inner, re.IGNORECASE)
    picture = match.group(0) if match else (images[0] if images else "")
    caption = (attrs.get("caption") or inner.replace(picture, "")).strip()
    return f"<figure>{picture}<figcaption>{caption}</figcaption></figure>"


def _embed(markup: Markup, attrs: dict[str, str], inner: str, notes: list[str]) -> str:
    url = (inner or attrs.get("src") or attrs.get("url") or attrs.get("0") or "").strip()
    return _link(url) if url.startswith(("http://", "https://")) else ""


def _media(markup: Markup, attrs: dict[str, str], inner: str, notes: list[str]) -> str:
    for key in ("src", "mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "m4a"):
        if attrs.get(key, "").startswith(("http://", "https://")):
            return _link(attrs[key])
    notes.append("a [video] or [audio] shortcode without an address taken out")
    return ""


def _gallery(markup: Markup, attrs: dict[str, str], inner: str, notes: list[str]) -> str:
    ids = [part.strip() for part in attrs.get("ids", "").split(",") if part.strip()]
    if not ids:
        notes.append("a [gallery] without ids taken out (it listed the post's attachments)")
        return ""
    images = []
    for attachment_id in ids:
        address = markup.attachments.get(attachment_id)
        if address is None:
            notes.append(f"[gallery] attachment #{attachment_id} is not in the export")
            continue
        images.append(f'<img src="{html.escape(address)}" alt="">')
    return f"<figure>{''.join(images)}</figure>" if images else ""


_HANDLERS: dict[str, Callable[[Markup, dict[str, str], str, list[str]], str]] = {
    "caption": _caption,
    "wp_caption": _caption,
    "embed": _embed,
    "video": _media,
    "audio": _media,
    "gallery": _gallery,
}


def autop(text: str) -> str:
    """Paragraphs for text written without them: blank lines part them, a newline breaks.

    Like WordPress's ``wpautop`` and Drupal's ``_filter_autop``, a chunk that already
    starts with a block element is left as it is.
    """
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for chunk in chunks:
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_TAG.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(out)


_BREAKS = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)


def plain_text(fragment: str) -> str:
    """HTML (an excerpt, a comment) as plain text, its paragraphs kept."""
    text = _BREAKS.sub("\n", fragment)
    text = html.unescape(sanitize_tags(text))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()

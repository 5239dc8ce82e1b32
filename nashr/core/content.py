"""Markdown and HTML written by staff, turned into HTML that is safe to show readers.

markdown-it-py renders; nh3 (the Rust `ammonia` sanitizer) keeps only the tags and
attributes below. No script, style, event handler or `javascript:`/`data:` URL survives,
and no element may load anything from another host: an image must be on this site, or it
is dropped. An uploaded file is referenced as ``media:ID`` (``![alt](media:12)``,
``[the PDF](media:13)``); the app that stores uploads registers how such a reference is
shown (``set_media_resolver``), so core needs no knowledge of it.
Attribute values are checked too, so that what survives is also valid HTML (a page that
fails the HTML checker because of one bad `dir="x"` is a broken page).
"""

from __future__ import annotations

import re
from html import escape, unescape
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "mark", "ol", "p", "picture", "pre", "q", "s", "small", "source", "span", "strong",
    "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "source": {"srcset", "sizes", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_NON_NEGATIVE = re.compile(r"^[0-9]{1,5}$")
_INTEGER = re.compile(r"^-?[0-9]{1,6}$")
_DIRECTIONS = {"ltr", "rtl", "auto"}
_SCOPES = {"row", "col", "rowgroup", "colgroup"}
# Browsers drop these from URLs before resolving them, so "/\t/evil.example" is "//evil…".
_URL_IGNORED = str.maketrans("", "", "\t\n\r")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
_SIZES = re.compile(r"^[0-9a-z(),.:% -]{1,200}$")
_SOURCE_TYPES = {"image/webp", "image/avif", "image/jpeg", "image/png"}
_MEDIA_IMAGE = re.compile(r'<img src="media:([0-9]{1,12})" alt="([^"]*)"\s*/?>')
_MEDIA_LINK = re.compile(r'href="media:([0-9]{1,12})"')
# Any reference, resolvable or not: an image's source or a link's address.
_MEDIA_ANY = re.compile(r'<img src="media:([^"]*)"[^>]*>|href="media:([^"]*)"')
_MEDIA_ID = re.compile(r"[0-9]{1,12}")


class MediaResolver(Protocol):
    """How `media:ID` references become HTML (registered by the uploads app)."""

    def image_html(self, pk: int, *, alt: str) -> str | None:
        """The image's HTML (<picture> with its variants); None if there is no such image."""

    def url(self, pk: int) -> str | None:
        """The address of the file (an attachment); None if there is no such file."""


_resolver: MediaResolver | None = None


def set_media_resolver(resolver: MediaResolver | None) -> None:
    global _resolver
    _resolver = resolver


def _resolve_media(html: str) -> str:
    """`media:ID` references replaced by what the resolver gives, or left to be dropped."""
    if _resolver is None or "media:" not in html:
        return html
    resolver = _resolver

    def image(match: re.Match[str]) -> str:
        found = resolver.image_html(int(match[1]), alt=unescape(match[2]))
        return found if found is not None else ""

    def link(match: re.Match[str]) -> str:
        url = resolver.url(int(match[1]))
        # An attribute the sanitizer drops: the link becomes its words.
        return f'href="{escape(url)}"' if url is not None else 'data-gone=""'

    return _MEDIA_LINK.sub(link, _MEDIA_IMAGE.sub(image, html))


def _local_srcset(value: str) -> bool:
    """Every candidate of a srcset is a local path with a width or density."""
    for candidate in value.split(","):
        parts = candidate.split()
        if not parts or len(parts) > 2 or not is_local_path(parts[0]):
            return False
        if len(parts) == 2 and not re.fullmatch(r"[0-9]{1,5}w|[0-9](?:\.[0-9])?x", parts[1]):
            return False
    return True


_markdown = (
    MarkdownIt("commonmark", {"html": True, "linkify": False})
    .enable("table")
    .enable("strikethrough")
)


def is_local_path(url: str) -> bool:
    """True for an absolute path on this site ("/media/a.png"), never another host.

    "//host/x", "/\\host/x" and the same with tabs or newlines between the slashes all
    reach another host in a browser, so they are not local.
    """
    value = url.translate(_URL_IGNORED).strip()
    return value.startswith("/") and "\\" not in value and not value.startswith("//")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep an attribute only with a value that is safe and valid HTML."""
    if tag == "img" and attribute == "src":
        return value if is_local_path(value) else None
    if attribute == "srcset":
        return value if _local_srcset(value) else None
    if attribute == "sizes":
        return value if _SIZES.match(value) else None
    if attribute == "loading":
        return value if value in {"lazy", "eager"} else None
    if attribute == "decoding":
        return value if value in {"async", "sync", "auto"} else None
    if attribute == "type":
        return value if value in _SOURCE_TYPES else None
    if attribute == "lang":
        return value if value == "" or _LANGUAGE_TAG.match(value) else None
    if attribute == "dir":
        return value.lower() if value.lower() in _DIRECTIONS else None
    if attribute in {"width", "height"}:
        return value if _NON_NEGATIVE.match(value) else None
    if attribute in {"colspan", "rowspan"}:
        return value if _NON_NEGATIVE.match(value) and 0 < int(value) <= 1000 else None
    if attribute == "start":
        return value if _INTEGER.match(value) else None
    if attribute == "scope":
        return value.lower() if value.lower() in _SCOPES else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    attribute_filter=_filter_attribute,
    strip_comments=True,
)


class _Tidy(HTMLParser):
    """Second pass over sanitized HTML: leaves out what would be invalid or misleading.

    A link whose address was removed becomes its text; an image whose source was removed
    disappears; an image without alt text gets an empty one (decorative); a first-level
    heading in a body becomes second-level, as the page's title is the only h1.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.links: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "a":
            self.links.append("href" in names)
            if "href" not in names:
                return
        if tag == "source" and "srcset" not in names:
            return
        if tag == "img":
            if "src" not in names:
                return
            if "alt" not in names:
                attrs = [*attrs, ("alt", "")]
        if tag == "h1":
            tag = "h2"
        rendered = "".join(f' {name}="{escape(value or "")}"' for name, value in attrs)
        self.out.append(f"<{tag}{rendered}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links and not self.links.pop():
            return
        self.out.append(f"</{'h2' if tag == 'h1' else tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")


def sanitize_html(html: str) -> str:
    """HTML reduced to the allowed tags and attributes, with valid values only."""
    tidy = _Tidy()
    tidy.feed(_cleaner.clean(html))
    tidy.close()
    # The second pass only removes or renames; cleaning again keeps that a guarantee.
    return _EMPTY_PARAGRAPH.sub("", _cleaner.clean("".join(tidy.out)))


_LOCAL_URL = re.compile(r'\b(src|href)="(/(?!/)[^"]*)"')
_SRCSET = re.compile(r'\bsrcset="([^"]*)"')


def absolute_urls(html: str, *, base: str) -> str:
    """Sanitized HTML with every local address made absolute on `base` (for an email).

    Only for HTML this module produced: its addresses are local paths or full URLs.
    """

    def srcset(match: re.Match[str]) -> str:
        candidates = [c.strip() for c in match[1].split(",")]
        absolute = [
            base + c if c.startswith("/") and not c.startswith("//") else c for c in candidates
        ]
        return f'srcset="{", ".join(absolute)}"'

    return _SRCSET.sub(srcset, _LOCAL_URL.sub(lambda m: f'{m[1]}="{base}{m[2]}"', html))


def render_markdown(text: str) -> str:
    """Markdown (which may contain HTML) rendered and sanitized."""
    return sanitize_html(_resolve_media(_markdown.render(text or "")))


def media_references(text: str) -> set[int]:
    """The ids of the uploads a Markdown text shows or links (its `media:ID` references)."""
    if "media:" not in (text or ""):
        return set()
    html = _markdown.render(text)
    return {int(m[1]) for m in _MEDIA_IMAGE.finditer(html)} | {
        int(m[1]) for m in _MEDIA_LINK.finditer(html)
    }


def unresolved_media(text: str) -> list[str]:
    """The `media:` references of a Markdown text that would show nothing, as written.

    Each is named as the editor typed it ("media:999", "media:۱"): a number with no
    upload, an image reference to a file that is not an image, an id in other than ASCII
    digits. Rendering drops such a reference without a word (the image disappears, the
    link becomes its text), so a service refuses the text instead. With no resolver
    registered, nothing can be checked and nothing is reported.
    """
    if _resolver is None or "media:" not in (text or ""):
        return []
    resolver = _resolver
    missing: list[str] = []
    for match in _MEDIA_ANY.finditer(_markdown.render(text)):
        if match[1] is not None:
            written = match[1]
            image = _MEDIA_IMAGE.fullmatch(match[0])
            found = image is not None and resolver.image_html(int(image[1]), alt="") is not None
        else:
            written = match[2]
            found = bool(_MEDIA_ID.fullmatch(written)) and resolver.url(int(written)) is not None
        if not found:
            missing.append(f"media:{unquote(written)}")
    return list(dict.fromkeys(missing))

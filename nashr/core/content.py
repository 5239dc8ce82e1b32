"""Markdown and HTML written by staff, turned into HTML that is safe to show readers.

markdown-it-py renders; nh3 (the Rust `ammonia` sanitizer) keeps only the tags and
attributes below. No script, style, event handler or `javascript:` URL survives, and no
element may load anything from another host: images must be on this site.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q",
    "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u",
    "ul", "bdi", "bdo", "span", "mark",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table").enable(
    "strikethrough"
)


def _keep_local_sources(tag: str, attribute: str, value: str) -> str | None:
    """Drop an image source on another host: a reader's browser must ask nothing of one."""
    if tag == "img" and attribute == "src":
        if value.startswith("/") and not value.startswith("//"):
            return value
        return None
    return value


def sanitize_html(html: str) -> str:
    """HTML reduced to the allowed tags and attributes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_keep_local_sources,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown (which may contain HTML) rendered and sanitized."""
    return sanitize_html(_markdown.render(text or ""))

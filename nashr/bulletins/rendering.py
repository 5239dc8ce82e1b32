"""An issue's one document rendered as web page, email and PDF, through one template set.

`bulletins/_document.html` is the body of all three; the web page wraps it in the site's
`base.html`, the email in `email.html` (CSS inlined, plus `email.txt` for the text part),
the PDF in `pdf.html` (page rules, embedded Vazirmatn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from nashr.bulletins import selectors
from nashr.bulletins.models import Bulletin
from nashr.bulletins.schema import BulletinDocument
from nashr.core.content import absolute_urls
from nashr.core.exceptions import ApplicationError
from nashr.core.languages import site_language, site_name
from nashr.media.references import print_html


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str
    language: str


class RenderError(ApplicationError):
    """A format could not be produced."""


@cache
def _static_text(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise RenderError(f"static file {path} is missing", hint="run `make node-deps`")
    return Path(str(found)).read_text(encoding="utf-8")


def _context(document: BulletinDocument, **extra: Any) -> dict[str, Any]:
    # The mirrors go into every medium: the email footer, the PDF colophon.
    return {"doc": document, "mirror_urls": settings.NASHR_MIRROR_URLS, **extra}


# -- email -----------------------------------------------------------------------------


_DECLARATION = re.compile(r"(?P<prop>[a-z-]+)\s*:\s*(?P<value>[^;{}]+)")


def physical_css(css: str, *, direction: str) -> str:
    """Logical properties turned into physical ones for mail programs that lack them.

    The site's CSS is written with logical properties; many mail programs (Outlook,
    older Gmail) know only top/right/bottom/left, so the email gets them resolved for
    the issue's direction.
    """
    start, end = ("right", "left") if direction == "rtl" else ("left", "right")
    sides = {"block-start": "top", "block-end": "bottom", "inline-start": start, "inline-end": end}

    def replace(match: re.Match[str]) -> str:
        prop, value = match["prop"], match["value"].strip()
        for box in ("margin", "padding", "border"):
            for logical, physical in sides.items():
                if prop == f"{box}-{logical}":
                    return f"{box}-{physical}: {value}"
            for axis, (first, second) in (
                ("block", ("top", "bottom")),
                ("inline", (start, end)),
            ):
                if prop == f"{box}-{axis}" and box != "border":
                    values = value.split()
                    a, b = values[0], values[-1]
                    return f"{box}-{first}: {a}; {box}-{second}: {b}"
        if prop == "inline-size":
            return f"width: {value}"
        if prop == "block-size":
            return f"height: {value}"
        if prop == "text-align" and value in {"start", "end"}:
            return f"text-align: {start if value == 'start' else end}"
        return match.group(0)

    return _DECLARATION.sub(replace, css)


def _text_masthead(document: BulletinDocument) -> str:
    return (
        f"{document['series']['name']} — {document['period']['label']} — {document['number_label']}"
    )


def email_content(
    *, document: BulletinDocument, unsubscribe_url: str, manage_url: str
) -> EmailContent:
    """The subject, text and HTML of an email from a document."""
    import css_inline

    with override(document["language"]):
        css = physical_css(
            _static_text("bulletins/bulletin.css") + _static_text("bulletins/email.css"),
            direction=document["direction"],
        )
        html = render_to_string(
            "bulletins/email.html",
            _context(
                document,
                css=css,
                unsubscribe_url=unsubscribe_url,
                manage_url=manage_url,
            ),
        )
        masthead = _text_masthead(document)
        text = render_to_string(
            "bulletins/email.txt",
            _context(
                document,
                masthead=masthead,
                rule="=" * min(len(masthead), 72),
                section_rule="-" * 40,
                unsubscribe_url=unsubscribe_url,
                manage_url=manage_url,
            ),
        )
    inlined = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(
        html
    )
    return EmailContent(
        subject=document["subject"],
        text=re.sub(r"\n{3,}", "\n\n", text).strip() + "\n",
        # Images and links from the site itself, whole addresses without tracking.
        html=absolute_urls(inlined, base=settings.NASHR_SITE_URL),
        language=document["language"],
    )


def bulletin_email_content(
    *, bulletin: Bulletin, unsubscribe_url: str, manage_url: str
) -> EmailContent:
    """The email of an issue; the two URLs appear verbatim in both parts' footers.

    Drafts give their preview. URLs made of [A-Za-z0-9_:/.-] are neither escaped nor
    changed, so a sender may render once with placeholders and substitute per recipient.
    """
    return email_content(
        document=selectors.bulletin_document(bulletin=bulletin),
        unsubscribe_url=unsubscribe_url,
        manage_url=manage_url,
    )


# -- web page --------------------------------------------------------------------------


def document_html_fragment(*, document: BulletinDocument, medium: str = "web") -> str:
    """The document's body alone (for previews and tests)."""
    with override(document["language"]):
        return render_to_string("bulletins/_document.html", _context(document, medium=medium))


# -- PDF -------------------------------------------------------------------------------


# Characters a CSS string in an HTML <style> element must not hold as themselves: its
# quote, the escape, line ends and other controls (which end or break the string), and
# `<`, `>`, `&` and `'`, so that no "</style>" in a title ends the element and starts HTML.
_CSS_STRING_UNSAFE = frozenset("\"\\<>&'\x7f") | {chr(code) for code in range(0x20)}


def css_string(text: str) -> str:
    """A CSS string literal holding `text`, safe inside an HTML <style> element.

    Each unsafe character becomes a CSS hexadecimal escape ("\\3c " for "<"); the space
    after it ends the escape and is not part of the text.
    """
    escaped = "".join(f"\\{ord(c):x} " if c in _CSS_STRING_UNSAFE else c for c in text)
    return f'"{escaped}"'


# CSS counter styles (predefined, CSS Counter Styles 3) writing each kind of digits.
COUNTER_STYLES = {"latn": "decimal", "arabext": "persian", "arab": "arabic-indic"}


def _page_counter(language: str) -> str:
    """`"Page " counter(page) " of " counter(pages)` in the language's words and digits."""
    style = COUNTER_STYLES[site_language(language).digits]
    pattern = _("Page %(page)s of %(pages)s")
    parts: list[str] = []
    for piece in re.split(r"(%\(page\)s|%\(pages\)s)", pattern):
        if piece == "%(page)s":
            parts.append(f"counter(page, {style})")
        elif piece == "%(pages)s":
            parts.append(f"counter(pages, {style})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def pdf_html(*, document: BulletinDocument) -> str:
    """The HTML WeasyPrint lays out for the PDF."""
    language = document["language"]
    series = document["series"]
    with override(language):
        header = " · ".join(
            part
            for part in (
                series["name"],
                document["number_label"],
                document["period"]["label"],
            )
            if part
        )
        return print_html(
            render_to_string(
                "bulletins/pdf.html",
                _context(
                    document,
                    medium="pdf",
                    static_url=_static_base(),
                    css=mark_safe(
                        _static_text("bulletins/bulletin.css") + _static_text("bulletins/print.css")
                    ),
                    running_header=css_string(header),
                    # The site's name at the foot of every page, before its number.
                    page_footer=f"{css_string(site_name(language) + ' · ')} "
                    + _page_counter(language),
                ),
            )
        )


def _static_base() -> str:
    static = settings.STATIC_URL or "/static/"
    if static.startswith(("http://", "https://")):
        return static
    return settings.NASHR_SITE_URL + static


@cache
def local_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher serving this site's static and media files from disk.

    It answers nothing else: a PDF is rendered on the server, and must never make the
    server fetch from another host (or from this one over the network).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFilesOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = _local_path(url)
            if path is None:
                raise ValueError(f"not a local static or media file: {url}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return LocalFilesOnly()


def _local_path(url: str) -> Path | None:
    static_base = _static_base()
    if url.startswith(static_base):
        relative = url[len(static_base) :].split("?")[0].split("#")[0]
        if ".." in relative.split("/"):
            return None
        found = finders.find(relative)
        return Path(str(found)) if found else None
    media_base = settings.NASHR_SITE_URL + (settings.MEDIA_URL or "/media/")
    if url.startswith(media_base):
        root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (root / url[len(media_base) :].split("?")[0]).resolve()
        if candidate.is_file() and root in candidate.parents:
            return candidate
    return None


def pdf_bytes(*, document: BulletinDocument) -> bytes:
    """The PDF: A4, masthead on page one, running header and page numbers, fonts embedded."""
    from weasyprint import HTML

    html = HTML(
        string=pdf_html(document=document),
        base_url=settings.NASHR_SITE_URL + "/",
        url_fetcher=local_url_fetcher(),
    )
    return bytes(html.write_pdf())


def bulletin_pdf(*, bulletin: Bulletin) -> bytes:
    return pdf_bytes(document=selectors.bulletin_document(bulletin=bulletin))

"""The one structured document of an issue, from which the web page, email and PDF are made.

It is plain JSON (stored frozen in `Bulletin.document` at publishing) so that a published
issue reads the same for ever, whatever happens later to the publications it carried.
Its shape and versions are in `schema`; a stored one is read with `schema.document_read`.
Every text in it is already in the bulletin's language: dates in its calendar and
digits, labels translated, links absolute.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from nashr.bulletins.models import Bulletin, BulletinItem
from nashr.bulletins.schema import (
    DOCUMENT_VERSION,
    BulletinDocument,
    Editorial,
    Item,
    ReadMore,
    TextBlock,
    series_name,
)
from nashr.core import calendars
from nashr.core.bidi import direction
from nashr.core.content import render_markdown
from nashr.core.languages import language_name, quotation_marks
from nashr.publications.language_versions import version_to_show
from nashr.publications.models import Publication, Status

from .plain_text import markdown_to_text

STRIP_QUOTES = "\"'«»“”„‘’ "


def _language_name(code: str) -> str:
    return language_name(code)


def number_label(number: int | None, language: str) -> str:
    if number is None:
        return _("Draft")
    return _("No. %(number)s") % {"number": calendars.localize_digits(number, language)}


def _text_block(markdown: str, language: str) -> TextBlock:
    return {
        "markdown": markdown,
        "html": render_markdown(markdown),
        "text": markdown_to_text(markdown, language=language),
        "language": language,
        "direction": direction(language),
    }


def excerpt_markdown(publication: Publication) -> str:
    """The publication's summary, else the first paragraph of its body."""
    if publication.summary.strip():
        return publication.summary.strip()
    for block in publication.body.replace("\r\n", "\n").split("\n\n"):
        block = block.strip()
        if block and not block.startswith("#"):
            return block
    return ""


def _versions(items: list[BulletinItem]) -> dict[str, dict[str, Publication]]:
    """Published versions of every publication the items carry, by translation key."""
    keys = {item.publication.translation_key for item in items if item.publication}
    versions: dict[str, dict[str, Publication]] = {}
    for publication in Publication.objects.filter(
        translation_key__in=keys, status=Status.PUBLISHED
    ):
        versions.setdefault(str(publication.translation_key), {})[publication.language] = (
            publication
        )
    return versions


def _read_more(
    publication: Publication, versions: dict[str, Publication], language: str
) -> ReadMore:
    """The version `version_to_show` chooses (else the item's own), its language named if other."""
    target = version_to_show(versions.values(), language=language) or publication
    if target.language == language:
        label = _("Read more")
    else:
        label = _("Read more (in %(language)s)") % {"language": _language_name(target.language)}
    return {
        "url": settings.NASHR_SITE_URL + target.get_absolute_url(),
        "label": label,
        "language": target.language,
    }


def _item(item: BulletinItem, versions: dict[str, dict[str, Publication]], language: str) -> Item:
    publication = item.publication
    source_language = publication.language if publication else language
    title = item.title.strip() or (publication.title if publication else "")
    title_language = language if item.title.strip() else source_language
    if item.text.strip():
        markdown, body_language = item.text, language
    elif publication is None:
        markdown, body_language = "", language
    elif item.mode == BulletinItem.Mode.EXCERPT:
        markdown, body_language = excerpt_markdown(publication), source_language
    else:
        markdown, body_language = publication.body, source_language
    signatory = item.signatory or (publication.signatory if publication else None)
    date: dt.date | None = item.date or (publication.date if publication else None)
    slogan = item.slogan.strip().strip(STRIP_QUOTES)
    opening, closing = quotation_marks(language)
    return {
        "publication": publication.pk if publication else None,
        "kind": publication.kind.slug if publication else None,
        "mode": item.mode,
        "title": title,
        "title_language": title_language,
        "title_direction": direction(title_language),
        "body": _text_block(markdown, body_language),
        "slogan": f"{opening}{slogan}{closing}" if slogan else "",
        "signatory": signatory.name(language) if signatory else "",
        "date": date.isoformat() if date else None,
        "date_label": calendars.format_date(date, language),
        "read_more": (
            _read_more(publication, versions.get(str(publication.translation_key), {}), language)
            if publication
            else None
        ),
    }


def _correction(bulletin: Bulletin, language: str) -> str:
    if bulletin.edition <= 1 or bulletin.corrected_at is None:
        return ""
    when = calendars.format_date(timezone.localdate(bulletin.corrected_at), language)
    note = bulletin.correction_note.strip()
    if note:
        return _("Corrected edition of %(date)s: %(note)s") % {"date": when, "note": note}
    return _("Corrected edition of %(date)s") % {"date": when}


def build_document(*, bulletin: Bulletin) -> BulletinDocument:
    """The issue as it reads now (a draft's preview, or the content being frozen)."""
    series = bulletin.series
    language = series.language
    number = bulletin.number
    items = list(
        bulletin.items.select_related(
            "publication__kind", "publication__signatory", "signatory"
        ).order_by("order", "id")
    )
    versions = _versions(items)
    with override(language):
        period = calendars.format_month(bulletin.period_year, bulletin.period_month, language)
        numbered = number_label(number, language)
        subject = _("%(title)s No. %(number)s — %(period)s") % {
            "title": series.title,
            "number": calendars.localize_digits(number, language) if number else "—",
            "period": period,
        }
        editorial: Editorial | None = None
        if bulletin.editorial_title.strip() or bulletin.editorial_body.strip():
            editorial = {
                "title": bulletin.editorial_title.strip(),
                "body": _text_block(bulletin.editorial_body, language),
            }
        document: BulletinDocument = {
            "version": DOCUMENT_VERSION,
            "language": language,
            "direction": direction(language),
            "series": {
                "slug": series.slug,
                "title": series.title,
                "label": series.label,
                "name": series_name(label=series.label, title=series.title),
                "url": settings.NASHR_SITE_URL + series.get_absolute_url(),
            },
            "number": number,
            "number_label": numbered,
            "period": {
                "year": bulletin.period_year,
                "month": bulletin.period_month,
                "label": period,
            },
            "subject": subject,
            "url": settings.NASHR_SITE_URL + bulletin.get_absolute_url() if number else "",
            "editorial": editorial,
            "items": [_item(item, versions, language) for item in items],
            "colophon": _text_block(series.colophon, language),
            "frozen_at": timezone.now().isoformat(),
            "edition": bulletin.edition,
            "correction": _correction(bulletin, language),
        }
    return document

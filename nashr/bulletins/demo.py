"""Demo bulletins made from the demo publications: two English issues, one Persian, and
one in each further language the site has (Sorani, German).

`load()` is idempotent: a series that already has its demo issues is left as it is.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from nashr.bulletins import selectors, services
from nashr.bulletins.models import Bulletin, BulletinItem, BulletinStatus, Series
from nashr.core import calendars
from nashr.core.actors import DEMO
from nashr.core.demo import DemoOutput
from nashr.core.languages import codes

ENGLISH_COLOPHON = (
    "The Nashr Bulletin is the monthly English-language digest of statements, reports and "
    "news published in Persian by the organization. It appears at the start of each month.\n\n"
    "Nashr Demo Organization · <https://nashr.example> · International office: "
    "<international@nashr.example>"
)
PERSIAN_COLOPHON = (
    "خبرنامه نشر گزیده ماهانه بیانیه‌ها، گزارش‌ها و خبرهای سازمان است و آغاز هر ماه "
    "منتشر می‌شود.\n\n"
    "سازمان نمونه نشر · <https://nashr.example> · دفتر بین‌المللی: "
    "<international@nashr.example>"
)
EDITORIALS = {
    "en": [
        (
            "“Our voices cannot be executed”",
            "The month behind us was one of arrests, of executions, and of people who "
            "refused to be silent.\n\nThis issue gathers what the organization said and "
            "what it reported, so that readers abroad can follow what happens at home.",
        ),
        (
            "“No to oblivion”",
            "Those who were arrested last month are not numbers. Their names, and the "
            "demands of their families, are the thread of this issue.",
        ),
    ],
    "fa": [
        (
            "«صدای ما را نمی‌توان اعدام کرد»",
            "ماهی که گذشت ماه بازداشت‌ها و اعدام‌ها بود، و ماه مردمی که خاموش نماندند.\n\n"
            "این شماره آنچه را سازمان گفت و گزارش کرد یک‌جا گرد می‌آورد.",
        ),
    ],
}
# A series in each further language the site has (NASHR_LANGUAGES=fa,en,ckb make demo):
# its slug, title, editorial and fallback item.
FURTHER_SERIES = {
    "ckb": (
        "nashr-kurdi",
        "بڵاوکراوەی نەشر",
        (
            "«دەنگی ئێمە بێدەنگ ناکرێت»",
            "ئەم ژمارەیە ئەوەی ڕێکخراوەکە لەم مانگەدا گوتی و ڕاپۆرتی کرد کۆ دەکاتەوە، بۆ "
            "ئەوەی خوێنەران ئاگاداری ڕووداوەکانی وڵات بن.",
        ),
        ("مانگرتن لە کەرتی نەوتدا بەردەوامە", "کرێکارانی چەند پاڵاوگەیەک دەستیان لە کار کێشایەوە."),
    ),
    "de": (
        "nashr-rundbrief",
        "Nashr-Rundbrief",
        (
            "„Unsere Stimmen lassen sich nicht hinrichten“",
            "Diese Ausgabe fasst zusammen, was die Organisation in diesem Monat erklärt und "
            "berichtet hat, damit Leserinnen und Leser im Ausland verfolgen können, was in der "
            "Heimat geschieht.",
        ),
        (
            "Streiks im Ölsektor gehen weiter",
            "Arbeiter mehrerer Raffinerien legten die Arbeit nieder.",
        ),
    ),
}
FALLBACK_ITEMS = {
    "en": ("Strikes continue in the oil sector", "Workers at several refineries stopped work."),
    "fa": ("ادامه اعتصاب در صنعت نفت", "کارگران چند پالایشگاه دست از کار کشیدند."),
}


def load(*, stdout: DemoOutput | None = None) -> None:
    """Create the demo series and their issues unless they are there already."""
    _english()
    _persian()
    for code in codes():
        if code in FURTHER_SERIES:
            _further(code)
    if stdout is not None:
        counts = ", ".join(
            f"{series.slug}: {_published(series)}" for series in Series.objects.order_by("slug")
        )
        stdout.write(f"bulletins published per series: {counts}")


def _published(series: Series) -> int:
    return Bulletin.objects.filter(series=series, status=BulletinStatus.PUBLISHED).count()


def _period(draft: Bulletin) -> None:
    """The issue covers the month of its newest item, in the series' calendar."""
    dates = [
        item.publication.date
        for item in draft.items.select_related("publication")
        if item.publication
    ]
    newest = max(dates) if dates else timezone.localdate()
    draft.period_year, draft.period_month = calendars.month_of(newest, draft.series.language)
    draft.save(update_fields=["period_year", "period_month", "updated_at"])


def _ensure_item(draft: Bulletin) -> None:
    if not draft.items.exists():
        language = draft.series.language
        title, text = FALLBACK_ITEMS.get(language) or FURTHER_SERIES[language][3]
        BulletinItem.objects.create(bulletin=draft, order=10, title=title, text=text)


def _make_issue(series: Series, editorial: tuple[str, str], keep: int | None) -> Bulletin:
    draft = services.bulletin_draft(
        actor=DEMO, series=series, editorial_title=editorial[0], editorial_body=editorial[1]
    )
    items = list(draft.items.order_by("order"))
    if keep is not None:
        BulletinItem.objects.filter(pk__in=[item.pk for item in items[keep:]]).delete()
        items = items[:keep]
    for item in items:
        body = item.publication.body if item.publication else ""
        if len(body) > 1800:
            item.mode = BulletinItem.Mode.EXCERPT
            item.save(update_fields=["mode"])
    _ensure_item(draft)
    _period(draft)
    return services.bulletin_publish(actor=DEMO, bulletin=draft)


@transaction.atomic
def _english() -> None:
    series, _ = services.series_create_or_update(
        actor=DEMO,
        slug="iran-bulletin",
        title="Nashr Bulletin",
        language="en",
        label="IRAN:",
        first_number=None if Series.objects.filter(slug="iran-bulletin").exists() else 47,
        colophon=ENGLISH_COLOPHON,
    )
    if _published(series) >= 2:
        return
    while _published(series) < 2:
        index = _published(series)
        pending = len(selectors.bulletin_proposal(series=series))
        # The first issue carries the older half, the second what is left.
        keep = max(1, pending // 2) if index == 0 else None
        _make_issue(series, EDITORIALS["en"][index], keep)


@transaction.atomic
def _persian() -> None:
    series, _ = services.series_create_or_update(
        actor=DEMO,
        slug="khabarnameh",
        title="خبرنامه نشر",
        language="fa",
        colophon=PERSIAN_COLOPHON,
    )
    if _published(series) >= 1:
        return
    _make_issue(series, EDITORIALS["fa"][0], keep=12)


@transaction.atomic
def _further(code: str) -> None:
    slug, title, editorial, _fallback = FURTHER_SERIES[code]
    series, _ = services.series_create_or_update(actor=DEMO, slug=slug, title=title, language=code)
    if _published(series) >= 1:
        return
    _make_issue(series, editorial, keep=8)

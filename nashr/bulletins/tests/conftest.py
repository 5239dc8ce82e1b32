"""Fixtures of the bulletin tests: an English and a Persian series with publications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from nashr.bulletins import services
from nashr.bulletins.models import Series
from nashr.core.actors import COMMAND
from nashr.publications import services as publication_services
from nashr.publications.models import Kind, Publication

PERSIAN_BODY = (
    "کمیته اجرایی حزب بار دیگر بر آزادی بی‌قید و شرط همه زندانیان سیاسی تأکید می‌کند.\n\n"
    "در هفته‌های گذشته ده‌ها تن از فعالان کارگری و دانشجویان بازداشت شده‌اند و "
    "خانواده‌های آنان از سرنوشتشان بی‌خبرند؛ ما از همه نهادهای حقوق بشری می‌خواهیم "
    "که صدای آنان باشند.\n\n"
    "زندانی سیاسی آزاد باید گردد."
)
ENGLISH_BODY = (
    "The executive committee once again calls for the unconditional release of all "
    "political prisoners.\n\n"
    "In recent weeks dozens of labour activists and students have been arrested, and "
    "their families know nothing of their fate; see [the list](https://example.org/list).\n\n"
    "Political prisoners must be freed."
)


@pytest.fixture
def english_series(db: None) -> Series:
    series, _ = services.series_create_or_update(
        actor=COMMAND,
        slug="iran-bulletin",
        title="Nashr Bulletin",
        language="en",
        label="IRAN:",
        first_number=47,
        colophon=(
            "The Nashr Bulletin appears monthly. Published by the Example Party, "
            "<https://example.org>, international office: office@example.org"
        ),
    )
    return series


@pytest.fixture
def persian_series(db: None) -> Series:
    series, _ = services.series_create_or_update(
        actor=COMMAND,
        slug="khabarnameh",
        title="خبرنامه نشر",
        language="fa",
        colophon="خبرنامه نشر هر ماه منتشر می‌شود.",
    )
    return series


@pytest.fixture
def statement_pair(
    make_publication: Callable[..., Publication],
) -> Callable[..., tuple[Publication, Publication | None]]:
    """A factory: a Persian statement and (unless told not to) its English translation."""

    def make(
        *, title: str, date: dt.date, translated: bool = True, **extra: Any
    ) -> tuple[Publication, Publication | None]:
        original = make_publication(title=title, body=PERSIAN_BODY, date=date, **extra)
        if not translated:
            return original, None
        translation = publication_services.translation_create(
            actor=COMMAND, original=original, language="en", title=f"EN {title}", body=ENGLISH_BODY
        )
        publication_services.publication_publish(actor=COMMAND, publication=translation)
        return original, translation

    return make


@pytest.fixture
def statement_kind(kinds: dict[str, Kind]) -> Kind:
    return kinds["statement"]


@pytest.fixture
def published_issue(
    english_series: Series, statement_pair: Callable[..., Any]
) -> Callable[..., Any]:
    """A factory: publications, then a draft of `series` proposing them, then published."""
    from nashr.bulletins.models import Bulletin

    def make(series: Series | None = None, *, titles: tuple[str, ...] = ()) -> Bulletin:
        series = series or english_series
        for index, title in enumerate(titles):
            statement_pair(
                title=title,
                date=dt.date(2023, 10, 20) + dt.timedelta(days=index),
                translated=index % 2 == 0,
            )
        year, month = (2023, 11) if series.language == "en" else (1402, 8)
        if series.language == "fa":
            editorial = ("«آزادی بیان» حق همه است", "ماهی از *بازداشت‌ها* و از شجاعت.")
        else:
            editorial = ("“Freedom is not given”", "A month of *arrests* and of courage.")
        draft = services.bulletin_draft(
            actor=COMMAND,
            series=series,
            year=year,
            month=month,
            editorial_title=editorial[0],
            editorial_body=editorial[1],
        )
        return services.bulletin_publish(actor=COMMAND, bulletin=draft)

    return make

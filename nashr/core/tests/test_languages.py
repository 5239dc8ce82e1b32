"""The site's languages are configuration: defaults from CLDR (ICU), overrides by setting,
and dates written in each language's calendar and digits exactly as ICU writes them."""

from __future__ import annotations

import datetime as dt
import io

import icu
import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from nashr.core import calendars, languages
from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.publications import services
from nashr.publications.models import Publication, Status
from nashr.testing.pages import ensure_default_kinds

FOUR = [("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish"), ("de", "German")]


def icu_long_date(date: dt.date, locale: str) -> str:
    """ICU's own long date of `date` in `locale` (UTC noon, so no time zone shifts the day)."""
    formatter = icu.DateFormat.createDateInstance(icu.DateFormat.LONG, icu.Locale(locale))
    formatter.setTimeZone(icu.TimeZone.getGMT())
    moment = dt.datetime.combine(date, dt.time(12), tzinfo=dt.UTC)
    return str(formatter.format(moment.timestamp()))


@override_settings(LANGUAGES=FOUR)
def test_defaults_come_from_cldr() -> None:
    """Sorani: right to left, Gregorian, Arabic-Indic digits, named in Sorani; German: left
    to right with Latin digits and the German stemmer; Persian keeps Jalali and ۰–۹."""
    by_code = {language.code: language for language in languages.site_languages()}
    assert [language.code for language in languages.site_languages()] == [
        "fa",
        "en",
        "ckb",
        "de",
    ]
    ckb, de, fa = by_code["ckb"], by_code["de"], by_code["fa"]
    assert (ckb.direction, ckb.calendar, ckb.digits) == ("rtl", "gregorian", "arab")
    assert ckb.name == "کوردیی ناوەندی"
    assert (de.direction, de.calendar, de.digits, de.stemmer) == (
        "ltr",
        "gregorian",
        "latn",
        "german",
    )
    assert (fa.direction, fa.calendar, fa.digits, fa.stemmer) == ("rtl", "jalali", "arabext", "")
    assert languages.default_language() == "fa"
    assert languages.quotation_marks("de") == ("„", "“")


@override_settings(
    LANGUAGES=[*FOUR, ("ar", "Arabic")],
    NASHR_LANGUAGE_OPTIONS={
        "ckb": "calendar=jalali digits=arabext",
        "ar": "calendar=islamic-civil",
    },
)
def test_settings_override_a_languages_calendar_and_digits() -> None:
    """NASHR_LANGUAGE_CKB="calendar=jalali digits=arabext" dates Sorani in the Jalali
    calendar in Persian digits (with Persian month names, which ICU lacks in Sorani);
    Arabic in the Islamic civil calendar."""
    day = dt.date(2023, 10, 31)
    assert calendars.format_date(day, "ckb") == "۹ی آبانی ۱۴۰۲"
    assert calendars.month_of(day, "ckb") == (1402, 8)
    assert calendars.format_date(day, "ar") == icu_long_date(day, "ar@calendar=islamic-civil")
    assert calendars.month_of(day, "ar") == (1445, 4)
    first, last = calendars.month_bounds(1445, 4, "ar")
    assert (first, last) == (dt.date(2023, 10, 16), dt.date(2023, 11, 13))
    assert calendars.to_calendar(first - dt.timedelta(days=1), "islamic-civil") == (1445, 3, 30)
    assert calendars.to_calendar(last + dt.timedelta(days=1), "islamic-civil") == (1445, 5, 1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            "calendar=julian",
            "NASHR_LANGUAGE_CKB: calendar “julian” of “ckb” is not one Nashr knows",
        ),
        ("digits=roman", "NASHR_LANGUAGE_CKB: digits “roman” of “ckb” is not one Nashr knows"),
        ("colour=blue", "NASHR_LANGUAGE_CKB: unknown language option “colour”"),
        ("calendar jalali", "NASHR_LANGUAGE_CKB: cannot read “calendar jalali”"),
        ("months=a,b,c", "NASHR_LANGUAGE_CKB: “ckb” has 3 month names, not 12"),
        ("stemmer=arabic", "NASHR_LANGUAGE_CKB: stemmer “arabic” of “ckb”: Nashr stems only"),
    ],
)
def test_a_bad_language_setting_names_itself(options: str, message: str) -> None:
    """A wrong option is refused with the setting's name and what is wrong."""
    with pytest.raises(ValidationError) as refused:
        languages.configured_language("ckb", options)
    assert str(refused.value).startswith(message)


def test_a_language_neither_icu_nor_django_knows_needs_its_name() -> None:
    """An unknown code is refused until its name is given; then it is left to right,
    Gregorian and Latin-digited unless said otherwise."""
    with pytest.raises(ValidationError, match="neither ICU nor Django knows"):
        languages.configured_language("qaa", "")
    language = languages.configured_language("qaa", "name=Testish direction=rtl")
    assert (language.name, language.direction, language.calendar) == ("Testish", "rtl", "gregorian")


@override_settings(LANGUAGES=FOUR)
@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("fa", "fa@calendar=persian"),
        ("en", "en"),
        ("ckb", "ckb"),
        ("de", "de"),
    ],
)
def test_every_day_of_a_year_is_written_as_icu_writes_it(code: str, locale: str) -> None:
    """Each day of 2026 in the language's calendar and digits equals ICU's long date."""
    day = dt.date(2026, 1, 1)
    differences = []
    while day.year == 2026:
        ours, theirs = calendars.format_date(day, code), icu_long_date(day, locale)
        if ours != theirs:
            differences.append((day.isoformat(), ours, theirs))
        day += dt.timedelta(days=1)
    assert differences == []


@override_settings(LANGUAGES=FOUR)
def test_numbers_and_months_in_each_language() -> None:
    """Grouped numbers and month names follow each language's CLDR data."""
    assert calendars.format_number(1203, "fa") == "۱٬۲۰۳"
    assert calendars.format_number(1203, "ckb") == "١٬٢٠٣"
    assert calendars.format_number(1203, "de") == "1.203"
    assert calendars.format_month(2023, 10, "de") == "Oktober 2023"
    assert calendars.format_month(1402, 8, "fa") == "آبان ۱۴۰۲"
    assert calendars.month_names("ckb")[0] == "کانوونی دووەم"


@override_settings(LANGUAGES=FOUR)
@pytest.mark.django_db
def test_a_sorani_publication_reads_right_to_left_in_its_calendar(client: Client) -> None:
    """A Sorani publication's page is lang="ckb" dir="rtl", dated as ICU dates it in
    Sorani (Arabic-Indic digits), and its address keeps the Sorani letters."""
    publication = services.publication_create(
        actor=COMMAND,
        kind=ensure_default_kinds()["news"],
        language="ckb",
        title="کۆبوونەوەی کرێکاران لە هەولێر",
        body="کرێکارانی هەولێر کۆبوونەوە.",
        date=dt.date(2024, 3, 21),
        status=Status.PUBLISHED,
    )
    assert publication.slug == "کۆبوونەوەی-کرێکاران-لە-هەولێر"
    html = client.get(publication.get_absolute_url()).content.decode()
    assert '<html lang="ckb" dir="rtl">' in html
    assert 'lang="ckb" dir="rtl"' in html.split("<main", 1)[1]
    assert icu_long_date(dt.date(2024, 3, 21), "ckb") in html
    assert "٢١" in icu_long_date(dt.date(2024, 3, 21), "ckb")


@pytest.mark.django_db
def test_adding_a_language_changes_no_migration() -> None:
    """With four languages configured, makemigrations finds nothing to do."""
    out = io.StringIO()
    with override_settings(LANGUAGES=FOUR):
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@override_settings(LANGUAGES=FOUR)
def test_the_sorani_admin_dates_in_sorani_calendar_and_digits(
    client: Client, make_staff, kinds, signatory
) -> None:
    """The admin in Sorani offers Sorani as a publication's language, shows its date field
    in Sorani's calendar (Gregorian) and digits (٠–٩), and reads a date typed in them."""
    client.force_login(make_staff("editor"))
    add = "/ckb/admin/publications/publication/add/"
    page = client.get(add).content.decode()
    assert '<option value="ckb">' in page
    assert 'placeholder="٢٠٢٣/١٠/٣١"' in page
    response = client.post(
        add,
        {
            "language": "ckb",
            "kind": kinds["news"].pk,
            "title": "هەواڵ",
            "slug": "",
            "summary": "",
            "body": "دەق.",
            "signatory": signatory.pk,
            "date": "٢٠٢٤/٠٣/٠٥",
            "status": Status.DRAFT,
            "source_url": "",
            "legacy_path": "",
            "translation_of": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    created = Publication.objects.get(title="هەواڵ")
    assert (created.language, created.date) == ("ckb", dt.date(2024, 3, 5))

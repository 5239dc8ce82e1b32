"""The languages Nashr publishes in, and the one the current request or command speaks.

The site's languages are configuration: ``NASHR_LANGUAGES`` names them, the first being
the default (``fa,en`` unless set). Each carries what a reader of it needs beyond the
interface's translation: the direction of its text, the calendar its dates are written
in, its digits, its own name, and how search treats its words. Those come from CLDR
through ICU for every language ICU knows (direction from the script its locale is
written in, calendar from the region it is most spoken in, digits from its default
numbering system), and ``NASHR_LANGUAGE_<CODE>`` overrides any of them:

    NASHR_LANGUAGES=fa,en,ckb
    NASHR_LANGUAGE_CKB=calendar=jalali digits=arabext

The site's own name is configuration too: ``NASHR_SITE_NAME`` for every language, and
``site_name=`` in ``NASHR_LANGUAGE_<CODE>`` for one (``_`` for a space); without either,
"Nashr" in the language's translation («نشر»). ``site_name()`` gives it.

Nothing else in Nashr names a language: code asks this module.

Interface language and content language are separate things: ``current_language()`` is
the interface's (the /fa/ or /en/ prefix, the admin's language); a publication's own
``language`` field says what its text is written in, and decides its direction.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import icu
import snowballstemmer
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language, gettext_lazy, override

from nashr.core.exceptions import ValidationError

CALENDARS = ("gregorian", "jalali", "islamic-civil")
# Calendars as ICU names them, and as Nashr does.
_ICU_CALENDARS = {
    "gregorian": "gregorian",
    "persian": "jalali",
    "islamic-civil": "islamic-civil",
    "islamic": "islamic-civil",
    "islamic-umalqura": "islamic-civil",
    "islamic-tbla": "islamic-civil",
    "islamic-rgsa": "islamic-civil",
}
ICU_CALENDAR = {"gregorian": "gregorian", "jalali": "persian", "islamic-civil": "islamic-civil"}
DIGITS = {
    "latn": "0123456789",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "arab": "٠١٢٣٤٥٦٧٨٩",
}
DIRECTIONS = ("rtl", "ltr")
# Scripts written from right to left (ISO 15924), for a language ICU knows the script of.
_RTL_SCRIPTS = frozenset(
    {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Yezi"}
)
_OPTION = re.compile(r"([a-z_]+)=(\S*)")
# The language Nashr's (and Django's) source strings are written in: what a string no
# catalogue translates reads in.
SOURCE_LANGUAGE = "en"
OPTIONS = (
    "name",
    "direction",
    "calendar",
    "digits",
    "stemmer",
    "months",
    "interface_fallback",
    "site_name",
)
# Options whose values are words, written with "_" for a space (options are space-separated).
_WORDS = frozenset({"name", "months", "site_name"})
# The site's name where neither NASHR_SITE_NAME nor the language's options give one.
DEFAULT_SITE_NAME = gettext_lazy("Nashr")


@dataclass(frozen=True)
class SiteLanguage:
    """One language of the site and how its text is written."""

    code: str
    name: str  # in the language itself: "فارسی", "English", "کوردی"
    direction: str  # "rtl" or "ltr"
    calendar: str  # "gregorian", "jalali" or "islamic-civil"
    digits: str  # "latn", "arabext" or "arab"
    stemmer: str  # a Snowball algorithm ("english", "german"...) or "" for none
    # (only of a language written in Latin letters: see nashr.search.normalize)
    months: tuple[str, ...] = ()  # the calendar's month names, when not ICU's
    # The site's language whose interface text stands in where this one's catalogue has
    # none; "" for Nashr's own source text, English (see `interface_fallback`).
    interface_fallback: str = ""
    site_name: str = ""  # the site's name in this language, when configured for it

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def digit_characters(self) -> str:
        return DIGITS[self.digits]

    @property
    def icu_locale(self) -> str:
        """The ICU locale of dates and numbers written as configured."""
        return f"{self.code}@calendar={ICU_CALENDAR[self.calendar]};numbers={self.digits}"

    def __str__(self) -> str:
        return self.name


def _icu_defaults(code: str) -> dict[str, str]:
    """What CLDR says of the language, through ICU: {} for a language ICU does not know."""
    locale = icu.Locale(code)
    own_name = locale.getDisplayName(locale)
    if not locale.getLanguage() or own_name in {code, ""}:
        return {}
    likely = icu.Locale(code)
    likely.addLikelySubtags()
    defaults = {"name": own_name}
    if likely.getScript():
        defaults["direction"] = "rtl" if likely.getScript() in _RTL_SCRIPTS else "ltr"
    calendar = _ICU_CALENDARS.get(icu.Calendar.createInstance(likely).getType())
    if calendar:
        defaults["calendar"] = calendar
    digits = icu.NumberingSystem.createInstance(locale).getName()
    if digits in DIGITS:
        defaults["digits"] = digits
    return defaults


def _django_defaults(code: str) -> dict[str, str]:
    info = LANG_INFO.get(code, {})
    defaults: dict[str, str] = {}
    if "name_local" in info:
        defaults["name"] = info["name_local"]
    if "bidi" in info:
        defaults["direction"] = "rtl" if info["bidi"] else "ltr"
    return defaults


def _stemmer_of(code: str) -> str:
    """The Snowball stemmer of the language, by its English name; "" if it has none, or
    is not written in Latin letters (search stems only those: nashr.search.normalize)."""
    if not writes_letter(code, "a"):
        return ""
    name = icu.Locale(code).getDisplayLanguage(icu.Locale("en")).lower()
    return name if name in snowballstemmer.algorithms() else ""


def parse_options(text: str, *, where: str) -> dict[str, str]:
    """``calendar=jalali digits=arabext`` as a dict, refusing what is not an option."""
    options: dict[str, str] = {}
    rest = text
    for match in _OPTION.finditer(text):
        key, value = match.groups()
        if key not in OPTIONS:
            raise ValidationError(
                f"unknown language option “{key}”", where=where, hint=f"use {', '.join(OPTIONS)}"
            )
        options[key] = value.replace("_", " ") if key in _WORDS else value
        rest = rest.replace(match.group(), "", 1)
    if rest.strip():
        raise ValidationError(
            f"cannot read “{rest.strip()}”",
            where=where,
            hint="write options as name=value separated by spaces, e.g. calendar=jalali",
        )
    return options


def build_language(code: str, overrides: dict[str, str]) -> SiteLanguage:
    """The language `code` with ICU's and Django's defaults and `overrides` applied.

    Raises ValidationError naming the option and the language when a value is unknown.
    """
    where = f"NASHR_LANGUAGE_{code.upper().replace('-', '_')}"
    values = {
        "direction": "ltr",
        "calendar": "gregorian",
        "digits": "latn",
        "stemmer": _stemmer_of(code),
        **_django_defaults(code),
        **_icu_defaults(code),
        **overrides,
    }
    if "name" not in values:
        raise ValidationError(
            f"neither ICU nor Django knows the language “{code}”",
            where=where,
            hint="give its name, direction, calendar and digits, e.g. name=Kurmanjî direction=ltr",
        )
    allowed = {
        "direction": DIRECTIONS,
        "calendar": CALENDARS,
        "digits": tuple(DIGITS),
        "stemmer": ("", "none", *snowballstemmer.algorithms()),
    }
    for key, choices in allowed.items():
        if values[key] not in choices:
            raise ValidationError(
                f"{key} “{values[key]}” of “{code}” is not one Nashr knows",
                where=where,
                hint=f"use one of: {', '.join(c for c in choices if c)}",
            )
    if values["stemmer"] not in {"", "none"} and not writes_letter(code, "a"):
        raise ValidationError(
            f"stemmer “{values['stemmer']}” of “{code}”: Nashr stems only words in Latin "
            f"letters, and “{code}” is written in another script",
            where=where,
            hint="leave stemmer out: the spelling rules of search are its analysis",
        )
    months: tuple[str, ...] = ()
    if values.get("months"):
        months = tuple(name.strip() for name in values["months"].split(","))
        if len(months) != 12:
            raise ValidationError(
                f"“{code}” has {len(months)} month names, not 12",
                where=where,
                hint="give the twelve names separated by commas",
            )
    return SiteLanguage(
        code=code,
        name=values["name"],
        direction=values["direction"],
        calendar=values["calendar"],
        digits=values["digits"],
        stemmer="" if values["stemmer"] == "none" else values["stemmer"],
        months=months,
        interface_fallback=values.get("interface_fallback", ""),
        site_name=values.get("site_name", "").strip(),
    )


@functools.cache
def configured_language(code: str, options: str) -> SiteLanguage:
    """The language `code` with the options of its ``NASHR_LANGUAGE_<CODE>`` setting."""
    where = f"NASHR_LANGUAGE_{code.upper().replace('-', '_')}"
    return build_language(code, parse_options(options, where=where))


# The site's languages as configured, by code, read once (and again when a test changes
# settings); dates and digits ask for them on every page, so no work is repeated per call.
_site: dict[str, SiteLanguage] = {}


def _by_code() -> dict[str, SiteLanguage]:
    if not _site:
        options = getattr(settings, "NASHR_LANGUAGE_OPTIONS", {})
        site = {
            code: configured_language(code, options.get(code, ""))
            for code, _name in settings.LANGUAGES
        }
        check_interface_fallbacks(site)
        _site.update(site)
    return _site


def check_interface_fallbacks(site: dict[str, SiteLanguage]) -> None:
    """Each language's interface fallback is another of the site's languages, whose own
    text does not fall back in turn (a chain could loop, and a reader is better served
    by one language they chose than by a mix of three)."""
    for language in site.values():
        fallback = language.interface_fallback
        if not fallback:
            continue
        where = f"NASHR_LANGUAGE_{language.code.upper().replace('-', '_')}"
        if fallback == language.code or fallback not in site:
            others = ", ".join(code for code in site if code != language.code)
            raise ValidationError(
                f"interface_fallback “{fallback}” of “{language.code}” is not another of "
                "the site's languages",
                where=where,
                hint=f"use one of: {others} (NASHR_LANGUAGES), or leave it out for English",
            )
        if site[fallback].interface_fallback:
            raise ValidationError(
                f"interface_fallback “{fallback}” of “{language.code}” falls back in turn "
                f"(to “{site[fallback].interface_fallback}”)",
                where=where,
                hint=f"name a language without an interface_fallback of its own, or “{fallback}”'s",
            )


def site_languages() -> tuple[SiteLanguage, ...]:
    """The site's languages, the default first, as configured."""
    return tuple(_by_code().values())


@receiver(setting_changed)
def _forget_languages(*, setting: str, **kwargs: object) -> None:
    if setting in {"LANGUAGES", "NASHR_LANGUAGE_OPTIONS", "LANGUAGE_CODE"}:
        _site.clear()
    if setting == "NASHR_LANGUAGE_OPTIONS":  # the interface fallbacks may have changed
        from django.utils.translation import trans_real

        trans_real._translations = {}  # type: ignore[attr-defined]  # Django's cache of them


def codes() -> list[str]:
    """The codes of the site's languages, the default first."""
    return [language.code for language in site_languages()]


def default_language() -> str:
    """The site's first language: pages and commands that name none speak it."""
    return site_languages()[0].code


def site_language(code: str | None) -> SiteLanguage:
    """The configured language of `code` ("fa", "fa-IR"); the default one for an unknown code."""
    by_code = _by_code()
    return by_code.get(base_language(code)) or next(iter(by_code.values()))


def site_name(code: str | None = None) -> str:
    """The site's name in the language `code` (the interface's when None): the language's
    ``site_name=`` option, else NASHR_SITE_NAME, else "Nashr" translated («نشر»)."""
    language = site_language(code or current_language())
    if language.site_name:
        return language.site_name
    configured = str(getattr(settings, "NASHR_SITE_NAME", "")).strip()
    if configured:
        return configured
    with override(language.code):
        return str(DEFAULT_SITE_NAME)


def language_choices() -> list[tuple[str, str]]:
    """(code, name in the interface's language) of each language: the choices of every
    language field (a callable, so that adding a language changes no migration)."""
    return [(code, language_name(code)) for code in codes()]


def language_name(code: str) -> str:
    """The language's name in the interface's language ("Persian", «انگلیسی»): Django's
    (translated by its catalogues), or CLDR's through ICU where Django's catalogue of the
    interface language lacks it (Django's Persian has no name for Sorani: «کردی مرکزی»,
    not "Central Kurdish (Sorani)")."""
    name = dict(settings.LANGUAGES).get(code)
    if name is None:
        return code
    shown = str(name)
    untranslated = LANG_INFO.get(code, {}).get("name")
    interface = current_language()
    if shown == untranslated and interface != SOURCE_LANGUAGE:
        return _icu_language_name(code, interface) or shown
    return shown


@functools.cache
def _icu_language_name(code: str, interface: str) -> str:
    locale = icu.Locale(base_language(code))
    name = str(locale.getDisplayLanguage(icu.Locale(interface)))
    # ICU answers its own code, or the English name, when it has no name in `interface`.
    english = str(locale.getDisplayLanguage(icu.Locale(SOURCE_LANGUAGE)))
    return "" if name in (base_language(code), english) else name


def fallback_languages(code: str) -> list[str]:
    """The site's languages, in the order a name missing in `code` is looked for in them
    (a kind's, a signatory's): its configured ``interface_fallback``, then those written
    in its direction, then the rest, each in the site's order. A German page shows the
    English name of a kind named only in Persian and English; a Sorani page the Persian."""
    rtl = direction(code) == "rtl"
    first = [fallback] if (fallback := interface_fallback(code)) else []
    same = [language.code for language in site_languages() if language.rtl == rtl]
    rest = [language.code for language in site_languages() if language.rtl != rtl]
    return [c for c in dict.fromkeys([*first, *same, *rest]) if c != code]


def interface_fallback(code: str) -> str | None:
    """The language whose interface text (translation catalogue) stands in for the strings
    that `code`'s catalogue lacks: its configured ``interface_fallback``, else None, for
    Nashr's own strings as written in the source, in English. Not the site's first
    language, as Django would have it: a German reader of a site whose first language is
    Persian reads English far more often than Persian (see ``nashr.core.catalogues``)."""
    language = _by_code().get(base_language(code))
    if language is None or not language.interface_fallback:
        return None
    return language.interface_fallback


def own_name(code: str) -> str:
    """The language's name in itself («فارسی», "English"), for a language switch."""
    return site_language(code).name


@functools.cache
def _unconfigured_direction(code: str) -> str:
    defaults = {**_django_defaults(code), **_icu_defaults(code)}
    return defaults.get("direction", "ltr")


def direction(code: str | None) -> str:
    """ "rtl" or "ltr": the direction text in the language is written in; as configured
    for the site's languages, as CLDR (or Django) says for another, "ltr" if none knows."""
    base = base_language(code)
    language = _by_code().get(base)
    return language.direction if language is not None else _unconfigured_direction(base)


def is_rtl(code: str | None) -> bool:
    return direction(code) == "rtl"


@functools.cache
def quotation_marks(code: str) -> tuple[str, str]:
    """The marks a quotation opens and closes with in the language (CLDR): « », “ ”, „ “."""
    data = icu.LocaleData(base_language(code))
    return (
        str(data.getDelimiter(icu.ULocaleDataDelimiterType.QUOTATION_START)),
        str(data.getDelimiter(icu.ULocaleDataDelimiterType.QUOTATION_END)),
    )


def base_language(code: str | None) -> str:
    """ "fa" for "fa-IR", "en" for "en-us"; the site's default language for nothing."""
    return (code or settings.LANGUAGE_CODE).split("-")[0].lower()


def current_language() -> str:
    """The interface language now active, as a base code ("fa", "en").

    Where translation is switched off (some management commands), the site's default
    language, so that a page rendered from a command reads as the site's first language.
    """
    return base_language(get_language())


def check_language(language: str, *, where: str = "language") -> str:
    """`language` if Nashr publishes in it, else a ValidationError naming `where`."""
    if language not in codes():
        raise ValidationError(
            f"unknown language “{language}”",
            where=where,
            hint=f"use one of: {', '.join(codes())} (NASHR_LANGUAGES)",
        )
    return language


@functools.cache
def writes_letter(code: str, letter: str) -> bool:
    """Whether the language's alphabet (CLDR's exemplar characters) has `letter`: Persian
    and Sorani write ی and ک, Arabic ي and ك."""
    return bool(icu.LocaleData(base_language(code)).getExemplarSet(0, 0).contains(letter))


def script_language(*, rtl: bool) -> str:
    """The first of the site's languages written right to left (or left to right): what
    a text of unknown language in such a script is taken to be."""
    for language in site_languages():
        if language.rtl == rtl:
            return language.code
    return default_language()

"""A language without its own catalogue shows Nashr's interface in English (the source
text) or in its configured fallback, not in the site's first language (issue 24)."""

from __future__ import annotations

import pytest
from django.conf.locale import LANG_INFO
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from nashr.core.exceptions import ValidationError
from nashr.core.languages import check_interface_fallbacks, configured_language, language_name

FOUR = [("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish"), ("de", "German")]

pytestmark = pytest.mark.django_db


def _navigation(client: Client, code: str) -> str:
    html = client.get(f"/{code}/").content.decode()
    return html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]


@override_settings(LANGUAGES=FOUR)
def test_german_home_shows_english_navigation(client: Client) -> None:
    """/de/ has no catalogue of Nashr's: its navigation reads "Archive", "Bulletins",
    "Search" as the source writes them, while /fa/ stays Persian."""
    german = _navigation(client, "de")
    assert "Archive" in german and "Bulletins" in german
    assert "بایگانی" not in german
    persian = _navigation(client, "fa")
    assert "بایگانی" in persian and "Archive" not in persian


@override_settings(LANGUAGES=FOUR, NASHR_LANGUAGE_OPTIONS={"ckb": "interface_fallback=fa"})
def test_a_configured_fallback_stands_in(client: Client) -> None:
    """NASHR_LANGUAGE_CKB=interface_fallback=fa shows Sorani readers the Persian interface
    where Sorani has no catalogue, and German still falls back to English."""
    assert "بایگانی" in _navigation(client, "ckb")
    assert "Archive" in _navigation(client, "de")
    with translation.override("ckb"):
        assert translation.gettext("Archive") == "بایگانی"
    with translation.override("de"):
        assert translation.gettext("Archive") == "Archive"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"ckb": "interface_fallback=ar"}, "interface_fallback “ar” of “ckb” is not another"),
        ({"ckb": "interface_fallback=ckb"}, "interface_fallback “ckb” of “ckb” is not another"),
        (
            {"ckb": "interface_fallback=de", "de": "interface_fallback=en"},
            "interface_fallback “de” of “ckb” falls back in turn (to “en”)",
        ),
    ],
)
def test_a_bad_fallback_names_itself(options: dict[str, str], message: str) -> None:
    """A fallback that is not another of the site's languages, or falls back in turn,
    stops the start, naming the setting."""
    site = {code: configured_language(code, options.get(code, "")) for code, _name in FOUR}
    with pytest.raises(ValidationError) as caught:
        check_interface_fallbacks(site)
    assert message in str(caught.value)
    assert "NASHR_LANGUAGE_CKB" in str(caught.value)


DJANGO_NAMED = [(code, gettext_lazy(LANG_INFO[code]["name"])) for code in ("fa", "en", "ckb", "de")]


@override_settings(LANGUAGES=DJANGO_NAMED)
def test_a_language_is_named_by_cldr_where_djangos_catalogue_has_no_name() -> None:
    """Django's Persian catalogue has no name for Sorani: the Persian interface names it as
    CLDR does («کردی مرکزی»), not in English; names Django translates stay Django's."""
    with translation.override("fa"):
        assert language_name("ckb") == "کردی مرکزی"
        assert language_name("en") == "انگلیسی"
    with translation.override("en"):
        assert language_name("ckb") == "Central Kurdish (Sorani)"
    with translation.override("de"):
        assert language_name("fa") == "Persisch"

"""Every stemmer the site's languages use has a JavaScript port for the mirror's search,
or ``check`` says which is missing."""

from __future__ import annotations

from django.test import override_settings

from nashr.mirror.checks import stemmer_ports_check

FOUR = [("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish"), ("de", "German")]


@override_settings(LANGUAGES=FOUR)
def test_english_and_german_have_ports() -> None:
    """Persian, English, Sorani and German need English's and German's: both are there."""
    assert stemmer_ports_check() == []


@override_settings(LANGUAGES=[("fa", "Persian"), ("fr", "French")])
def test_a_stemmer_without_a_port_is_named() -> None:
    """French's stemmer (of French, and of the Latin words of Persian texts) has no port:
    the warning names it, the languages, and what to do."""
    (warning,) = stemmer_ports_check()
    assert warning.id == "nashr_mirror.W001"
    assert "no JavaScript port of the french stemmer" in warning.msg
    assert "Latin words of fa, fr" in warning.msg
    assert "stemmer=none" in (warning.hint or "")

"""Checks of the mirror's configuration, run by ``nashr check``."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning

from nashr.core.languages import site_languages
from nashr.mirror.search_index import stemmer_script
from nashr.search.normalize import stemmer_of


def stemmer_ports_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A language whose Latin words are stemmed by a Snowball stemmer with no JavaScript
    port: the mirror's search in it could not read a reader's words as its index holds them."""
    languages: dict[str, list[str]] = {}
    for language in site_languages():
        stemmer = stemmer_of(language.code)
        if stemmer and stemmer_script(stemmer) is None:
            languages.setdefault(stemmer, []).append(language.code)
    return [
        Warning(
            f"NASHR_LANGUAGES: the mirror's search has no JavaScript port of the {stemmer} "
            f"stemmer that the Latin words of {', '.join(codes)} are stemmed with, so its "
            "search in them reports a failure",
            hint=(
                f"port snowballstemmer's {stemmer}_stemmer.py to "
                f"nashr/mirror/static/mirror/stemmers/{stemmer}.js as german.js is ported, "
                f"or set NASHR_LANGUAGE_<CODE>=stemmer=none"
            ),
            id="nashr_mirror.W001",
        )
        for stemmer, codes in languages.items()
    ]

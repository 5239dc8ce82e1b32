"""Which translation stands in for the interface text a language's catalogue lacks.

Django merges, for a language, its own catalogues (Django's, each app's, ``locale/``) and
then falls back to the catalogue of ``LANGUAGE_CODE`` (the site's first language) for
every string none of them has (``DjangoTranslation._add_fallback``), except for English.
On a site of ``fa,en,ckb,de`` without a German catalogue of Nashr, /de/ would then show
Nashr's navigation in Persian. Nashr's rule instead: a language falls back to its
configured ``interface_fallback`` (``NASHR_LANGUAGE_CKB=interface_fallback=fa``), else to
nothing, so that Nashr's strings show as written in the source, in English; Django's own
strings (the admin's) still come from Django's catalogue of the language where it has one.

The rule replaces that one method of Django's translation class, once, at start-up
(``CoreConfig.ready``). The alternatives were weighed: a middleware that reset the active
translation's fallback would miss what is rendered outside a request (emails, PDFs and the
mirror's pages rendered under ``translation.override``); filling Django's cache of
translations ahead would be undone by every change of ``LANGUAGES`` and load every
catalogue at every start; a catalogue of English strings written for each language
without one would need writing for every configured code and at every change of
Nashr's strings. Replacing the method covers every way a translation is made (the
``django`` and ``djangojs`` domains, any cache reset), and the tests of /de/ and /fa/
fail if Django stops calling it.
"""

from __future__ import annotations

from django.utils.translation import trans_real

from nashr.core.languages import interface_fallback


def _add_fallback(self: trans_real.DjangoTranslation, localedirs: list[str] | None = None) -> None:
    """Fall back to the language's configured interface fallback, or to no catalogue."""
    fallback = interface_fallback(self.language())
    if fallback is None:
        return
    if self.domain == "django":
        self.add_fallback(trans_real.translation(fallback))  # Django's cache of them
    else:
        self.add_fallback(
            trans_real.DjangoTranslation(fallback, domain=self.domain, localedirs=localedirs)
        )


def install() -> None:
    """Make Django's translations fall back by Nashr's rule (the module's docstring)."""
    trans_real.DjangoTranslation._add_fallback = _add_fallback  # type: ignore[attr-defined]  # private

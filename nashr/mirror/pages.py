"""The site's pages as the mirror renders them: the site's own views, called directly.

A reader's request passes through the middleware (sessions, CSRF, the page cache, the
security headers); none of it changes what a public page says, and it cost a third of a
page's time. The mirror calls the view the address resolves to, in the address'
language, with a request that carries the mirror's key (``nashr.mirror``, see
``context_processors``): the page is the one the test client got, byte for byte.

What every page asks the database for is fetched once for the whole build and handed to
the views and templates: the kinds of the navigation and the footer's subscribe form
(through ``context_processors.mirror``), each publication with its language versions
and comments (``views.detail_page``), each list of a kind and month of the archive from
one query per language (``views.kind_list_page``, ``views.archive_month_page``), and the
comment counts of the lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse, HttpResponseBase, HttpResponseNotFound
from django.template import engines
from django.test import RequestFactory
from django.urls import ResolverMatch, resolve
from django.utils.safestring import mark_safe
from django.utils.translation import override

from nashr.comments import selectors as comment_selectors
from nashr.comments import services as comment_services
from nashr.comments.templatetags.comments import COUNTS_ATTRIBUTE
from nashr.core import calendars
from nashr.core.pagecache import MIRROR_ENVIRON_KEY
from nashr.mirror.context_processors import MIRROR_CONTEXT_KEY
from nashr.publications import selectors, views
from nashr.publications.models import Kind, Publication

_SUBSCRIBE_FORM = "{% load subscribers %}{% subscribe_form %}"


class Pages:
    """Renders the mirror's addresses; `prefetch_*` first for the pages rendered in bulk."""

    def __init__(
        self, *, forms: str, secure: bool, environ: dict[str, Any], bulk: bool = True
    ) -> None:
        # bulk: most pages are rendered (a full build), so each list is read whole once;
        # else (an edit) a kind's list is read alone, and a month by its own view.
        self.bulk = bulk
        self.forms = forms
        self.secure = secure
        self.factory = RequestFactory(**environ)
        self.languages = [code for code, _name in settings.LANGUAGES]
        self.kinds = list(Kind.objects.all())
        self.kinds_by_slug = {kind.slug: kind for kind in self.kinds}
        self.counts = comment_selectors.comment_counts()
        self.publications: dict[int, Publication] = {}
        self.versions: dict[int, list[Publication]] = {}
        self.comments: dict[int, tuple[comment_selectors.Thread, bool]] = {}
        self.lists: dict[str, list[Publication]] = {}
        self._by_kind: dict[tuple[str, int], list[Publication]] = {}
        self._by_month: dict[str, dict[tuple[int, int], list[Publication]]] = {}
        self._shared: dict[str, dict[str, object]] = {}

    # What many pages need, fetched at once.

    def prefetch_publications(self, pks: Collection[int] | None) -> None:
        """The publications (all published ones if None), their versions and comments."""
        published = Publication.objects.published().select_related(
            "kind", "signatory", "translation_of"
        )
        if pks is not None:
            keys = Publication.objects.filter(pk__in=list(pks)).values("translation_key")
            published = published.filter(translation_key__in=keys)
        by_key: dict[object, list[Publication]] = defaultdict(list)
        for publication in published:
            self.publications[publication.pk] = publication
            by_key[publication.translation_key].append(publication)
        for publication in self.publications.values():
            others = by_key[publication.translation_key]
            self.versions[publication.pk] = sorted(
                (v for v in others if v.pk != publication.pk), key=lambda v: v.language
            )
        threads = comment_selectors.comment_threads(
            publication_ids=None if pks is None else list(self.publications)
        )
        is_open = comment_services.comments_open_many(self.publications.values())
        empty = comment_selectors.Thread(comments=[], count=0)
        self.comments.update(
            (pk, (threads.get(pk, empty), is_open[pk])) for pk in self.publications
        )

    def publication_list(self, language: str) -> list[Publication]:
        """What a reader of `language` sees listed, newest first (every list is a part)."""
        if language not in self.lists:
            # A list shows no publication's text: a list of thousands need not load them.
            listed = selectors.publication_for_language(language=language)
            self.lists[language] = list(listed.defer("body", "body_html"))
        return self.lists[language]

    def kind_list(self, language: str, kind: Kind) -> list[Publication]:
        key = (language, kind.pk)
        if key not in self._by_kind:
            if self.bulk:
                listed = self.publication_list(language)
                self._by_kind[key] = [p for p in listed if p.kind_id == kind.pk]
            else:
                listed_here = selectors.publication_for_language(language=language)
                self._by_kind[key] = list(listed_here.filter(kind=kind).defer("body", "body_html"))
        return self._by_kind[key]

    def month_lists(self, language: str) -> dict[tuple[int, int], list[Publication]]:
        """Each month of the archive (in the language's calendar) and what it lists."""
        if language not in self._by_month:
            months: dict[tuple[int, int], list[Publication]] = defaultdict(list)
            for publication in self.publication_list(language):
                months[calendars.month_of(publication.date, language)].append(publication)
            self._by_month[language] = months
        return self._by_month[language]

    def shared_context(self, language: str) -> dict[str, object]:
        """What every page of `language` shows the same (see ``context_processors.mirror``)."""
        if language not in self._shared:
            shared: dict[str, object] = {
                "nav_kinds": self.kinds,
                "prefetched_comments": self.comments,
            }
            if self.forms != "note":
                with override(language):
                    form = engines["django"].from_string(_SUBSCRIBE_FORM).render({})
                shared["mirror_subscribe_form"] = mark_safe(form)  # the site's own template
            self._shared[language] = shared
        return self._shared[language]

    # One address.

    def get(self, address: str) -> HttpResponseBase:
        """The view's answer to `address` (a 404 answer when it raises Http404)."""
        split = urlsplit(address)
        first = split.path.split("/")[1] if split.path.count("/") > 1 else ""
        language = first if first in self.languages else settings.LANGUAGE_CODE
        request = self.factory.get(address, secure=self.secure)
        request.user = AnonymousUser()
        request.META[MIRROR_ENVIRON_KEY] = self.forms
        request.META[MIRROR_CONTEXT_KEY] = self.shared_context(language)
        setattr(request, COUNTS_ATTRIBUTE, self.counts)
        with override(language):
            request.LANGUAGE_CODE = language
            match = resolve(request.path_info)
            request.resolver_match = match
            try:
                response = self._call(match, request, language)
            except Http404:
                return HttpResponseNotFound()
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                response = render()
        return response

    def _call(self, match: ResolverMatch, request: Any, language: str) -> HttpResponseBase:
        kwargs = match.kwargs
        if match.view_name in {"publications:detail", "publications:detail_by_id"}:
            publication = self.publications.get(kwargs["pk"])
            if publication is not None:
                return views.detail_page(
                    request,
                    publication=publication,
                    versions=self.versions[publication.pk],
                    slug=kwargs["slug"],
                )
        elif match.view_name == "publications:kind":
            kind = self.kinds_by_slug.get(kwargs["kind"])
            if kind is not None:
                return views.kind_list_page(
                    request, kind=kind, publications=self.kind_list(language, kind)
                )
        elif match.view_name == "publications:archive_month" and self.bulk:
            year, month = kwargs["year"], kwargs["month"]
            lists = self.month_lists(language)
            if (year, month) not in lists:
                raise Http404
            return views.archive_month_page(
                request,
                year=year,
                month=month,
                publications=lists[(year, month)],
                months=sorted(lists, reverse=True),
            )
        answer: HttpResponse = match.func(request, *match.args, **kwargs)
        return answer

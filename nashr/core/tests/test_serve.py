"""`nashr serve` with two workers: cached public pages show every change on the next request.

The site runs in a temporary folder with the production settings; the changes are made
through the services in another process (the editor), as the admin would make them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command
from redis import Redis

from nashr.core.pagecache import CACHE_STATUS_HEADER
from nashr.testing.redis_server import redis_server
from nashr.testing.serve_server import Editor, Served, SiteFolder, site_folder

SETUP = """
from nashr.bulletins import services as bulletins
from nashr.bulletins.models import Series
from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Kind, Publication, Signatory
from nashr.testing.pages import build_site_content

content = build_site_content()
result = {name: content[name].get_absolute_url()
          for name in ("statement_fa", "statement_en", "article_fa", "report_fa")}
"""

REDIS_SETUP = """
import datetime
from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.testing.pages import ensure_default_kinds

kinds = ensure_default_kinds()
result = {}
"""


@dataclass
class Site:
    served: Served
    editor: Editor
    urls: dict[str, str]

    def page(self, path: str) -> str:
        status, _headers, body = self.served.get(path)
        assert status == 200, (path, status)
        return body.decode()

    def cached(self, path: str) -> str:
        """The page, asked twice so that the second answer comes from the cache."""
        self.served.get(path)
        status, headers, body = self.served.get(path)
        assert (status, headers.get(CACHE_STATUS_HEADER.lower())) == (200, "hit"), path
        return body.decode()

    def change(self, code: str) -> str:
        return self.editor.run(code)


@contextmanager
def _site(folder: SiteFolder, setup: str = SETUP) -> Iterator[Site]:
    with folder.editor() as editor, folder.served(workers=2) as served:
        urls = ast.literal_eval(editor.run(setup))
        yield Site(served=served, editor=editor, urls=urls)


@pytest.fixture(scope="module")
def folder() -> Iterator[SiteFolder]:
    with site_folder() as folder:
        folder.prepare(admin_static=False)
        yield folder


@pytest.fixture(scope="module")
def site(folder: SiteFolder) -> Iterator[Site]:
    with _site(folder) as site:
        yield site


def test_publish_shows_on_the_home_page_and_its_own(site: Site) -> None:
    """A publication published after the home page was cached is on it at the next request."""
    assert "Freshly published" not in site.cached("/fa/")
    path = site.change(
        """
        draft = services.publication_create(actor=COMMAND, kind=Kind.objects.get(slug="news"),
            language="fa", title="Freshly published", body="x", date=content["news_en"].date)
        services.publication_publish(actor=COMMAND, publication=draft)
        result = draft.get_absolute_url()
        """
    )
    assert "Freshly published" in site.page("/fa/")
    assert "Freshly published" in site.page(ast.literal_eval(path))


def test_edit_shows_on_the_page(site: Site) -> None:
    """A title changed after the page was cached shows at the next request."""
    path = site.urls["report_fa"]
    assert "گزارش ویراسته" not in site.cached(path)
    site.change(
        """
        services.publication_update(actor=COMMAND,
            publication=Publication.objects.get(pk=content["report_fa"].pk), title="گزارش ویراسته")
        """
    )
    assert "گزارش ویراسته" in site.page(path)


def test_translation_shows_on_the_original_and_the_other_home(site: Site) -> None:
    """A published translation is linked from its original and listed on the other home page."""
    original = site.urls["article_fa"]
    assert "A history of the free press" not in site.cached(original)
    assert "A history of the free press" not in site.cached("/en/")
    site.change(
        """
        translation = services.translation_create(actor=COMMAND, original=content["article_fa"],
            language="en", title="A history of the free press", body="Text.")
        services.publication_publish(actor=COMMAND, publication=translation)
        """
    )
    assert "A history of the free press" in site.page(original)
    assert "A history of the free press" in site.page("/en/")


def test_unpublish_and_delete_take_the_page_away(site: Site) -> None:
    """Unpublished or deleted, a cached page answers 404 at the next request."""
    code = """
        publication = services.publication_create(actor=COMMAND, kind=Kind.objects.get(slug="news"),
            language="fa", title="Soon gone", body="x", date=content["news_en"].date,
            status="published")
        result = (publication.pk, publication.get_absolute_url())
        """
    first, first_path = ast.literal_eval(site.change(code))
    second, second_path = ast.literal_eval(site.change(code))
    for path in (first_path, second_path):
        site.cached(path)
    assert "Soon gone" in site.cached("/fa/")
    site.change(
        f"services.publication_unpublish(actor=COMMAND, "
        f"publication=Publication.objects.get(pk={first}))"
    )
    assert site.served.get(first_path)[0] == 404
    site.change(
        f"services.publication_delete(actor=COMMAND, "
        f"publication=Publication.objects.get(pk={second}))"
    )
    assert site.served.get(second_path)[0] == 404
    assert "Soon gone" not in site.page("/fa/")


def test_kind_and_signatory_renames_show(site: Site) -> None:
    """A renamed kind and a renamed signatory show on a cached publication page."""
    path = site.urls["statement_en"]
    page = site.cached(path)
    assert "Joint Statement" not in page and "Coordination Council" not in page
    site.change(
        """
        kind = Kind.objects.get(slug="statement")
        services.kind_update(actor=COMMAND, kind=kind,
            names={**kind.names, "en": "Joint Statement"})
        services.signatory_update(actor=COMMAND, signatory=content["signatory"],
            names={**content["signatory"].names, "en": "Coordination Council"})
        """
    )
    page = site.page(path)
    assert "Joint Statement" in page and "Coordination Council" in page


def test_bulletin_publish_correct_and_series_change_show(site: Site) -> None:
    """A published issue, its corrected edition and a renamed series show on cached pages."""
    series_path = "/fa/bulletins/khabarnameh/"
    before = site.cached(series_path)
    issue_path = ast.literal_eval(
        site.change(
            """
            series = Series.objects.get(slug="khabarnameh")
            issue = bulletins.bulletin_publish(actor=COMMAND, bulletin=bulletins.bulletin_draft(
                actor=COMMAND, series=series, year=1402, month=11,
                editorial_title="سرمقاله", editorial_body="متن سرمقاله."))
            result = issue.get_absolute_url()
            """
        )
    )
    assert issue_path not in before
    assert issue_path in site.page(series_path)
    assert "اصلاحیه‌ی آزمایشی" not in site.cached(issue_path)
    site.change(
        'bulletins.bulletin_correct(actor=COMMAND, bulletin=issue, note="اصلاحیه‌ی آزمایشی")'
    )
    assert "اصلاحیه‌ی آزمایشی" in site.page(issue_path)
    site.change(
        'bulletins.series_create_or_update(actor=COMMAND, slug="khabarnameh", '
        'title="خبرنامه‌ی تازه", language="fa")'
    )
    assert "خبرنامه‌ی تازه" in site.page(series_path)


def test_repeated_conditional_get_is_304(site: Site) -> None:
    """A GET with the ETag or the Last-Modified just received answers 304; after a change, 200."""
    path = site.urls["statement_fa"]
    status, headers, _body = site.served.get(path)
    assert status == 200 and headers["cache-control"].startswith("public")
    etag, modified = headers["etag"], headers["last-modified"]
    assert site.served.get(path, {"If-None-Match": etag})[0] == 304
    assert site.served.get(path, {"If-Modified-Since": modified})[0] == 304
    site.change(
        """
        services.publication_update(actor=COMMAND,
            publication=Publication.objects.get(pk=content["statement_fa"].pk), summary="تازه")
        """
    )
    assert site.served.get(path, {"If-None-Match": etag})[0] == 200
    assert site.served.get(path, {"If-Modified-Since": modified})[0] == 200


def test_public_pages_set_no_cookie_and_private_ones_are_not_cached(site: Site) -> None:
    """Cached pages set no cookie; the admin, search and subscription pages are never cached."""
    for path in ("/fa/", "/en/", site.urls["statement_en"]):
        for _attempt in range(2):
            _status, headers, _body = site.served.get(path)
            assert "set-cookie" not in headers, path
    for path in ("/fa/admin/login/", "/fa/search/?q=x", "/en/subscribe/"):
        for _attempt in range(2):
            _status, headers, _body = site.served.get(path)
            assert CACHE_STATUS_HEADER.lower() not in headers, path


def test_static_files_are_compressed_and_immutable(site: Site) -> None:
    """The stylesheet's hashed name is served brotli- or gzip-compressed, kept for a year."""
    page = site.page("/fa/")
    start = page.index("/static/nashr/site.")
    path = page[start : page.index('"', start)]
    assert path.count(".") == 2  # site.<hash>.css
    for encoding in ("br", "gzip"):
        status, headers, _body = site.served.get(path, {"Accept-Encoding": encoding})
        assert status == 200 and headers["content-encoding"] == encoding
        assert headers["cache-control"] == "max-age=31536000, public, immutable"


def test_redis_cache_serves_fresh_pages(folder: SiteFolder) -> None:
    """With CACHE_URL=redis://… the workers share a real redis-server and pages stay fresh."""
    with redis_server() as url, _site(folder.using(CACHE_URL=url), setup=REDIS_SETUP) as site:
        site.cached("/fa/")
        site.change(
            """
            services.publication_create(actor=COMMAND, kind=kinds["news"], language="fa",
                title="Fresh from Redis", body="x", date=datetime.date(2024, 3, 2),
                status="published")
            """
        )
        assert "Fresh from Redis" in site.page("/fa/")
        assert any(Redis.from_url(url).scan_iter(match="*nashr:page:*"))


def test_default_workers_draw_no_warning_from_granian(folder: SiteFolder) -> None:
    """`nashr serve` without --workers (as nashr.service runs it) starts as many workers as
    granian advises: it prints no warning that there are more workers than processors."""
    with folder.served(workers=None) as served:
        assert served.get("/fa/")[0] == 200
        log = folder.log_of(served)
    assert "higher than the amount of CPU cores" not in log, log
    assert "Python threads" not in log, log


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--workers", "0"], "--workers: give at least 1 worker process"),
        (["--threads", "0"], "--threads: give at least 1 thread per worker"),
        (["--port", "70000"], "--port: 70000 is not a port number (1-65535)"),
    ],
)
def test_serve_refuses_impossible_options(options: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("serve", *options)

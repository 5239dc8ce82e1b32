"""`nashr import --from-drupal7 URL`: a Drupal 7 database on SQLite and on MariaDB."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import uuid
from collections.abc import Iterator

import pytest
from django.core.management import call_command

from nashr.comments.models import Comment
from nashr.importers.models import ImportedItem
from nashr.publications.models import OldAddress, Publication, Status
from nashr.testing import drupal7, mariadb_server

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def mariadb() -> Iterator[str]:
    if not mariadb_server.available():
        pytest.fail(
            "mariadb-server is not installed: make test installs it (scripts/system-deps.sh)"
        )
    with mariadb_server.mariadb_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "mariadb"])
def drupal_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "drupal.sqlite"
        connection = sqlite3.connect(path)
        drupal7.build(connection, "?")
        connection.close()
        return f"sqlite:///{path}"
    import pymysql  # type: ignore[import-untyped]  # no stubs among the dependencies

    server = request.getfixturevalue("mariadb")
    name = f"d7_{uuid.uuid4().hex[:8]}"
    port = int(server.rsplit(":", 1)[1].strip("/"))
    admin = pymysql.connect(host="127.0.0.1", port=port, user="root")
    admin.cursor().execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    admin.close()
    connection = pymysql.connect(host="127.0.0.1", port=port, user="root", database=name)
    drupal7.build(connection, "%s")
    connection.close()
    return f"{server}{name}"


def run(url: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import", "--from-drupal7", url, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def node(nid: int) -> Publication:
    return ImportedItem.objects.get(source="drupal7", source_id=f"node/{nid}").publication


def test_nodes_translations_comments(drupal_url, kinds, signatory, tmp_path) -> None:
    """Nodes come with their current revision, translation set, kind, author and comments."""
    kind_map = tmp_path / "kinds.txt"
    kind_map.write_text("type:statement = statement\ntype:page = article\n")
    out = run(drupal_url, "--kind-map", str(kind_map))
    assert Publication.objects.count() == 3, out
    fa, en, page = node(1), node(2), node(3)
    assert fa.title == "بیانیه زندانیان" and "متن تازه" in fa.body_html
    assert "متن قدیمی" not in fa.body_html and fa.summary == "خلاصه"
    assert en.translation_of == fa and en.translation_key == fa.translation_key
    assert (fa.kind.slug, page.kind.slug) == ("statement", "article")
    assert fa.signatory == signatory and fa.status == Status.PUBLISHED
    assert fa.published_at == dt.datetime.fromtimestamp(drupal7.T2019, tz=dt.UTC)
    assert page.status == Status.DRAFT and page.language == "en"
    assert "&lt;a group&gt;" in page.body_html  # plain text stays text
    comments = {c.legacy_id: c for c in Comment.objects.filter(source="drupal7")}
    assert comments["1"].status == "approved" and comments["1"].publication == fa
    assert comments["2"].status == "pending" and comments["2"].parent == comments["1"]
    assert comments["3"].publication == en


def test_old_addresses(client, drupal_url, kinds) -> None:
    """node/NNN and aliases, with and without the language prefix, answer 301; others 404."""
    run(drupal_url)
    fa, en = node(1), node(2)
    for old, new in (
        ("/node/1", fa),
        ("/fa/node/1", fa),
        ("/fa/statements/prisoners", fa),
        ("/statements/prisoners", fa),
        ("/node/2", en),
        ("/en/node/2", en),
        ("/en/statements/prisoners", en),
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new.get_absolute_url(), old
    assert client.get("/node/3").status_code == 404  # a draft
    assert client.get("/node/999").status_code == 404


def test_second_run_changes_nothing(drupal_url, kinds) -> None:
    """A second run of the same database creates and changes nothing."""
    run(drupal_url)
    before = list(Publication.objects.order_by("pk").values())
    counts = (Comment.objects.count(), OldAddress.objects.count())
    out = run(drupal_url)
    assert list(Publication.objects.order_by("pk").values()) == before
    assert (Comment.objects.count(), OldAddress.objects.count()) == counts
    assert "0 publication(s) created" in out


def test_dry_run(drupal_url, kinds) -> None:
    """A dry run reports per kind, status and language and saves nothing."""
    out = run(drupal_url, "--dry-run")
    assert "3 publication(s) would be created" in out
    assert "by status: draft 1, published 2" in out and "translations linked: 1" in out
    assert "type:statement = " in out
    assert Publication.objects.count() == 0

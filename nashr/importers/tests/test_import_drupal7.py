"""`nashr import --from-drupal7 URL`: a Drupal 7 database on SQLite and on MariaDB.

The fixture (``nashr.testing.drupal7``) holds nodes in Icelandic and French, which this
site does not publish: most runs pass ``--skip-other-languages``.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import uuid
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from nashr.comments.models import Comment, CommentPolicy
from nashr.comments.services import comments_open
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


SKIP = "--skip-other-languages"


def run(url: str, *args: str) -> str:
    out = io.StringIO()
    call_command("import", "--from-drupal7", url, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def refused(url: str, *args: str) -> tuple[str, str]:
    """What a refused run printed: its report (stdout) and its problems (stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported") as failed:
        call_command("import", "--from-drupal7", url, *args, stdout=out, stderr=err)
    return out.getvalue(), f"{err.getvalue()}{failed.value}"


def node(nid: int) -> Publication:
    return ImportedItem.objects.get(source="drupal7", source_id=f"node/{nid}").publication


def test_nodes_translations_comments(drupal_url, kinds, signatory, tmp_path) -> None:
    """Nodes come with their current revision, translation set, kind, author and comments."""
    kind_map = tmp_path / "kinds.txt"
    kind_map.write_text("type:statement = statement\ntype:page = article\n")
    out = run(drupal_url, SKIP, "--kind-map", str(kind_map))
    assert Publication.objects.count() == 8, out
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
    assert comments["3"].publication == en and "5" not in comments  # node 6 is left out


def test_old_addresses(client, drupal_url, kinds) -> None:
    """node/NNN and aliases, with and without the language prefix, answer 301; others 404."""
    run(drupal_url, SKIP)
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
    run(drupal_url, SKIP)
    before = list(Publication.objects.order_by("pk").values())
    policies = list(CommentPolicy.objects.order_by("pk").values())
    counts = (Comment.objects.count(), OldAddress.objects.count())
    out = run(drupal_url, SKIP)
    assert list(Publication.objects.order_by("pk").values()) == before
    assert list(CommentPolicy.objects.order_by("pk").values()) == policies
    assert (Comment.objects.count(), OldAddress.objects.count()) == counts
    assert "0 publication(s) created" in out


def test_dry_run(drupal_url, kinds) -> None:
    """A dry run reports per kind, status and language and saves nothing."""
    out = run(drupal_url, SKIP, "--dry-run")
    assert "8 publication(s) would be created" in out
    assert "by status: draft 2, published 6" in out and "translations linked: 3" in out
    assert "type:statement = " in out
    assert Publication.objects.count() == 0


def item(source_id: str) -> Publication:
    return ImportedItem.objects.get(source="drupal7", source_id=source_id).publication


def test_other_languages_refused_naming_the_option(drupal_url, kinds) -> None:
    """Without --skip-other-languages, nodes in another language refuse the run, which names
    each by item (not "file", not "language: language") and the option that leaves them out;
    a refused dry run still prints the counts and the kinds chosen."""
    out, problems = refused(drupal_url, "--dry-run")
    assert "drupal7 node/4: language: “is” is not one of this site's languages" in problems
    assert "drupal7 node/7 (is): language: “is”" in problems
    assert "--skip-other-languages" in problems
    assert "3 problem(s) in 3 item(s)" in problems
    assert "8 publication(s) would be created" in out and "type:statement = " in out
    assert Publication.objects.count() == 0


def test_skip_other_languages(drupal_url, kinds) -> None:
    """--skip-other-languages imports the site's languages and lists by item what it left
    out (with its comments); a translation whose original is left out stands as an original."""
    out = run(drupal_url, SKIP)
    assert Publication.objects.count() == 8, out
    assert "left out, in a language this site does not publish (3):" in out
    assert "drupal7 node/4: in “is”, a language this site does not publish: left out" in out
    assert (
        "drupal7 node/6: in “fr”, a language this site does not publish: left out with its 1" in out
    )
    assert "drupal7 node/7 (is): in “is”" in out
    assert "drupal7 node/5: its original node/4 is not imported: imported as an original" in out
    assert not ImportedItem.objects.filter(source_id__in=["node/4", "node/6", "node/7/is"]).exists()
    alone = item("node/5")
    assert alone.translation_of is None and alone.language == "en"
    assert not OldAddress.objects.filter(path__in=["/nouvelle", "/fr/node/6"]).exists()


def test_languages_configured_import_all(drupal_url, kinds, settings) -> None:
    """With the other languages configured, every node imports, their translations linked;
    a run that left them out and a later one with them configured duplicate nothing."""
    run(drupal_url, SKIP)
    settings.LANGUAGES = [*settings.LANGUAGES, ("is", "Icelandic"), ("fr", "French")]
    out = run(drupal_url)
    assert Publication.objects.count() == 11, out
    assert item("node/4").language == "is" and item("node/6").language == "fr"
    assert item("node/4").translation_key == item("node/5").translation_key
    assert item("node/7/is").translation_of == item("node/7")
    assert Comment.objects.get(source="drupal7", legacy_id="5").publication == item("node/6")
    assert "0 publication(s) created" in run(drupal_url)


def test_languages_configured_first_run(drupal_url, kinds, settings) -> None:
    """Configured from the start, the Icelandic node is the original of its English one."""
    settings.LANGUAGES = [*settings.LANGUAGES, ("is", "Icelandic"), ("fr", "French")]
    run(drupal_url)
    assert item("node/5").translation_of == item("node/4")
    assert item("node/7/is").title == "Þýðing, íslenska"


def test_entity_translation(client, drupal_url, kinds) -> None:
    """Entity Translation: each language becomes a translation with its own title and body
    (the node's own body is its language's row); unpublished ones come as drafts; a
    translation's prefixed node path and aliases lead to it."""
    out = run(drupal_url, SKIP)
    original, persian = item("node/7"), item("node/7/fa")
    assert original.language == "en" and original.title == "Entity translation, English"
    assert "English original of an entity translation" in original.body_html, out
    assert persian.translation_of == original and persian.status == Status.PUBLISHED
    assert persian.title == "ترجمه موجودیت، فارسی" and "متن فارسی ترجمه" in persian.body_html
    second, english = item("node/8"), item("node/8/en")
    assert "پیرو" in second.body_html and "Unpublished" not in second.body_html
    assert english.translation_of == second and english.status == Status.DRAFT
    assert english.title == "Second statement" and "Unpublished English" in english.body_html
    for old, new in (
        ("/node/7", original),
        ("/en/node/7", original),
        ("/entity-translation", original),
        ("/fa/node/7", persian),
        ("/tarjomeh", persian),
        ("/fa/tarjomeh", persian),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new.get_absolute_url()), old


def test_title_module(drupal_url, kinds) -> None:
    """The Title module's title_field, when the site has it, is the title."""
    run(drupal_url, SKIP)
    assert node(2).title == "Statement on political prisoners"
    assert node(1).title == "بیانیه زندانیان"  # no title_field row: the node's own title


def test_closed_and_hidden_comments(client, drupal_url, kinds) -> None:
    """Closed comments (node.comment = 1) stay shown and take no new one; hidden ones
    (0) are kept but not shown; open ones (2) stay open."""
    out = run(drupal_url, SKIP)
    assert "comments closed (old ones shown, no new ones) or hidden: closed 1, hidden 3" in out
    fa, closed, hidden = node(1), node(2), node(7)
    assert comments_open(fa) and not comments_open(closed) and not comments_open(hidden)
    page = client.get(closed.get_absolute_url()).content.decode()
    assert "Well said" in page
    assert reverse("comments:post", kwargs={"pk": closed.pk}) not in page
    assert Comment.objects.get(source="drupal7", legacy_id="4").publication == hidden
    page = client.get(hidden.get_absolute_url()).content.decode()
    assert "Hidden from readers" not in page and 'class="comments"' not in page


def test_authors_without_signatory_reported(drupal_url, kinds, signatory) -> None:
    """An author who is no signatory here is reported with their items, and the option."""
    out = run(drupal_url, SKIP)
    assert "author “admin”: no signatory of that name: 1 item(s) imported without one" in out
    assert "(node/3) (pass --create-signatories" in out
    assert "author “Executive Committee”" not in out


def test_old_query_addresses(client, drupal_url, kinds) -> None:
    """Drupal's addresses without clean URLs (/?q=node/1, /index.php?q=fa/tarjomeh) answer
    301 to the publication, as its link in a body does."""
    run(drupal_url, SKIP)
    assert 'href="/?q=node/1"' in node(8).body_html
    for old, new in (
        ("/?q=node/1", node(1)),
        ("/index.php?q=fa/node/1", node(1)),
        ("/?q=tarjomeh", item("node/7/fa")),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new.get_absolute_url()), old
    assert client.get("/?q=node/999").status_code == 302  # unknown: the home page, as before


def test_term_pages(client, drupal_url, kinds, tmp_path) -> None:
    """A term's page (taxonomy/term/N, its alias) is reported when the kind map does not
    name its label, and redirected to the kind's list when it does."""
    out = run(drupal_url, SKIP, "--dry-run")
    assert (
        "drupal7 taxonomy/term/1: the page of category:Statements (/taxonomy/term/1, /term33)"
        in out
    )
    kind_map = tmp_path / "kinds.txt"
    kind_map.write_text("category:Statements = statement\n")
    run(drupal_url, SKIP, "--kind-map", str(kind_map))
    for old in ("/term33", "/taxonomy/term/1"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == reverse("publications:kind", kwargs={"kind": "statement"})


def test_comment_subjects(drupal_url, kinds) -> None:
    """A subject the commenter wrote is kept as the comment's first line; one Drupal made
    from the comment's first words is not repeated."""
    run(drupal_url, SKIP)
    comments = {c.legacy_id: c.body for c in Comment.objects.filter(source="drupal7")}
    assert comments["1"] == "درود\n\nدست مریزاد" and comments["3"] == "Hi\n\nWell said"
    assert comments["4"] == "Hidden from readers now that comments are hidden."


def test_kind_report_per_label(drupal_url, kinds, tmp_path) -> None:
    """A label whose items got two kinds says so, with how many each."""
    kind_map = tmp_path / "kinds.txt"
    kind_map.write_text("category:Statements = news\n")
    out = run(drupal_url, SKIP, "--dry-run", "--kind-map", str(kind_map))
    assert "type:statement = news  # 4 item(s): news 2, statement 2" in out


def test_sqlite_address_hint(tmp_path, kinds) -> None:
    """sqlite:///tmp/… names a relative path: the refusal points to the four-slash form."""
    path = tmp_path / "drupal.sqlite"
    connection = sqlite3.connect(path)
    drupal7.build(connection, "?")
    connection.close()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import", "--from-drupal7", f"sqlite://{path}", stdout=io.StringIO(), stderr=err
        )
    assert f"write four slashes: sqlite:///{path}" in err.getvalue()

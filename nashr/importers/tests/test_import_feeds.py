"""`nashr import --from-feed` (RSS and Atom) and `nashr import --redirects FILE.csv`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nashr.importers.models import ImportedItem
from nashr.publications.models import OldAddress, Publication, Status

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>کمیته</title><link>https://old.example.org/</link><language>fa</language>
<item><title>بیانیه یکم</title><link>https://old.example.org/news/%D8%A8%DB%8C%D8%A7%D9%86%DB%8C%D9%87-1</link>
<guid isPermaLink="false">old-1</guid><pubDate>Tue, 05 Mar 2024 09:00:00 +0000</pubDate>
<category>Statements</category><description>خلاصه یکم</description>
<content:encoded><![CDATA[<p>متن یکم</p><script>alert(1)</script>]]></content:encoded></item>
<item><title>بیانیه دوم</title><link>https://old.example.org/news/2</link>
<pubDate>Wed, 06 Mar 2024 09:00:00 +0000</pubDate>
<description>&lt;p&gt;متن دوم&lt;/p&gt;</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Committee</title>
<id>urn:x</id><updated>2024-03-07T10:00:00Z</updated>
<entry><title>Statement three</title><id>tag:old.example.org,2024:3</id>
<link href="https://old.example.org/en/news/3"/><published>2024-03-07T10:00:00Z</published>
<updated>2024-03-07T10:00:00Z</updated><author><name>Press office</name></author>
<content type="html">&lt;p&gt;Third text&lt;/p&gt;</content></entry>
</feed>
"""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out, stderr=io.StringIO(), verbosity=0)
    return out.getvalue()


@pytest.fixture
def feeds(tmp_path: Path) -> Path:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "fa.rss").write_text(RSS, encoding="utf-8")
    (folder / "en.atom").write_text(ATOM, encoding="utf-8")
    return folder


def test_rss_and_atom(client, feeds, kinds) -> None:
    """Entries of both formats become published publications whose old links answer 301."""
    out = run("--from-feed", str(feeds))
    assert Publication.objects.count() == 3, out
    first = ImportedItem.objects.get(source_id="old-1").publication
    third = ImportedItem.objects.get(source_id="tag:old.example.org,2024:3").publication
    assert first.language == "fa" and first.status == Status.PUBLISHED
    assert "متن یکم" in first.body_html and "script" not in first.body_html
    assert first.summary == "خلاصه یکم"
    assert third.language == "en" and "Third text" in third.body_html
    assert client.get("/news/بیانیه-1")["Location"] == first.get_absolute_url()
    assert client.get("/en/news/3")["Location"] == third.get_absolute_url()
    assert client.get("/news/99").status_code == 404


def test_feed_second_run_changes_nothing(feeds, kinds) -> None:
    """A feed imported twice is imported once."""
    run("--from-feed", str(feeds))
    out = run("--from-feed", str(feeds))
    assert Publication.objects.count() == 3
    assert "already imported (left as they are): 3" in out


NO_ID = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Committee</title><language>en</language>
<item><title>Statement without an address</title>
<pubDate>Tue, 05 Mar 2024 09:00:00 +0000</pubDate><description>Its text</description></item>
<item><title>A second one</title>
<pubDate>Wed, 06 Mar 2024 09:00:00 +0000</pubDate><description>Other text</description></item>
</channel></rss>
"""


def test_entry_without_id_or_link(tmp_path, kinds) -> None:
    """An entry with neither id nor link is reported and imported under an id made of its
    title and date, which the next run matches: the run goes on, nothing is duplicated."""
    path = tmp_path / "no-id.rss"
    path.write_text(NO_ID, encoding="utf-8")
    out = run("--from-feed", str(path))
    assert Publication.objects.count() == 2, out
    assert out.count("no id and no link: imported as hash:") == 2
    ids = set(ImportedItem.objects.values_list("source_id", flat=True))
    assert len(ids) == 2 and all(i.startswith("hash:") for i in ids)
    again = run("--from-feed", str(path))
    assert Publication.objects.count() == 2
    assert "already imported (left as they are): 2" in again
    assert set(ImportedItem.objects.values_list("source_id", flat=True)) == ids


def test_feed_over_the_size_limit(tmp_path, kinds, settings) -> None:
    """A feed file over NASHR_IMPORT_EXPORT_MAX_BYTES is refused by name; nothing is saved."""
    settings.NASHR_IMPORT_EXPORT_MAX_BYTES = 500
    path = tmp_path / "big.rss"
    path.write_text(RSS, encoding="utf-8")
    problems = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "--from-feed", str(path), stdout=io.StringIO(), stderr=problems)
    assert "big.rss: larger than the limit of 500 bytes" in problems.getvalue()
    assert not Publication.objects.exists()


def test_not_a_feed(tmp_path, kinds) -> None:
    """A file that is not a feed is reported and nothing is saved."""
    (tmp_path / "a.xml").write_text("hello")
    with pytest.raises(CommandError, match="nothing was imported"):
        run("--from-feed", str(tmp_path / "a.xml"))


def test_redirects_csv(client, tmp_path, make_publication) -> None:
    """A CSV's rows answer 301 to their new path, or 410 for removed pages."""
    publication = make_publication()
    path = tmp_path / "redirects.csv"
    path.write_text(
        f"old_path,new_path\n/old/a,{publication.get_absolute_url()}\n"
        "/old/removed,410\n/old/also-removed,\n"
    )
    out = run("--redirects", str(path))
    assert "1 answer 301, 2 answer 410" in out
    response = client.get("/old/a/")
    assert response.status_code == 301
    assert response["Location"] == publication.get_absolute_url()
    assert client.get("/old/removed").status_code == 410
    assert client.get("/old/also-removed").status_code == 410


def test_redirects_csv_problems(tmp_path, kinds) -> None:
    """A row leading off the site or repeating an old path fails the whole CSV."""
    path = tmp_path / "redirects.csv"
    path.write_text("/a,/b\n/c,https://evil.example/\n/a,/d\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        run("--redirects", str(path))
    assert OldAddress.objects.count() == 0

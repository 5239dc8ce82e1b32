"""`nashr mirror build` writes the whole public site as files that link to each other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from nashr.mirror.tests.conftest import BuildMirror, check_links, files_in
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


def test_every_link_of_the_mirror_leads_to_a_file(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """From index.html, no internal link is broken and none points to the primary site."""
    summary = build_mirror()
    reached, problems = check_links(outdir)
    assert problems == []
    assert summary.problems == []
    for language in ("fa", "en"):
        assert f"{language}/index.html" in reached
        assert f"{language}/archive/index.html" in reached
        assert f"{language}/bulletins/index.html" in reached
        assert f"{language}/search/index.html" in reached
    statement = mirror_content["statement_fa"]
    assert any(rel.startswith(f"fa/p/{statement.pk}/") for rel in reached)


def test_feeds_sitemap_robots_and_404_are_written(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """Feeds, sitemap.xml with the --base-url addresses, robots.txt and 404.html are there."""
    build_mirror(base_url="https://mirror.example.net/nashr")
    files = files_in(outdir)
    assert b"<rss" in files["fa/feeds/rss/feed.xml"]
    assert b"<feed" in files["en/feeds/atom/feed.xml"]
    sitemap = files["sitemap.xml"].decode()
    assert "https://mirror.example.net/nashr/fa/" in sitemap
    assert "127.0.0.1:8000" not in sitemap
    assert "Sitemap: https://mirror.example.net/nashr/sitemap.xml" in files["robots.txt"].decode()
    assert '<base href="https://mirror.example.net/nashr/">' in files["404.html"].decode()
    assert "vazirmatn/webfonts/Vazirmatn[wght].woff2" in " ".join(files).replace("static/", "")


def test_old_address_becomes_a_redirect_page(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """/node/10158 is a page that sends the reader on to the publication's file."""
    build_mirror()
    page = (outdir / "node/10158/index.html").read_text(encoding="utf-8")
    statement = mirror_content["statement_fa"]
    assert f"url=../../fa/p/{statement.pk}/" in page


def test_forms_point_to_the_primary_site_or_become_a_note(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """The subscribe form posts to NASHR_SITE_URL, or is replaced by a note, as chosen."""
    build_mirror(forms="primary")
    home = (outdir / "fa/index.html").read_text(encoding="utf-8")
    assert 'action="http://127.0.0.1:8000/fa/subscribe/"' in home
    build_mirror(forms="note")
    home = (outdir / "fa/index.html").read_text(encoding="utf-8")
    assert "/subscribe/" not in home
    assert 'class="mirror-note"' in home


@override_settings(
    NASHR_MIRROR_URLS=["https://d1.cloudfront.example/nashr/"],
    NASHR_ONION_URL="http://nashrexample.onion",
)
def test_mirror_names_other_addresses_and_the_onion(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path
) -> None:
    """Each page of the mirror names the mirrors and links to itself on the onion service.

    A link, not ``<meta http-equiv="onion-location">``: the Nu Html Checker rejects that
    http-equiv value (the accessibility test checks the pages with the onion set).
    """
    build_mirror()
    home = (outdir / "en/index.html").read_text(encoding="utf-8")
    assert "https://d1.cloudfront.example/nashr/" in home
    assert '<link rel="alternate" href="http://nashrexample.onion/en/">' in home
    root = (outdir / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" href="http://nashrexample.onion/">' in root


def test_command_prints_a_json_summary(
    mirror_content: SiteContent, outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one line with written, unchanged and removed."""
    call_command("mirror", "build", str(outdir), "--json")
    first = json.loads(capsys.readouterr().out)
    call_command("mirror", "build", str(outdir), "--json")
    second = json.loads(capsys.readouterr().out)
    assert first["written"] > 50 and first["full"] is True
    assert second == {**second, "written": 0, "removed": 0, "full": False}

"""`nashr import FILE.xml`: a WordPress export with Polylang and WPML translations, comments,
shortcodes, scheduled posts and photos with GPS positions, and its old addresses."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from nashr.comments.models import Comment
from nashr.comments.services import comments_open
from nashr.importers.models import ImportedItem
from nashr.media.models import Media
from nashr.publications.models import OldAddress, Publication, Status
from nashr.testing.wxr import SITE, Post, polylang_terms, wxr
from nashr.testing.wxr import Comment as WxrComment

pytestmark = pytest.mark.django_db

LANGUAGE_FA = ("language", "fa", "فارسی")
LANGUAGE_EN = ("language", "en", "English")
STATEMENTS = ("category", "statements", "Statements")

CONTENT_FA = """<!-- wp:paragraph -->
<p>متن بیانیه درباره زندانیان.</p>
<!-- /wp:paragraph -->

[caption id="attachment_50" align="alignnone" width="300"]<img \
src="SITE/wp-content/uploads/2020/01/photo-300x200.jpg" alt="تجمع" width="300" height="200" /> \
عکس از تجمع[/caption]

[contact-form-7 id="5" title="Contact"]

<img src="SITE/wp-content/uploads/2020/01/missing.jpg" alt="">
""".replace("SITE", SITE)

CLASSIC_EN = """First paragraph of the statement.
Second line of it.

Second paragraph.

https://www.youtube.com/watch?v=abc
"""


def gps_photo(path: Path) -> None:
    """A JPEG carrying a camera name and a GPS position in its EXIF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 41.0, 22.0)
    gps[3], gps[4] = "E", (51.0, 25.0, 10.0)
    Image.new("RGB", (60, 40), (200, 30, 30)).save(path, "JPEG", exif=exif)


def export(tmp_path: Path, extra: list[Post] | None = None) -> Path:
    posts = [
        Post(
            10,
            "بیانیه درباره زندانیان",
            CONTENT_FA,
            slug="statement",
            link=f"{SITE}/2020/01/statement/",
            excerpt="<p>خلاصه بیانیه</p>",
            categories=[LANGUAGE_FA, ("post_translations", "pll_abc", "pll_abc"), STATEMENTS],
            comments=[
                WxrComment(100, "خواننده", "<p>درود بر شما</p>", email="r@example.org"),
                WxrComment(101, "Reader", "A reply", approved="0", parent=100),
                WxrComment(102, "Spammer", "cheap pills", approved="spam"),
                WxrComment(103, "Other blog", "pinged", type="pingback"),
            ],
        ),
        Post(
            11,
            "Statement on prisoners",
            CLASSIC_EN,
            slug="statement",
            date="2020-01-02 09:30:00",
            date_gmt="2020-01-02 06:00:00",
            link=f"{SITE}/en/2020/01/statement/",
            categories=[LANGUAGE_EN, ("post_translations", "pll_abc", "pll_abc"), STATEMENTS],
        ),
        Post(
            20,
            "خبر با WPML",
            "<p>متن خبر</p>",
            slug="news-1",
            meta={"_icl_lang_code": "fa", "_icl_trid": "7"},
        ),
        Post(
            21,
            "News with WPML",
            "<p>News text</p>",
            slug="news-1",
            meta={"_icl_lang_code": "en", "_icl_trid": "7"},
        ),
        Post(30, "پیش‌نویس", "<p>هنوز نه</p>", status="draft", meta={"_icl_lang_code": "fa"}),
        Post(
            31,
            "بیانیه آینده",
            "<p>بعداً</p>",
            status="future",
            date="2030-05-01 10:00:00",
            date_gmt="2030-05-01 06:30:00",
            meta={"_icl_lang_code": "fa"},
        ),
        Post(
            32,
            "پاک‌شده",
            "<p>نه</p>",
            slug="old-removed",
            status="trash",
            link=f"{SITE}/old-removed/",
        ),
        Post(
            40,
            "About us",
            "<p>Who we are</p>",
            type="page",
            slug="about",
            link=f"{SITE}/about-us/",
            meta={"_icl_lang_code": "en"},
        ),
        Post(
            50,
            "photo",
            type="attachment",
            status="inherit",
            attachment_url=f"{SITE}/wp-content/uploads/2020/01/photo.jpg",
        ),
        Post(60, "menu", type="nav_menu_item"),
        *(extra or []),
    ]
    path = tmp_path / "export.xml"
    terms = polylang_terms({"pll_abc": {"fa": 10, "en": 11}})
    path.write_text(wxr(posts, terms=terms), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out, stderr=io.StringIO(), verbosity=0)
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    gps_photo(folder / "2020" / "01" / "photo.jpg")
    return folder


@pytest.fixture
def media(tmp_path: Path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def kind_map(tmp_path: Path) -> Path:
    path = tmp_path / "kinds.txt"
    path.write_text("category:statements = statement\npost_type:page = article\ndefault = news\n")
    return path


def imported(source_id: str) -> Publication:
    return ImportedItem.objects.get(source="wordpress", source_id=source_id).publication


def test_posts_translations_and_statuses(
    tmp_path, uploads, media, kind_map, kinds, signatory
) -> None:
    """Posts and pages become publications of mapped kinds, translations linked, statuses kept."""
    out = run(str(export(tmp_path)), "--uploads", str(uploads), "--kind-map", str(kind_map))
    assert Publication.objects.count() == 7, out
    fa, en = imported("10"), imported("11")
    assert en.translation_of == fa and en.translation_key == fa.translation_key
    assert fa.slug == en.slug == "statement"  # same slug, no collision
    assert (fa.kind.slug, en.kind.slug, imported("40").kind.slug) == (
        "statement",
        "statement",
        "article",
    )
    assert imported("20").kind.slug == "news"
    assert imported("21").translation_of == imported("20")
    assert fa.signatory == signatory and fa.summary == "خلاصه بیانیه"
    assert fa.status == Status.PUBLISHED
    assert fa.published_at == dt.datetime(2020, 1, 1, 6, 0, tzinfo=dt.UTC)
    assert imported("30").status == Status.DRAFT
    future = imported("31")
    assert future.status == Status.DRAFT
    assert future.publish_at == dt.datetime(2030, 5, 1, 6, 30, tzinfo=dt.UTC)
    assert not ImportedItem.objects.filter(source_id="32").exists()
    assert "by language: en 3, fa 4" in out and "translations linked: 2" in out


def test_content_images_and_shortcodes(tmp_path, uploads, media, kinds) -> None:
    """Captions become figures, images lose EXIF; unknown shortcodes and missing files reported."""
    out = run(str(export(tmp_path)), "--uploads", str(uploads))
    body = imported("10").body_html
    assert "<figure>" in body and "<figcaption>" in body and "عکس از تجمع" in body
    photo = Media.objects.get()
    assert f'<img src="media:{photo.pk}" alt="تجمع">' in imported("10").body
    assert "<picture>" in body and "/media/uploads/" in body
    assert "contact-form-7" not in body and "wp:paragraph" not in body
    assert "unknown shortcode [contact-form-7]" in out
    assert "missing.jpg" in out and "not in the uploads folder" in out
    copy = media / photo.file.name
    with Image.open(copy) as image:
        assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in copy.read_bytes()
    english = imported("11").body_html
    assert "<p>First paragraph of the statement.<br>" in english
    assert '<a href="https://www.youtube.com/watch?v=abc"' in english


def test_comments(tmp_path, uploads, media, kinds) -> None:
    """Approved and pending comments come with their replies; spam and pingbacks are dropped."""
    out = run(str(export(tmp_path)), "--uploads", str(uploads))
    comments = {c.legacy_id: c for c in Comment.objects.filter(source="wordpress")}
    assert set(comments) == {"100", "101"}
    assert comments["100"].status == "approved" and comments["100"].body == "درود بر شما"
    assert comments["101"].status == "pending" and comments["101"].parent == comments["100"]
    assert comments["100"].publication == imported("10")
    assert "dropped (spam) 1" in out and "dropped (pingback) 1" in out


def test_old_addresses(client, tmp_path, uploads, media, kinds) -> None:
    """Permalinks and ?p= / ?page_id= answer 301; a trashed post's 410; an unknown one 404."""
    run(str(export(tmp_path)), "--uploads", str(uploads))
    fa, en, page = imported("10"), imported("11"), imported("40")
    for old, new in (
        ("/2020/01/statement/", fa),
        ("/2020/01/statement", fa),
        ("/en/2020/01/statement/", en),
        ("/?p=10", fa),
        ("/?p=11", en),
        ("/?page_id=40", page),
        ("/about-us/", page),
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new.get_absolute_url(), old
    assert client.get("/old-removed/").status_code == 410
    assert client.get("/?p=32").status_code == 410
    assert client.get("/?p=31").status_code == 302  # scheduled: the home page, not the post
    assert client.get("/2020/01/nothing/").status_code == 404


def test_second_run_changes_nothing(tmp_path, uploads, media, kinds) -> None:
    """A second import of the same export creates, changes and duplicates nothing."""
    path = str(export(tmp_path))
    run(path, "--uploads", str(uploads))
    before = list(Publication.objects.order_by("pk").values())
    counts = (Comment.objects.count(), OldAddress.objects.count(), ImportedItem.objects.count())
    out = run(path, "--uploads", str(uploads))
    assert list(Publication.objects.order_by("pk").values()) == before
    assert (
        Comment.objects.count(),
        OldAddress.objects.count(),
        ImportedItem.objects.count(),
    ) == counts
    assert "0 publication(s) created" in out and "already imported (left as they are): 7" in out


def test_second_run_brings_what_was_added(tmp_path, uploads, media, kinds) -> None:
    """A later export's new translation joins its group; its new comment joins its post."""
    run(str(export(tmp_path)), "--uploads", str(uploads))
    later = export(
        tmp_path,
        extra=[
            Post(
                12,
                "Statement (another English)",
                "<p>x</p>",
                slug="statement",
                categories=[LANGUAGE_EN, ("post_translations", "pll_b", "pll_b")],
            ),
            Post(22, "Nouvelles", "<p>x</p>", meta={"_icl_lang_code": "en", "_icl_trid": "8"}),
        ],
    )
    out = run(str(later), "--uploads", str(uploads))
    assert "2 publication(s) created" in out
    assert Publication.objects.count() == 9


def test_dry_run_saves_nothing(tmp_path, uploads, media, kinds) -> None:
    """A dry run reports counts and the kinds each label would get, and saves nothing."""
    out = run(str(export(tmp_path)), "--uploads", str(uploads), "--dry-run")
    assert "7 publication(s) would be created" in out
    assert "category:statements = statement" in out
    assert Publication.objects.count() == 0 and OldAddress.objects.count() == 0
    assert not Media.objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_blocking_problem_saves_nothing(tmp_path, uploads, media, kinds) -> None:
    """A post in a language the site does not publish fails the whole run; nothing is saved."""
    path = export(
        tmp_path, extra=[Post(70, "In italiano", "<p>x</p>", meta={"_icl_lang_code": "it"})]
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        run(str(path), "--uploads", str(uploads))
    assert Publication.objects.count() == 0
    assert not (media / "imported" / "2020" / "01" / "photo.jpg").exists()


def test_not_a_wordpress_export(tmp_path, kinds) -> None:
    """An .xml file that is not a WordPress export is refused, pointing to --from-feed."""
    path = tmp_path / "feed.xml"
    path.write_text("<rss><channel><title>x</title></channel></rss>")
    with pytest.raises(CommandError, match="not a WordPress export"):
        run(str(path))


def test_undeclared_prefix(tmp_path, kinds) -> None:
    """A WordPress.com export using atom: without declaring it is still read (and said so)."""
    text = wxr([Post(1, "Hello", "<p>x</p>", slug="hello")])
    text = text.replace("<wp:wxr_version>", '<atom:link rel="hub" href="x"/><wp:wxr_version>')
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    out = run(str(path))
    assert Publication.objects.count() == 1
    assert "undeclared XML prefixes atom ignored" in out


def test_export_over_the_size_limit(tmp_path, kinds, settings) -> None:
    """A WordPress export over NASHR_IMPORT_EXPORT_MAX_BYTES is refused by name, saying what to
    raise; nothing is saved."""
    path = export(tmp_path)
    settings.NASHR_IMPORT_EXPORT_MAX_BYTES = path.stat().st_size - 1
    problems = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(path), stdout=io.StringIO(), stderr=problems)
    assert f"larger than the limit of {path.stat().st_size - 1} bytes" in problems.getvalue()
    assert "NASHR_IMPORT_EXPORT_MAX_BYTES" in problems.getvalue()
    assert not Publication.objects.exists()


def test_a_polylang_site_in_three_languages(tmp_path, kinds, signatory, settings) -> None:
    """With Sorani configured, a Polylang export in Persian, English and Sorani becomes one
    translation group of three, the Persian the original; a language the site does not
    have is named in the refusal."""
    settings.LANGUAGES = [("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish")]
    posts = [
        Post(10, "بیانیه", "<p>متن بیانیه.</p>", slug="statement", categories=[LANGUAGE_FA]),
        Post(11, "Statement", "<p>The statement.</p>", slug="statement", categories=[LANGUAGE_EN]),
        Post(
            12,
            "ڕاگەیەندراو",
            "<p>دەقی ڕاگەیەندراوەکە.</p>",
            slug="statement-ckb",
            categories=[("language", "ckb", "کوردی")],
        ),
    ]
    path = tmp_path / "three.xml"
    terms = polylang_terms({"pll_xyz": {"fa": 10, "en": 11, "ckb": 12}})
    path.write_text(wxr(posts, terms=terms), encoding="utf-8")
    out = run(str(path))
    persian, english, sorani = imported("10"), imported("11"), imported("12")
    assert (persian.language, english.language, sorani.language) == ("fa", "en", "ckb")
    assert persian.translation_of is None
    assert english.translation_of == sorani.translation_of == persian
    assert "translations linked: 2" in out
    settings.LANGUAGES = [("fa", "Persian"), ("en", "English")]
    again = tmp_path / "again.xml"
    lone = Post(
        30, "هەواڵ", "<p>هەواڵێک.</p>", slug="news", categories=[("language", "ckb", "کوردی")]
    )
    again.write_text(wxr([lone], terms=polylang_terms({})), encoding="utf-8")
    problems = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", str(again), stdout=io.StringIO(), stderr=problems)
    assert "language: “ckb” is not one of this site's languages" in problems.getvalue()
    assert "this site publishes in fa, en" in problems.getvalue()


def test_closed_comments_stay_closed(tmp_path, kinds, signatory) -> None:
    """A post whose comments were closed keeps its old comments and takes no new ones."""
    closed = Post(
        40,
        "Closed",
        "<p>Old post.</p>",
        slug="closed",
        meta={"_icl_lang_code": "en"},
        comment_status="closed",
        comments=[WxrComment(400, "Reader", "An old comment")],
    )
    open_post = Post(41, "Open", "<p>New post.</p>", slug="open", meta={"_icl_lang_code": "en"})
    path = tmp_path / "closed.xml"
    path.write_text(wxr([closed, open_post]), encoding="utf-8")
    out = run(str(path))
    assert "comments closed (old ones shown, no new ones) or hidden: closed 1" in out
    assert not comments_open(imported("40")) and comments_open(imported("41"))
    assert Comment.objects.get(legacy_id="400").publication == imported("40")

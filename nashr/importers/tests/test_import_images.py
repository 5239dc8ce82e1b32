"""Imported images go through the media app's upload service, as an editor's uploads do."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.importers.models import ImportedItem
from nashr.media.models import Media
from nashr.media.services import media_upload
from nashr.publications.models import Publication
from nashr.testing.wxr import SITE, Post, wxr

pytestmark = pytest.mark.django_db

UPLOADS = f"{SITE}/wp-content/uploads"


@pytest.fixture
def media(tmp_path: Path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads" / "2020" / "01"
    folder.mkdir(parents=True)
    return tmp_path / "uploads"


def gps_photo(path: Path, *, width: int = 1000, height: int = 700) -> None:
    """A JPEG with a camera name and a GPS position in its EXIF, wide enough for variants."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 41.0, 22.0)
    gps[3], gps[4] = "E", (51.0, 25.0, 10.0)
    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(path, "JPEG", exif=exif)


def run(tmp_path: Path, posts: list[Post], *args: str) -> str:
    export = tmp_path / "export.xml"
    export.write_text(wxr(posts), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import",
        str(export),
        "--uploads",
        str(tmp_path / "uploads"),
        *args,
        stdout=out,
        stderr=io.StringIO(),
        verbosity=0,
    )
    return out.getvalue()


def imported(source_id: str) -> Publication:
    return ImportedItem.objects.get(source="wordpress", source_id=source_id).publication


def exif_groups(path: Path) -> set[str]:
    out = subprocess.run(
        ["exiftool", "-j", "-G1", "-a", str(path)], capture_output=True, check=True
    )
    return {key.split(":")[0] for key in json.loads(out.stdout)[0] if ":" in key}


def test_imported_photo_is_stored_as_an_upload_without_its_gps(tmp_path, uploads, media, kinds):
    """A WordPress photo with GPS EXIF becomes a Media row, stored and varied without any EXIF,
    and the body refers to it as an editor's does."""
    gps_photo(uploads / "2020" / "01" / "rally.jpg")
    assert "GPS" in exif_groups(uploads / "2020" / "01" / "rally.jpg")
    content = f'<p>متن.</p><p><img src="{UPLOADS}/2020/01/rally-300x210.jpg" alt="جمعیت"></p>'
    run(tmp_path, [Post(1, "تجمع", content, meta={"_icl_lang_code": "fa"})])

    image = Media.objects.get()
    assert (image.kind, image.alt_text, image.language) == ("image", "جمعیت", "fa")
    assert {"exif", "gps", "camera"} <= set(image.removed)
    assert {v["width"] for v in image.web_variants("WEBP")} == {480, 800, 1000}
    assert image.print_variant() is not None
    for name in [image.file.name, *(v["name"] for v in image.variants)]:
        stored = media / name
        groups = exif_groups(stored)
        assert not groups & {"GPS", "IFD0", "ExifIFD"}, (name, groups)
        assert b"PhoneMaker" not in stored.read_bytes()
    assert not (media / "imported").exists()

    publication = imported("1")
    assert f'<img src="media:{image.pk}" alt="جمعیت">' in publication.body
    assert "<picture>" in publication.body_html and "srcset=" in publication.body_html


def test_imported_image_answers_on_the_site(client: Client, tmp_path, uploads, media, kinds):
    """Every address of an imported post's image on its page (the <img>, its srcsets, the link
    to its full size) answers 200, and the page shows it as a responsive <picture>."""
    gps_photo(uploads / "2020" / "01" / "rally.jpg")
    link = f"{UPLOADS}/2020/01/rally.jpg"
    content = f'<p><a href="{link}"><img src="{link}" alt="A rally"></a></p>'
    run(tmp_path, [Post(1, "Rally", content)])

    page = client.get(imported("1").get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    addresses = re.findall(r'<img [^>]*\bsrc="([^"]+)"', html)
    for srcset in re.findall(r'\bsrcset="([^"]+)"', html):
        addresses.extend(candidate.split()[0] for candidate in srcset.split(","))
    addresses.extend(re.findall(r'<a href="(/media/[^"]+)"', html))
    assert addresses
    for address in addresses:
        answer = client.get(address)
        assert answer.status_code == 200, address
        assert answer["Content-Type"] in {"image/jpeg", "image/webp"}
    assert len(addresses) > 3
    assert re.search(r'<a href="/media/uploads/[^"]+"[^>]*><picture><source ', html)


def test_imported_image_is_in_the_mirror(tmp_path, uploads, media, kinds):
    """The mirror's page of an imported post shows its picture from the mirror's own copy
    of every variant, and counts the image as a use (it is not deleted unawares)."""
    from nashr.media.services import media_user_names
    from nashr.mirror.build import mirror_build
    from nashr.mirror.tests.conftest import check_links

    gps_photo(uploads / "2020" / "01" / "rally.jpg")
    content = f'<p><img src="{UPLOADS}/2020/01/rally.jpg" alt="A rally"></p>'
    run(tmp_path, [Post(1, "Rally", content)])
    post = imported("1")
    assert media_user_names(media_id=Media.objects.get().pk) == [f"«{post}»"]
    outdir = tmp_path / "mirror"
    assert mirror_build(outdir=outdir).problems == []
    language = post.language
    page = next((outdir / f"{language}/p/{post.pk}").glob("*/index.html")).read_text()
    found = re.findall(r'\b(?:src|srcset)="([^"]+)"', page)
    pictures = [c.split()[0] for value in found for c in value.split(",") if "media/" in c]
    # Relative addresses of the mirror's own copies, none of the site's.
    assert pictures and not any(p.startswith(("/", "http")) for p in pictures)
    page_dir = next((outdir / f"{language}/p/{post.pk}").glob("*/"))
    for picture in pictures:
        assert (page_dir / picture).resolve().is_file(), picture
    assert check_links(outdir)[1] == []


def test_images_an_upload_refuses_are_refused_on_import(tmp_path, uploads, media, kinds):
    """A GIF and a JPEG with something after its end are refused as uploads are, each named
    with its item and file; the items are imported without them, the other item with its image."""
    folder = uploads / "2020" / "01"
    Image.new("P", (40, 30)).save(folder / "anim.gif", "GIF")
    gps_photo(folder / "hidden.jpg")
    with (folder / "hidden.jpg").open("ab") as hidden:
        hidden.write(b"<script>alert(1)</script>")
    gps_photo(folder / "fine.jpg")
    posts = [
        Post(1, "With a GIF", f'<p>One.</p><img src="{UPLOADS}/2020/01/anim.gif" alt="a">'),
        Post(2, "With a polyglot", f'<p>Two.</p><img src="{UPLOADS}/2020/01/hidden.jpg" alt="b">'),
        Post(3, "With a photo", f'<p>Three.</p><img src="{UPLOADS}/2020/01/fine.jpg" alt="c">'),
    ]
    out = run(tmp_path, posts)

    refusals = {}
    for name in ("anim.gif", "hidden.jpg"):
        with pytest.raises(ValidationError) as refused:
            media_upload(
                actor=COMMAND,
                name=name,
                data=(folder / name).read_bytes(),
                title="x",
                language="fa",
                alt_text="x",
            )
        refusals[name] = refused.value
    gif, polyglot = refusals["anim.gif"], refusals["hidden.jpg"]
    assert (
        f"export.xml: post 1: image “2020/01/anim.gif” not imported: {gif.message} ({gif.hint})"
        in out
    )
    assert (
        f"export.xml: post 2: image “2020/01/hidden.jpg” not imported: {polyglot.message} "
        f"({polyglot.hint})" in out
    )
    assert "3 publication(s) created" in out
    assert "<img" not in imported("1").body and "media:" not in imported("2").body
    only = Media.objects.get()
    assert f'<img src="media:{only.pk}" alt="c">' in imported("3").body


def test_the_same_image_is_one_media(tmp_path, uploads, media, kinds):
    """An image shown by two posts (once by its resized name) and again by a later run's post is
    stored once; without alt text it takes its file's name, and the report says so."""
    gps_photo(uploads / "2020" / "01" / "rally_square.jpg")
    first = [
        Post(1, "One", f'<img src="{UPLOADS}/2020/01/rally_square.jpg" alt="">'),
        Post(2, "Two", f'<img src="{UPLOADS}/2020/01/rally_square-300x210.jpg" alt="Rally">'),
    ]
    out = run(tmp_path, first)
    assert "image “2020/01/rally_square.jpg” has no alt text: “rally square” stands in" in out
    out = run(
        tmp_path,
        [*first, Post(3, "Three", f'<img src="{UPLOADS}/2020/01/rally_square.jpg" alt="x">')],
    )
    assert "1 publication(s) created" in out

    image = Media.objects.get()
    assert image.alt_text == "rally square"
    for source_id in ("1", "2", "3"):
        assert f'src="media:{image.pk}"' in imported(source_id).body


def test_dry_run_stores_no_image(tmp_path, uploads, media, kinds):
    """A dry run checks each image as an upload would and stores no file and no row."""
    gps_photo(uploads / "2020" / "01" / "rally.jpg")
    Image.new("P", (40, 30)).save(uploads / "2020" / "01" / "anim.gif", "GIF")
    content = (
        f'<img src="{UPLOADS}/2020/01/rally.jpg" alt="A rally">'
        f'<img src="{UPLOADS}/2020/01/anim.gif" alt="b">'
    )
    out = run(tmp_path, [Post(1, "Rally", content)], "--dry-run")
    assert "1 publication(s) would be created" in out
    assert "image “2020/01/anim.gif” not imported: files ending in “.gif”" in out
    assert not Media.objects.exists() and not Publication.objects.exists()
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_image_addresses_never_read_outside_the_uploads_folder(tmp_path, uploads, media, kinds):
    """An absolute path after the uploads root, “..”, a file: address and a link in the folder
    to a photo elsewhere read nothing outside --uploads: each is named with its item, and the
    items are imported without them."""
    secret = tmp_path / "secret.jpg"
    gps_photo(secret)
    (uploads / "2020" / "01" / "link.jpg").symlink_to(secret)
    posts = [
        Post(1, "Absolute", f'<p>One.</p><img src="{UPLOADS}/{secret}" alt="a">'),
        Post(2, "Encoded", f'<p>Two.</p><img src="{UPLOADS}/%2F{str(secret)[1:]}" alt="b">'),
        Post(3, "Parent", f'<p>Three.</p><img src="{UPLOADS}/2020/../../secret.jpg" alt="c">'),
        Post(4, "File", f'<p>Four.</p><img src="file://{uploads}/../secret.jpg" alt="d">'),
        Post(5, "Link", f'<p>Five.</p><img src="{UPLOADS}/2020/01/link.jpg" alt="e">'),
    ]
    out = run(tmp_path, posts)
    for number in range(1, 6):
        assert re.search(
            rf"export\.xml: post {number}: image “[^”]+” not imported: its path leads outside "
            r"the --uploads folder",
            out,
        ), out
    assert "5 publication(s) created" in out
    assert not Media.objects.exists()
    assert all("<img" not in imported(str(number)).body for number in range(1, 6))

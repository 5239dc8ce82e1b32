"""Every derived copy follows a change: the stored HTML, the pages and the mirror."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from nashr.audit.models import AuditEntry
from nashr.comments.models import Comment, CommentStatus
from nashr.comments.services import comment_post, comments_moderate
from nashr.core.actors import COMMAND
from nashr.core.exceptions import StateError
from nashr.media.models import Media, MediaUse
from nashr.media.services import media_delete, media_update, media_upload
from nashr.media.tests.conftest import photo_bytes
from nashr.mirror.build import mirror_build
from nashr.mirror.tests.conftest import check_links
from nashr.publications import services as publications
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db
MakePublication = Callable[..., Publication]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    return tmp_path / "mirror"


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[[], Any]:
    """A block whose on-commit work runs when it ends, as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mirror_on(outdir: Path) -> Iterator[Path]:
    """NASHR_MIRROR_DIR set: every change queues a rebuild (run at once by the test queue)."""
    with override_settings(NASHR_MIRROR_DIR=str(outdir)):
        yield outdir


def upload(alt: str = "جمعیت در خیابان") -> Media:
    return media_upload(
        actor=COMMAND, name="rally.jpg", data=photo_bytes(width=900, height=600),
        title="Rally", language="fa", alt_text=alt,
    )  # fmt: skip


def page_of(client: Client, publication: Publication) -> str:
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def mirror_page(outdir: Path, publication: Publication) -> str:
    return next((outdir / f"fa/p/{publication.pk}").glob("*/index.html")).read_text()


def test_a_new_alt_text_shows_on_the_page_and_in_the_mirror(
    client: Client, make_publication: MakePublication, outdir: Path
) -> None:
    """The publication page shows an image's new alt text at the next request, and the
    mirror after its next build."""
    photo = upload()
    publication = make_publication(body=f"متن\n\n![](media:{photo.pk})")
    mirror_build(outdir=outdir)
    assert 'alt="جمعیت در خیابان"' in mirror_page(outdir, publication)
    media_update(actor=COMMAND, media=photo, alt_text="راهپیمایی زنان در تهران")
    assert 'alt="راهپیمایی زنان در تهران"' in page_of(client, publication)
    assert "جمعیت در خیابان" not in page_of(client, publication)
    mirror_build(outdir=outdir)
    assert 'alt="راهپیمایی زنان در تهران"' in mirror_page(outdir, publication)


def test_deleting_a_used_image_is_refused_naming_the_publications(
    make_publication: MakePublication,
) -> None:
    """An image that publications show is not deleted unless confirmed; the refusal
    names every publication that uses it, and nothing is deleted."""
    photo = upload()
    first = make_publication(title="بیانیه نخست", body=f"![](media:{photo.pk})")
    second = make_publication(title="بیانیه دوم", body=f"[نسخه چاپی](media:{photo.pk})")
    make_publication(title="بیانیه سوم", body="بی‌تصویر")
    with pytest.raises(StateError) as refused:
        media_delete(actor=COMMAND, media=photo)
    assert "«بیانیه نخست»" in refused.value.message
    assert "«بیانیه دوم»" in refused.value.message
    assert "بیانیه سوم" not in refused.value.message
    assert Media.objects.filter(pk=photo.pk).exists()
    assert set(MediaUse.objects.values_list("owner_id", flat=True)) == {first.pk, second.pk}


def test_after_a_confirmed_deletion_nothing_points_at_a_missing_file(
    client: Client,
    make_publication: MakePublication,
    outdir: Path,
    media_root: Path,
    committed: Callable[[], Any],
) -> None:
    """Once a used image is deleted (confirmed), neither the page nor the mirror shows a
    <picture> or a link to any file that is gone."""
    photo = upload()
    publication = make_publication(body=f"متن\n\n![](media:{photo.pk})\n\n[فایل](media:{photo.pk})")
    mirror_build(outdir=outdir)
    assert "<picture>" in mirror_page(outdir, publication)
    files = [photo.file.name, *(str(v["name"]) for v in photo.variants)]
    with committed():
        media_delete(actor=COMMAND, media=photo, confirmed=True)
    assert not any((media_root / name).exists() for name in files)
    page = page_of(client, publication)
    assert "<picture>" not in page and "/media/uploads/" not in page
    assert "media:" not in page
    mirror_build(outdir=outdir)
    mirrored = mirror_page(outdir, publication)
    assert "<picture>" not in mirrored and "media/uploads/" not in mirrored
    assert check_links(outdir)[1] == []
    assert not list((outdir / "media").rglob("*.webp"))


def test_editing_out_an_image_frees_it(make_publication: MakePublication) -> None:
    """A publication edited so that it no longer shows the image no longer holds it."""
    photo = upload()
    publication = make_publication(body=f"![](media:{photo.pk})")
    publications.publication_update(actor=COMMAND, publication=publication, body="بی‌تصویر")
    media_delete(actor=COMMAND, media=photo)
    assert not Media.objects.exists()


def test_approving_a_comment_queues_a_rebuild_that_shows_it(
    make_publication: MakePublication, mirror_on: Path, committed: Callable[[], Any]
) -> None:
    """A held comment, once approved, is in the mirror without any other change."""
    publication = make_publication()
    mirror_build(outdir=mirror_on)
    posted = comment_post(
        publication=publication, name="خواننده", body="این نظر تا تأیید نگه داشته می‌شود."
    )
    comment = Comment.objects.get(pk=posted.comment.pk)
    if comment.status != CommentStatus.PENDING:
        Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PENDING)
    assert "تا تأیید نگه داشته" not in mirror_page(mirror_on, publication)
    with committed():
        comments_moderate(actor=COMMAND, comment_ids=[comment.pk], status=CommentStatus.APPROVED)
    assert "تا تأیید نگه داشته" in mirror_page(mirror_on, publication)


def test_publishing_a_bulletin_queues_a_rebuild_that_shows_it(
    make_publication: MakePublication,
    make_series: Callable[..., Any],
    publish_issue: Callable[..., Any],
    mirror_on: Path,
    committed: Callable[[], Any],
) -> None:
    """A bulletin issue, once published, is in the mirror's bulletin pages."""
    make_publication()
    series = make_series()
    mirror_build(outdir=mirror_on)
    with committed():
        issue = publish_issue(series, editorial_title="An issue the mirror must show")
    pages = [p.read_text() for p in (mirror_on / "en").rglob("*.html") if "bulletin" in str(p)]
    assert any("An issue the mirror must show" in page for page in pages)
    assert any(re.search(rf"\b{issue.number}\b", page) for page in pages)


def test_the_admin_asks_before_deleting_a_used_image(
    make_publication: MakePublication,
    make_staff: Callable[..., Any],
    media_root: Path,
    committed: Callable[[], Any],
) -> None:
    """The image's delete page names the publications that use it, refuses a plain "yes",
    and deletes with the box ticked: through the service, so the deletion is audited and
    the files are gone once it commits (issue 23, item 5: the admin's delete used to leave
    them public)."""
    client = Client()
    client.force_login(make_staff("editor", username="shirin"))
    photo = upload()
    make_publication(title="بیانیه با عکس", body=f"![](media:{photo.pk})")
    url = f"/en/admin/media/media/{photo.pk}/delete/"
    page = client.get(url).content.decode()
    assert "«بیانیه با عکس»" in page and 'name="confirm_used"' in page
    refused = client.post(url, {"post": "yes"}, follow=True)
    assert "still used" in refused.content.decode()
    assert Media.objects.filter(pk=photo.pk).exists()
    files = [photo.file.name, *(str(v["name"]) for v in photo.variants)]
    with committed():
        deleted = client.post(url, {"post": "yes", "confirm_used": "yes"})
    assert deleted.status_code == 302
    assert not Media.objects.filter(pk=photo.pk).exists()
    assert not any((media_root / name).exists() for name in files)
    entry = AuditEntry.objects.get(action="media.delete")
    assert entry.target_id == str(photo.pk) and entry.actor_name == "shirin"


@pytest.mark.django_db(transaction=True)
def test_a_new_alt_text_is_not_hidden_by_the_page_cache(
    settings: Any, make_publication: MakePublication
) -> None:
    """With the page cache on, the next request after the committed change renders the page
    afresh, with the new alt text (readers never get the cached page with the old one)."""
    settings.NASHR_PAGE_CACHE = True
    cache.clear()
    photo = upload()
    publication = make_publication(body=f"![](media:{photo.pk})")
    reader = Client()
    url = publication.get_absolute_url()
    reader.get(url)
    assert reader.get(url).headers.get("X-Nashr-Cache") == "hit"
    media_update(actor=COMMAND, media=photo, alt_text="پرچم بر فراز میدان")
    fresh = reader.get(url)
    assert fresh.headers.get("X-Nashr-Cache") == "miss"
    assert 'alt="پرچم بر فراز میدان"' in fresh.content.decode()


def test_an_image_in_a_bulletin_is_not_deleted_unawares(
    make_series: Callable[..., Any],
) -> None:
    """An image shown in an issue's editorial is refused for deletion, naming the issue;
    taken out of the editorial, it is free to go."""
    from nashr.bulletins.services import bulletin_draft, bulletin_update

    photo = upload()
    issue = bulletin_draft(
        actor=COMMAND, series=make_series(), editorial_body=f"![](media:{photo.pk})"
    )
    with pytest.raises(StateError) as refused:
        media_delete(actor=COMMAND, media=photo)
    assert f"«{issue}»" in refused.value.message
    bulletin_update(actor=COMMAND, bulletin=issue, editorial_body="بی‌تصویر")
    media_delete(actor=COMMAND, media=photo)
    assert not Media.objects.exists()


def test_the_admins_bulk_delete_keeps_used_images(
    make_publication: MakePublication, make_staff: Callable[..., Any]
) -> None:
    """ "Delete selected" deletes the images no text uses and keeps, naming them, the others."""
    client = Client()
    client.force_login(make_staff("editor", username="shirin"))
    used, unused = upload(), upload("پرچم")
    make_publication(body=f"![](media:{used.pk})")
    response = client.post(
        "/en/admin/media/media/",
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
        follow=True,
    )
    assert list(Media.objects.values_list("pk", flat=True)) == [used.pk]
    assert "Kept, because texts use them" in response.content.decode()

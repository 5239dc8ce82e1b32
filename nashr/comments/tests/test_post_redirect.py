"""A taken comment answers with a redirect (POST/redirect/GET): a reload posts nothing again,
and the page after it still says whether the comment is shown or held, without a cookie."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from nashr.comments.models import Comment, CommentStatus
from nashr.comments.tests.conftest import ORIGIN, solved
from nashr.publications.models import Publication

pytestmark = pytest.mark.django_db


def _post(client: Client, publication: Publication, **fields: str) -> Any:
    data = {"name": "Reader", "body": "A comment.", "website": "", "altcha": "", **fields}
    return client.post(f"/en/p/{publication.pk}/comments/", data, HTTP_ORIGIN=ORIGIN)


def test_a_held_comment_redirects_and_a_reload_posts_nothing(
    client: Client, publication: Publication
) -> None:
    """The post answers 303 to the form's address with ?held=1; that page says the comment
    awaits moderation, and loading it again adds no comment and sets no cookie."""
    answer = _post(client, publication)
    assert answer.status_code == 303
    assert answer["Location"] == f"/en/p/{publication.pk}/comments/?held=1"
    assert not answer.cookies
    for _reload in range(2):
        page = client.get(answer["Location"])
        assert page.status_code == 200 and not page.cookies
        assert b"Your comment awaits moderation" in page.content
        assert b'name="body"' not in page.content
        assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    assert Comment.objects.count() == 1


def test_a_shown_comment_redirects_to_the_page_linking_it(
    client: Client, publication: Publication, settings: Any
) -> None:
    """A comment shown at once (proof of work, no moderation) leads to ?shown=<id>, whose
    page links the comment under the publication."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    answer = _post(client, publication, altcha=solved())
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.APPROVED
    assert answer.status_code == 303
    assert answer["Location"] == f"/en/p/{publication.pk}/comments/?shown={comment.pk}"
    page = client.get(answer["Location"]).content.decode()
    assert "Your comment is published" in page
    assert f'href="{publication.get_absolute_url()}#comment-{comment.pk}"' in page


def test_the_mailed_notice_follows_the_redirect(client: Client, publication: Publication) -> None:
    """A comment with an address leads to ?held=1&mailed=1, whose page says a link is mailed."""
    answer = _post(client, publication, email="reader@example.org")
    assert answer["Location"].endswith("?held=1&mailed=1")
    assert b"A link is mailed to your address" in client.get(answer["Location"]).content
    without = client.get(_post(client, publication, body="Another.")["Location"])
    assert b"A link is mailed to your address" not in without.content


def test_a_shown_address_naming_a_hidden_comment_says_held(
    client: Client, publication: Publication
) -> None:
    """?shown= naming a comment readers cannot see (held, or of another publication) shows
    the held message and links no comment."""
    _post(client, publication, body="Held one.")
    held = Comment.objects.get()
    page = client.get(f"/en/p/{publication.pk}/comments/?shown={held.pk}").content.decode()
    assert "Your comment awaits moderation" in page and "#comment-" not in page


def test_the_outcome_survives_the_page_cache(
    client: Client, publication: Publication, settings: Any
) -> None:
    """With the page cache on, the redirect's numbers reach the view (the cache keeps them)
    and the outcome page is not stored for the next reader of the form."""
    settings.NASHR_PAGE_CACHE = True
    answer = _post(client, publication, email="reader@example.org")
    page = client.get(answer["Location"])
    assert b"Your comment awaits moderation" in page.content
    assert b"A link is mailed to your address" in page.content
    form = client.get(f"/en/p/{publication.pk}/comments/")
    assert b'name="body"' in form.content and b"awaits moderation" not in form.content


def test_a_bot_gets_the_same_redirect(client: Client, publication: Publication) -> None:
    """A post filling the hidden field is redirected as a person's is, and nothing is kept."""
    answer = _post(client, publication, website="http://spam.example")
    assert answer.status_code == 303
    assert answer["Location"] == f"/en/p/{publication.pk}/comments/?held=1"
    assert not Comment.objects.exists()


def test_a_refused_post_is_answered_in_place(client: Client, publication: Publication) -> None:
    """An invalid post is not redirected: the form comes back with what was written."""
    answer = _post(client, publication, body="")
    assert answer.status_code == 400 and b'name="body"' in answer.content

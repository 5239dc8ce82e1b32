"""Moderation modes, closing, blocking, patterns, the digest and reply notifications."""

from __future__ import annotations

import datetime as dt
import email
import re

import pytest
from django.test import Client
from django.utils import timezone

from nashr.comments import selectors, services
from nashr.comments.models import Comment, CommentPattern, CommentStatus
from nashr.core.actors import COMMAND

pytestmark = pytest.mark.django_db


def _status(body: str) -> str:
    return Comment.objects.get(body=body).status


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("all", CommentStatus.PENDING), ("first", CommentStatus.PENDING), ("none", "approved")],
)
def test_site_moderation_modes(publication, post_comment, settings, mode, expected) -> None:
    """With a solved proof of work a new commenter is held in "all" and "first", not in "none"."""
    settings.NASHR_COMMENTS_MODERATION = mode
    post_comment(publication, body="Hello.", pow=True)
    assert _status("Hello.") == expected


def test_publication_overrides_the_site_mode(publication, post_comment, settings) -> None:
    """A publication set to hold every comment holds them though the site holds none."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    services.comment_policy_set(actor=COMMAND, publication=publication, moderation="all")
    post_comment(publication, body="Held here.", pow=True)
    assert Comment.objects.get().held_reason == "every comment held"


def test_first_mode_trusts_after_approval_and_confirmation(
    publication, post_comment, smtp_sink, django_capture_on_commit_callbacks
) -> None:
    """In "first" mode a commenter with an approved, confirmed comment is shown on confirming."""
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(publication, body="My first.", pow=True, email="Sara@Example.org")
    first = Comment.objects.get()
    assert first.held_reason == "new commenter"
    link = _link(smtp_sink, "sara@example.org", "confirm")
    Client().post(link)
    services.comments_moderate(actor=COMMAND, comment_ids=[first.pk], status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(publication, body="My second.", pow=True, email="sara@example.org")
    second = Comment.objects.get(body="My second.")
    assert second.status == CommentStatus.PENDING
    assert second.held_reason == "awaiting email confirmation"
    Client().post(_link(smtp_sink, "sara@example.org", "confirm", last=True))
    assert _status("My second.") == CommentStatus.APPROVED


def test_closed_and_expired_publications_take_no_comment(
    client: Client, publication, post_comment, settings
) -> None:
    """Closed by hand, or N days after publication, the form is gone and a post is refused."""
    services.comment_policy_set(actor=COMMAND, publication=publication, closed=True)
    page = client.get(publication.get_absolute_url()).content
    assert b'id="comment-form"' not in page
    assert post_comment(publication, body="Too late.").status_code == 400
    services.comment_policy_set(actor=COMMAND, publication=publication, closed=False)
    assert post_comment(publication, body="Open again.").status_code == 200
    settings.NASHR_COMMENTS_CLOSE_AFTER_DAYS = 30
    publication.published_at = timezone.now() - dt.timedelta(days=31)
    publication.save()
    assert post_comment(publication, body="A month on.").status_code == 400
    assert not Comment.objects.filter(body__in=["Too late.", "A month on."]).exists()


def test_hidden_comments_are_kept_but_not_shown(
    client: Client, publication, post_comment, settings
) -> None:
    """Hidden (Drupal's setting): no comment is shown, counted or answered, none is taken;
    shown again once the policy no longer hides them."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    post_comment(publication, body="Said before.", pow=True)
    shown = Comment.objects.get(body="Said before.")
    assert shown.status == CommentStatus.APPROVED
    services.comment_policy_set(actor=COMMAND, publication=publication, hidden=True)
    page = client.get(publication.get_absolute_url()).content
    assert b"Said before." not in page and b'id="comment-form"' not in page
    assert selectors.comment_count(publication_id=publication.pk) == 0
    assert publication.pk not in selectors.comment_counts()
    assert selectors.comment_shown(publication=publication, pk=shown.pk) is None
    assert post_comment(publication, body="Hidden too.").status_code == 400
    services.comment_policy_set(actor=COMMAND, publication=publication, hidden=False)
    assert b"Said before." in client.get(publication.get_absolute_url()).content


def test_blocked_commenter_goes_to_spam(publication, post_comment, settings) -> None:
    """After a block by email hash, that commenter's next comments are spam, from any address."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    post_comment(publication, body="Rude.", email="troll@example.org")
    services.commenter_block(actor=COMMAND, comment=Comment.objects.get(), by_address=False)
    post_comment(publication, body="Ruder.", email="TROLL@example.org", address="198.51.100.8")
    assert _status("Ruder.") == CommentStatus.SPAM
    post_comment(publication, body="Polite.", email="other@example.org", pow=True)
    assert _status("Polite.") == CommentStatus.APPROVED


def test_patterns_links_and_duplicates(publication, post_comment, settings) -> None:
    """A listed word holds or spams, too many links hold, the same text twice is refused."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    services.comment_pattern_save(
        actor=COMMAND, pattern=CommentPattern(pattern="casino", action="spam")
    )
    services.comment_pattern_save(
        actor=COMMAND, pattern=CommentPattern(pattern=r"\bfake\s+news\b", is_regex=True)
    )
    post_comment(publication, body="Best CASINO here.", pow=True)
    post_comment(publication, body="This is fake   news!", pow=True, address="198.51.100.4")
    links = "see https://a.example https://b.example https://c.example"
    post_comment(publication, body=links, pow=True, address="198.51.100.5")
    assert _status("Best CASINO here.") == CommentStatus.SPAM
    assert _status("This is fake   news!") == CommentStatus.PENDING
    assert Comment.objects.get(body=links).held_reason == "too many links"
    again = post_comment(publication, body=links, pow=True, address="198.51.100.6")
    assert again.status_code == 400 and Comment.objects.filter(body=links).count() == 1


def test_a_listed_word_is_found_however_it_was_typed(publication, post_comment, settings) -> None:
    """«کازینو» on the list catches «كازينو» typed with Arabic letters, and «تبلیغ‌ها» «تبليغها»."""
    settings.NASHR_COMMENTS_MODERATION = "none"
    for word in ("کازینو", "تبلیغ‌ها"):
        services.comment_pattern_save(
            actor=COMMAND, pattern=CommentPattern(pattern=word, action="spam")
        )
    post_comment(publication, body="بهترین كازينو اينجاست", pow=True)
    post_comment(publication, body="اين تبليغها را ببينيد", pow=True, address="198.51.100.4")
    post_comment(publication, body="نظری درباره کارگران", pow=True, address="198.51.100.5")
    assert _status("بهترین كازينو اينجاست") == CommentStatus.SPAM
    assert _status("اين تبليغها را ببينيد") == CommentStatus.SPAM
    assert _status("نظری درباره کارگران") == CommentStatus.APPROVED


def test_digest_mails_each_moderator_once(publication, post_comment, moderator, smtp_sink) -> None:
    """One mail per moderator lists every comment waiting; nothing waiting, nothing sent."""
    assert services.comments_digest_send(actor=COMMAND) == 0
    for number in range(3):
        post_comment(publication, body=f"waiting {number}", address=f"198.51.100.{number}")
    assert services.comments_digest_send(actor=COMMAND) == 1
    [mail] = smtp_sink.to("moderator@example.org")
    text = _text(mail)
    assert all(f"waiting {number}" in text for number in range(3))
    assert smtp_sink.count() == 1


def _text(mail) -> str:
    payload = email.message_from_bytes(mail.data).get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _link(smtp_sink, address: str, kind: str, *, last: bool = False) -> str:
    messages = smtp_sink.to(address)
    assert messages
    mail = messages[-1] if last else messages[0]
    text = _text(mail)
    match = re.search(rf"https?://[^/\s]+(/\S+/comments/{kind}/\S+/)", text)
    assert match, text
    return match.group(1)


def test_reply_notification_needs_a_confirmed_email(
    publication, post_comment, smtp_sink, moderator, django_capture_on_commit_callbacks
) -> None:
    """A reply is mailed to the commenter only once their address is confirmed."""
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(publication, body="Question?", email="asker@example.org")
    top = Comment.objects.get()
    services.comments_moderate(actor=COMMAND, comment_ids=[top.pk], status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply_staff(actor=moderator, parent=top, body="Unconfirmed: no mail.")
    assert len(smtp_sink.to("asker@example.org")) == 1  # the confirmation link only
    Client().post(_link(smtp_sink, "asker@example.org", "confirm"))
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_reply_staff(actor=moderator, parent=top, body="Answer.")
    mails = smtp_sink.to("asker@example.org")
    assert len(mails) == 2
    assert f"#comment-{reply.pk}" in mails[-1].data.decode()


def test_commenter_sees_stops_and_deletes_by_the_link(
    client: Client, publication, post_comment, smtp_sink, django_capture_on_commit_callbacks
) -> None:
    """The mailed data link lists the comments, forgets the address, then deletes them all."""
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(publication, body="Mine.", email="me@example.org")
    link = _link(smtp_sink, "me@example.org", "mine")
    page = client.get(link)
    assert page.status_code == 200 and b"Mine." in page.content and not page.cookies
    client.post(link, {"action": "stop"})
    assert Comment.objects.get().email == ""
    client.post(link, {"action": "delete"})
    assert not Comment.objects.exists()
    assert client.get(link).status_code == 404


def test_staff_reply_is_marked_as_the_organization(client: Client, publication, moderator) -> None:
    """A staff reply is shown as the editors', not under the staff member's username."""
    top, _ = services.comment_import(
        actor=COMMAND,
        publication=publication,
        source="test",
        legacy_id="1",
        name="Ali",
        body="Why?",
        created_at=timezone.now(),
        status="approved",
    )
    services.comment_reply_staff(actor=moderator, parent=top, body="Because.")
    page = client.get(publication.get_absolute_url()).content.decode()
    assert "comment--staff" in page and "kaveh-editor" not in page


def test_moderation_needs_the_permission(publication, make_staff) -> None:
    """An author may not approve comments."""
    from nashr.core.exceptions import PermissionDenied

    author = make_staff("author")
    with pytest.raises(PermissionDenied):
        services.comments_moderate(actor=author, comment_ids=[], status="approved")


def test_admin_queue_shows_each_comment_in_its_direction_and_staff_replies(
    admin_client, publication
) -> None:
    """The queue lists comments with dir="auto"; the change page posts a staff reply."""
    top, _ = services.comment_import(
        actor=COMMAND,
        publication=publication,
        source="test",
        legacy_id="9",
        name="Ali",
        body="سلام",
        created_at=timezone.now(),
        status="pending",
    )
    queue = admin_client.get("/en/admin/comments/comment/?status__exact=pending")
    assert queue.status_code == 200 and b'<div dir="auto" lang="fa">' in queue.content
    page = f"/en/admin/comments/comment/{top.pk}/change/"
    assert admin_client.get(page).status_code == 200
    admin_client.post(page, {"reply": "From the editors."})
    reply = Comment.objects.get(parent=top)
    assert reply.staff_author is not None and reply.status == CommentStatus.APPROVED

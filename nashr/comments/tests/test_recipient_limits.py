"""Mail to one commenter's address is bounded, whoever types the address into the form."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from nashr.comments import services
from nashr.comments.models import Comment, CommentStatus
from nashr.comments.privacy import email_hash
from nashr.core.models import RateCount
from nashr.publications.models import Publication
from nashr.testing.clock import run_worker

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.org"


def _post_many(
    post_comment: Callable[..., Any], publication: Publication, count: int, email: str
) -> list[str]:
    """`count` posts naming `email`, each from its own connection; the answers' mail notice."""
    notices = []
    for number in range(count):
        answer = post_comment(
            publication,
            body=f"Comment number {number}.",
            email=email,
            address=f"198.51.100.{number + 1}",
        )
        assert answer.status_code == 200
        found = re.search(r'<p class="comments__mailed">(.*?)</p>', answer.content.decode(), re.S)
        assert found, answer.content.decode()
        notices.append(found.group(1))
    return notices


def _confirm_path(received: Any) -> str:
    text = received.data.decode()
    found = re.search(r"https?://[^/\s]+(/\S+/comments/confirm/\S+/)", text)
    assert found, text
    return found.group(1)


def test_thirty_posts_naming_one_address_mail_it_once(
    publication: Publication,
    post_comment: Callable[..., Any],
    smtp_sink: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Thirty posts with one victim's address send one mail while its link waits; every post
    is kept, held, and answered with the same words whether its address was mailed or not."""
    with django_capture_on_commit_callbacks(execute=True):
        notices = _post_many(post_comment, publication, 30, VICTIM)
    assert len(smtp_sink.to(VICTIM)) == 1
    assert Comment.objects.filter(email_hash=email_hash(VICTIM)).count() == 30
    assert len(set(notices)) == 1
    # The count is kept under a keyed hash: the address is nowhere in the table.
    assert not RateCount.objects.filter(key__icontains="victim").exists()


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_sends_the_link_after_the_answer(
    publication: Publication, post_comment: Callable[..., Any], smtp_sink: Any, settings: Any
) -> None:
    """With the production task backend the answers come before any mail; the worker then
    mails the address once for three posts naming it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _post_many(post_comment, publication, 3, VICTIM)
    assert smtp_sink.to(VICTIM) == []
    run_worker()
    assert len(smtp_sink.to(VICTIM)) == 1


def test_confirmation_mails_to_one_address_stop_at_the_daily_bound(
    publication: Publication,
    post_comment: Callable[..., Any],
    smtp_sink: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """With no wait between links, thirty posts still mail one address only the day's three."""
    settings.NASHR_COMMENTS_CONFIRM_MAIL_WAIT = 0
    settings.NASHR_COMMENTS_CONFIRM_MAIL_RATE = (3, 24 * 3600)
    with django_capture_on_commit_callbacks(execute=True):
        _post_many(post_comment, publication, 30, VICTIM)
    assert len(smtp_sink.to(VICTIM)) == 3


def test_a_followed_link_lets_the_next_comment_be_confirmed(
    publication: Publication,
    post_comment: Callable[..., Any],
    smtp_sink: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A commenter who follows their link gets the next comment's link at once, the day's
    bound still holding: confirmed, mailed, confirmed, mailed, confirmed, then no more."""
    for number in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            post_comment(
                publication,
                body=f"My comment {number}.",
                email="sara@example.org",
                address=f"198.51.100.{number + 1}",
            )
        mails = smtp_sink.to("sara@example.org")
        assert len(mails) == min(number + 1, 3)
        if number < 3:
            assert Client().post(_confirm_path(mails[-1])).status_code == 200
    assert Comment.objects.filter(email_confirmed_at__isnull=False).count() == 3


@pytest.fixture
def confirmed_threads(publication: Publication) -> list[Comment]:
    """Three approved comments of one commenter, their address confirmed."""
    return [
        Comment.objects.create(
            publication=publication,
            name="Sara",
            body=f"Thread {number}.",
            status=CommentStatus.APPROVED,
            email="sara@example.org",
            email_hash=email_hash("sara@example.org"),
            email_confirmed_at=timezone.now(),
            created_at=timezone.now(),
        )
        for number in range(3)
    ]


def test_approved_replies_mail_a_commenter_once_per_thread_a_day(
    confirmed_threads: list[Comment],
    moderator: Any,
    smtp_sink: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Five approved replies under one comment tell its writer once; a reply in another of
    their threads tells them again."""
    first, second, _third = confirmed_threads
    with django_capture_on_commit_callbacks(execute=True):
        replies = [
            services.comment_reply_staff(actor=moderator, parent=first, body=f"Answer {n}.")
            for n in range(5)
        ]
    [notice] = smtp_sink.to("sara@example.org")
    assert f"#comment-{replies[0].pk}" in notice.data.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reply_staff(actor=moderator, parent=second, body="Elsewhere.")
    assert len(smtp_sink.to("sara@example.org")) == 2


def test_reply_notices_to_one_commenter_stop_at_the_daily_bound(
    confirmed_threads: list[Comment],
    moderator: Any,
    smtp_sink: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Replies in three of a commenter's threads mail them only the day's bound of two."""
    settings.NASHR_COMMENTS_REPLY_MAIL_RATE = (2, 24 * 3600)
    with django_capture_on_commit_callbacks(execute=True):
        for thread in confirmed_threads:
            services.comment_reply_staff(actor=moderator, parent=thread, body="An answer.")
    assert len(smtp_sink.to("sara@example.org")) == 2

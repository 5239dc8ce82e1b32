"""The subscribe form, double opt-in and the identical answer, against a real SMTP server."""

from __future__ import annotations

import email
import re

import pytest
from django.apps import apps
from django.test import Client

from nashr.subscribers.models import Subscriber, SubscriberStatus, SubscriptionStatus

# Confirmation mail leaves after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def _confirm_link(sink, address: str) -> str:
    (received,) = sink.to(address)
    payload = email.message_from_bytes(received.data).get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    match = re.search(r"https://nashr\.example(/\S+/confirm/\S+/)", body)
    assert match, body
    return match.group(1)


def test_double_opt_in(client: Client, smtp_sink, make_series) -> None:
    """A subscription is confirmed only by POSTing the mailed link; a GET of it changes nothing."""
    series = make_series()
    response = client.post("/en/subscribe/", {"email": "Reader@Example.org", "series": [series.pk]})
    assert response.status_code == 303
    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert subscriber.status == SubscriberStatus.PENDING
    link = _confirm_link(smtp_sink, "reader@example.org")

    page = client.get(link)
    assert page.status_code == 200 and b'<button type="submit">' in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING

    done = Client().post(link)
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert subscriber.subscriptions.get().status == SubscriptionStatus.CONFIRMED


def test_expired_link_does_not_confirm(client: Client, smtp_sink, make_series, settings) -> None:
    """A confirmation link older than NASHR_CONFIRM_MAX_AGE says so and confirms nothing."""
    series = make_series()
    client.post("/en/subscribe/", {"email": "late@example.org", "series": [series.pk]})
    link = _confirm_link(smtp_sink, "late@example.org")
    settings.NASHR_CONFIRM_MAX_AGE = -1
    response = client.post(link)
    assert response.status_code == 400
    assert b"expired" in response.content
    assert Subscriber.objects.get(email="late@example.org").status == SubscriberStatus.PENDING


def test_same_answer_whether_or_not_subscribed(smtp_sink, make_series, make_subscribers) -> None:
    """A known and an unknown address get byte-identical answers and the same kind of mail."""
    series = make_series()
    (known,) = make_subscribers(series, 1, prefix="known")
    answers = []
    for address in (known.email, "stranger@example.org"):
        response = Client().post("/en/subscribe/", {"email": address, "series": [series.pk]})
        followed = Client().get(response["Location"])
        answers.append((response.status_code, response["Location"], followed.content))
    assert answers[0] == answers[1]
    assert len(smtp_sink.to(known.email)) == 1
    assert len(smtp_sink.to("stranger@example.org")) == 1
    known.refresh_from_db()
    assert known.status == SubscriberStatus.CONFIRMED  # asking again downgrades nothing


def test_honeypot_gets_the_same_answer_and_nothing_happens(smtp_sink, make_series) -> None:
    """A filled hidden field looks like success to the bot, but stores and sends nothing."""
    series = make_series()
    response = Client().post(
        "/en/subscribe/",
        {"email": "bot@example.org", "series": [series.pk], "website": "http://spam"},
    )
    assert response.status_code == 303
    assert response["Location"] == "/en/subscribe/sent/"
    assert not Subscriber.objects.exists()
    assert smtp_sink.count() == 0


def test_rate_limit_keeps_no_ip_in_the_database(smtp_sink, make_series, settings) -> None:
    """Past the limit a client is refused (429), and its IP address is stored nowhere."""
    settings.NASHR_SUBSCRIBE_RATE = (3, 600)
    series = make_series()
    client = Client(REMOTE_ADDR="203.0.113.77")
    codes = [
        client.post(
            "/en/subscribe/", {"email": f"r{i}@example.org", "series": [series.pk]}
        ).status_code
        for i in range(5)
    ]
    assert codes == [303, 303, 303, 429, 429]
    for model in apps.get_models():
        for row in model._default_manager.all().values():
            assert "203.0.113.77" not in str(row), model


def test_rate_limit_behind_proxy_is_per_visitor(smtp_sink, make_series, settings) -> None:
    """Behind a proxy one visitor's eleventh request gets 429 while another visitor is served."""
    settings.NASHR_PROXY_COUNT = 1
    settings.NASHR_SUBSCRIBE_RATE = (10, 600)
    series = make_series()

    def post(visitor: str, number: int) -> int:
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=visitor)
        data = {"email": f"p{number}@example.org", "series": [series.pk]}
        return client.post("/en/subscribe/", data).status_code

    codes = [post("203.0.113.90", number) for number in range(11)]
    assert codes == [303] * 10 + [429]
    assert post("198.51.100.90", 11) == 303


def test_footer_form_on_public_pages_sets_no_cookie(client: Client, make_series) -> None:
    """Every public page carries the subscribe form, works without JS and sets no cookie."""
    series = make_series(language="fa", slug="nashrieh", title="نشریه")
    response = client.get("/fa/")
    html = response.content.decode()
    assert '<form class="subscribe-form" method="post" action="/fa/subscribe/"' in html
    assert f'value="{series.pk}" id="footer-series-{series.pk}" checked>' in html
    assert "<script" not in html
    assert not response.cookies


def test_invalid_address_is_explained(client: Client, make_series) -> None:
    """A malformed address re-shows the form with an error, and nothing is stored."""
    series = make_series()
    response = client.post("/en/subscribe/", {"email": "not-an-address", "series": [series.pk]})
    assert response.status_code == 400
    assert b'aria-invalid="true"' in response.content
    assert not Subscriber.objects.exists()

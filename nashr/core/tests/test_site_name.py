"""The site's name is configuration, per language: pages, error pages, feeds and mail say it."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings

from nashr.core import languages
from nashr.core.exceptions import ValidationError
from nashr.subscribers.services import subscriber_subscribe

pytestmark = pytest.mark.django_db

# One name for every language, and Persian's own (an option's "_" is a space).
NAMED = {
    "NASHR_SITE_NAME": "Voice of Freedom",
    "NASHR_LANGUAGE_OPTIONS": {"fa": "site_name=صدای_آزادی"},
}


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1)


def test_unconfigured_the_name_is_nashr_in_each_language() -> None:
    """Without configuration the site is «نشر» in Persian and "Nashr" in English."""
    assert languages.site_name("fa") == "نشر"
    assert languages.site_name("en") == "Nashr"


@override_settings(**NAMED)
def test_a_languages_own_name_wins_over_the_sites() -> None:
    """A language's site_name= option names the site in it; the others take NASHR_SITE_NAME."""
    assert languages.site_name("fa") == "صدای آزادی"
    assert languages.site_name("en") == "Voice of Freedom"


def test_an_unknown_option_is_still_refused() -> None:
    """The options still refuse a misspelt key, naming the setting."""
    with pytest.raises(ValidationError, match="site_nam"):
        languages.parse_options("site_nam=x", where="NASHR_LANGUAGE_FA")


@override_settings(**NAMED)
def test_pages_and_error_pages_carry_the_name_of_their_language(client: Client) -> None:
    """The home page's title and header and a 404 page name the site in the page's language."""
    for address, name in (("/fa/", "صدای آزادی"), ("/en/", "Voice of Freedom")):
        page = client.get(address).content.decode()
        assert _title(page).endswith(name)
        assert re.search(rf'class="site-title"[^>]*>{name}</a>', page)
        assert "نشر<" not in page and "Nashr<" not in page
    missing = client.get("/en/no-such-page/")
    assert missing.status_code == 404
    assert _title(missing.content.decode()).endswith("· Voice of Freedom")


@override_settings(**NAMED)
def test_feeds_are_titled_with_the_name(
    client: Client, make_publication: Callable[..., Any]
) -> None:
    """The latest-publications feeds and a kind's feed are titled with the language's name."""
    make_publication()
    rss = client.get("/fa/feeds/rss/").content.decode()
    assert "<title>صدای آزادی: " in rss
    atom = client.get("/en/feeds/atom/").content.decode()
    assert "<title>Voice of Freedom: " in atom
    kind = client.get("/fa/feeds/statement/rss/").content.decode()
    assert "<title>صدای آزادی: " in kind


@override_settings(**NAMED, DEFAULT_FROM_EMAIL="bulletin@nashr.example")
def test_notification_mail_comes_from_the_name_in_its_language(
    make_series: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """A subscription's confirmation comes from the site's name in the reader's language,
    at the configured address."""
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_subscribe(email="reader@example.org", series=[make_series()], language="fa")
        subscriber_subscribe(email="other@example.org", series=[make_series()], language="en")
    senders = {message.to[0]: message.from_email for message in mail.outbox}
    assert senders == {
        "reader@example.org": "صدای آزادی <bulletin@nashr.example>",
        "other@example.org": "Voice of Freedom <bulletin@nashr.example>",
    }
    received = email.message_from_bytes(
        mail.outbox[0].message().as_bytes(), policy=email.policy.default
    )
    assert received["From"].addresses[0].display_name == "صدای آزادی"


@override_settings(DEFAULT_FROM_EMAIL="Editors <bulletin@nashr.example>")
def test_a_from_address_with_a_name_keeps_it(
    make_series: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """An operator who wrote a name into the From address gets that name, not the site's."""
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_subscribe(email="reader@example.org", series=[make_series()], language="fa")
    assert [message.from_email for message in mail.outbox] == ["Editors <bulletin@nashr.example>"]

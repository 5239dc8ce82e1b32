"""The email of an issue: subject, text and HTML parts, footer URLs, the .eml file."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

from nashr.bulletins.rendering import bulletin_email_content, bulletin_email_message

UNSUBSCRIBE = "https://mail.example.test/u/TOKEN_unsub-123/"
MANAGE = "https://mail.example.test/data/TOKEN.manage_9/"
TITLES = ("بیانیه درباره اعدام‌ها", "گزارش نشست ائتلاف", "خبر اعتصاب کارگران")


def _links(bulletin) -> list[str]:
    return [item["read_more"]["url"] for item in bulletin.document["items"]]


def test_subject_in_english(published_issue) -> None:
    """An English issue's subject is `<title> No. <n> — <month year>` in Gregorian."""
    bulletin = published_issue(titles=TITLES)
    content = bulletin_email_content(
        bulletin=bulletin, unsubscribe_url=UNSUBSCRIBE, manage_url=MANAGE
    )
    assert content.subject == "Nashr Bulletin No. 47 — November 2023"
    assert content.language == "en"


def test_subject_in_persian(published_issue, persian_series) -> None:
    """A Persian issue's subject has Persian digits and the Jalali month."""
    bulletin = published_issue(persian_series, titles=TITLES)
    content = bulletin_email_content(
        bulletin=bulletin, unsubscribe_url=UNSUBSCRIBE, manage_url=MANAGE
    )
    assert content.subject.startswith("خبرنامه نشر")
    assert content.subject.endswith("۱ — آبان ۱۴۰۲")
    assert not re.search(r"[0-9]", content.subject)
    assert content.language == "fa"


def test_footer_urls_verbatim_in_both_parts(published_issue) -> None:
    """The unsubscribe and data URLs appear unchanged in the text and the HTML."""
    content = bulletin_email_content(
        bulletin=published_issue(titles=TITLES), unsubscribe_url=UNSUBSCRIBE, manage_url=MANAGE
    )
    for part in (content.text, content.html):
        assert part.count(UNSUBSCRIBE) == 1
        assert part.count(MANAGE) == 1
    assert f'href="{UNSUBSCRIBE}"' in content.html
    assert f'href="{MANAGE}"' in content.html


def test_html_inlined_directional_and_self_contained(published_issue, persian_series) -> None:
    """The HTML has inlined CSS, lang/dir of the issue, and asks nothing of any host."""
    content = bulletin_email_content(
        bulletin=published_issue(persian_series, titles=TITLES),
        unsubscribe_url=UNSUBSCRIBE,
        manage_url=MANAGE,
    )
    html = content.html
    assert '<html lang="fa" dir="rtl">' in html
    assert "<style" not in html
    assert 'style="' in html
    assert "margin-inline" not in html and "margin-block" not in html
    assert not re.search(r"<(img|script|link|iframe|object)\b", html)
    assert "url(" not in html


def test_text_part_reads_as_text(published_issue) -> None:
    """The text part has no markup and keeps paragraphs, signatures and link addresses."""
    bulletin = published_issue(titles=TITLES)
    text = bulletin_email_content(
        bulletin=bulletin, unsubscribe_url=UNSUBSCRIBE, manage_url=MANAGE
    ).text
    assert not re.search(r"</?[a-z]+[ >]", text)
    assert "&amp;" not in text and "&#" not in text
    assert "the list (https://example.org/list)" in text
    assert "Executive Committee\nOctober 20, 2023" in text
    assert "\n\nPolitical prisoners must be freed.\n" in text


def test_eml_parses_into_two_parts_with_every_item_and_link(published_issue) -> None:
    """The .eml is multipart/alternative; both parts carry every item title and link."""
    bulletin = published_issue(titles=TITLES)
    raw = bulletin_email_message(
        bulletin=bulletin, unsubscribe_url=UNSUBSCRIBE, manage_url=MANAGE, to="a@example.test"
    ).as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Nashr Bulletin No. 47 — November 2023"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    text_part, html_part = plain.get_content(), html.get_content()
    titles = [item["title"] for item in bulletin.document["items"]]
    assert len(titles) == len(TITLES)
    for part in (text_part, html_part):
        positions = [part.index(title) for title in titles]
        assert positions == sorted(positions)
        for link in _links(bulletin):
            assert link in part
        assert UNSUBSCRIBE in part and MANAGE in part


def test_long_persian_subject_survives_the_wire(published_issue, persian_series) -> None:
    """A subject long enough to be folded reads back with every space (none lost at a fold)."""
    bulletin = published_issue(persian_series, titles=TITLES)
    sent = bulletin_email_message(
        bulletin=bulletin, unsubscribe_url=UNSUBSCRIBE, manage_url=MANAGE
    ).as_bytes()
    received = email.message_from_bytes(sent, policy=email.policy.default)
    expected = bulletin_email_content(
        bulletin=bulletin, unsubscribe_url=UNSUBSCRIBE, manage_url=MANAGE
    ).subject
    assert len(expected.encode()) > 40
    assert received["Subject"] == expected
    assert all(len(line) <= 998 for line in sent.split(b"\r\n"))

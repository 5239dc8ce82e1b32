"""The email of an issue: subject, text and HTML parts, footer URLs.

The whole message (.eml, MIME) is built by delivery: nashr/delivery/tests/test_preview.py.
"""

from __future__ import annotations

import re

from nashr.bulletins.rendering import bulletin_email_content

UNSUBSCRIBE = "https://mail.example.test/u/TOKEN_unsub-123/"
MANAGE = "https://mail.example.test/data/TOKEN.manage_9/"
TITLES = ("بیانیه درباره اعدام‌ها", "گزارش نشست ائتلاف", "خبر اعتصاب کارگران")


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

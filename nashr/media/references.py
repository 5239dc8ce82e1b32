"""How `media:ID` in Markdown is shown: a responsive picture, or a link to the file."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join

from nashr.media.models import Media, MediaKind

# The column of a publication is at most 46rem wide; on a phone, the screen's width.
SIZES = "(max-width: 46rem) 100vw, 46rem"


def _srcset(variants: list[dict[str, Any]]) -> str:
    return ", ".join(f"{default_storage.url(v['name'])} {v['width']}w" for v in variants)


def picture_html(media: Media, *, alt: str = "") -> str:
    """<picture>: WebP variants, then the JPEG (or PNG) ones for older browsers.

    Width and height keep the space before the image arrives; `loading="lazy"` leaves
    images below the screen to be fetched as the reader scrolls.
    """
    webp = media.web_variants("WEBP")
    fallback = media.web_variants("PNG" if media.content_type == "image/png" else "JPEG")
    if not fallback:
        return ""
    default = next((v for v in fallback if int(v["width"]) >= 800), fallback[-1])
    sources = format_html_join(
        "",
        '<source type="image/webp" srcset="{}" sizes="{}">',
        [(_srcset(webp), SIZES)] if webp else [],
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'lang="{}" dir="{}" loading="lazy" decoding="async"></picture>',
        sources,
        default_storage.url(default["name"]),
        _srcset(fallback),
        SIZES,
        default["width"],
        default["height"],
        alt or media.alt_text,
        media.language,
        media.direction,
    )


class MediaReferences:
    """The resolver `nashr.core.content` calls for each `media:ID`."""

    def image_html(self, pk: int, *, alt: str) -> str | None:
        media = Media.objects.filter(pk=pk, kind=MediaKind.IMAGE).first()
        return picture_html(media, alt=alt) if media is not None else None

    def url(self, pk: int) -> str | None:
        media = Media.objects.filter(pk=pk).first()
        return default_storage.url(media.file.name) if media is not None else None


_PICTURE = re.compile(r"<picture>.*?(<img [^>]*>)</picture>", re.S)
_WEB_VARIANT = re.compile(r'src="(/[^"]*/uploads/[0-9a-f]{2}/[0-9a-f]{32})-[0-9]+\.(jpg|png)"')
_SRCSET_ATTR = re.compile(r'\s(?:srcset|sizes|loading|decoding)="[^"]*"')


def print_html(html: str) -> str:
    """HTML for print: each picture becomes its print-resolution image alone.

    A PDF renderer reads no `srcset`; the image it embeds is the one printed at the
    column's width at 300 dpi, found next to the web variant under its `-print` name.
    """

    def to_print(match: re.Match[str]) -> str:
        img = _SRCSET_ATTR.sub("", match[1])
        found = _WEB_VARIANT.search(img)
        if found is None:
            return img
        url = f"{found[1]}-print.{found[2]}"
        name = url.split("/uploads/", 1)[1]
        if not default_storage.exists(f"uploads/{name}"):
            return img
        return img.replace(found[0], f'src="{url}"')

    return _PICTURE.sub(to_print, html)

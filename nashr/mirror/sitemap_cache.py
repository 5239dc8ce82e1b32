"""The mirror's sitemap: the site's own, its entries rendered once and kept between builds.

/sitemap.xml is Django's sitemap view with its template (publications/sitemap.xml).
Rendered whole, the template's loop over tens of thousands of addresses takes a third of
an edit's build, though an edit changes one or two of its entries. The mirror asks the
view for its answer unrendered (a TemplateResponse: its urlset and its template) and
renders through that template only the entries it has not rendered before: the text of
each ``<url>`` element is kept in ``.nashr-mirror/sitemap.json``, keyed by what the
template shows of it (address, time of change, alternates). A full build renders the
whole template once and keeps its entries for the next.

The text is the template's, byte for byte (``tests/test_sitemap_cache.py``): the template
writes a head, the entries inside ``{% spaceless %}`` (nothing between them), and a tail;
rendering it for no entries gives the head and the tail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from nashr.mirror.writing import read_state_file, write_state_file

STATE_FILE = "sitemap.json"
_END = "</url>"


def entry_key(url: dict[str, Any]) -> str:
    """What the template shows of a urlset entry."""
    lastmod = url.get("lastmod")
    alternates = [[a["lang_code"], a["location"]] for a in url.get("alternates") or ()]
    return json.dumps([url["location"], lastmod.isoformat() if lastmod else "", alternates])


class SitemapCache:
    """The rendered entries of the last build's sitemap, for the next (see the module)."""

    def __init__(self, root: Path, *, reuse: bool) -> None:
        self.root = root
        self.entries: dict[str, str] = {}
        stored = read_state_file(root, STATE_FILE) if reuse else None
        if stored is not None:
            try:
                found = json.loads(stored)
            except ValueError:
                found = {}
            if isinstance(found, dict) and found.get("time_zone") == settings.TIME_ZONE:
                self.entries = found.get("entries", {})

    def render(self, template_name: str, urlset: list[dict[str, Any]]) -> str:
        """What `template_name` renders for `urlset`, from kept entries where it can."""
        empty = render_to_string(template_name, {"urlset": []})
        keys = [entry_key(url) for url in urlset]
        missing = [url for url, key in zip(urlset, keys, strict=True) if key not in self.entries]
        if missing:
            fresh = render_to_string(template_name, {"urlset": missing})
            rendered = _entries(empty, fresh, len(missing))
            if rendered is None:  # not the template this cache knows: no part kept
                self.entries = {}
                return render_to_string(template_name, {"urlset": urlset})
            for url, entry in zip(missing, rendered, strict=True):
                self.entries[entry_key(url)] = entry
        head, tail = _head_and_tail(empty)
        text = head + "".join(self.entries[key] for key in keys) + tail
        kept = {key: self.entries[key] for key in keys}
        state = {"time_zone": settings.TIME_ZONE, "entries": kept}
        write_state_file(self.root, STATE_FILE, json.dumps(state).encode("utf-8"))
        return text


def _head_and_tail(empty: str) -> tuple[str, str]:
    """The template's text before and after its entries (see the module's docstring)."""
    tail_start = empty.rindex("\n</urlset>")
    return empty[:tail_start], empty[tail_start:]


def _entries(empty: str, text: str, count: int) -> list[str] | None:
    """The `count` entries of `text`, or None if it is not a head, entries and a tail."""
    head, tail = _head_and_tail(empty)
    if not (text.startswith(head) and text.endswith(tail)):
        return None
    body = text[len(head) : len(text) - len(tail)]
    parts = body.split(_END)
    if len(parts) != count + 1 or parts[-1]:
        return None
    return [part + _END for part in parts[:-1]]

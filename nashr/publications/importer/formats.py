"""A file's text as raw fields: Markdown with front matter, HTML, plain text.

Each parser gives the fields the file states (with the line of each), the body as
Markdown, and the line the body starts at. What the fields mean is decided in ``checks``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from nashr.core.content import sanitize_html
from nashr.publications.importer.files import HTML, MARKDOWN, TEXT
from nashr.publications.importer.problems import Problem, Refused

FIELDS = (
    "title",
    "language",
    "kind",
    "date",
    "calendar",
    "signatory",
    "summary",
    "translation_key",
    "original",
    "source_url",
    "legacy_path",
    "status",
    "slug",
)


@dataclass
class Parsed:
    fields: dict[str, str]
    lines: dict[str, int]
    body: str
    body_line: int


# ---- front matter -----------------------------------------------------------------------


class _NoTimestampLoader(yaml.SafeLoader):
    """YAML without timestamps: a date stays text, to be read in its calendar."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _front_matter(text: str, *, path: str) -> Parsed:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Parsed({}, {}, text, 1)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise Refused(
            Problem(path, "front matter is not closed", line=1, hint="end it with a line “---”")
        )
    data, node = _load_yaml("\n".join(lines[1:end]), path=path)
    field_lines = {
        str(key.value): key.start_mark.line + 2
        for key, _value in node.value
        if hasattr(key, "value")
    }
    fields = _single_values(data, field_lines, path=path)
    return Parsed(fields, field_lines, "\n".join(lines[end + 1 :]), end + 2)


def _load_yaml(source: str, *, path: str) -> tuple[dict[Any, Any], yaml.MappingNode]:
    """The front matter's mapping, and its node (which knows each key's line)."""
    try:
        node = yaml.compose(source, Loader=_NoTimestampLoader)
        data = yaml.load(source, Loader=_NoTimestampLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        # An unclosed bracket is found where the parser gave up; it began at the context.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise Refused(
            Problem(
                path,
                f"front matter is not valid YAML: {reason}",
                line=(mark.line + 2) if mark is not None else 1,
                hint="write one “field: value” per line; quote values that contain “: ”",
            )
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise Refused(
            Problem(path, "front matter must be “field: value” lines", line=2, hint="see the docs")
        )
    return data, node


def _single_values(data: dict[Any, Any], lines: dict[str, int], *, path: str) -> dict[str, str]:
    """Each field's value as text; a list or a mapping is refused."""
    fields: dict[str, str] = {}
    problems = []
    for key, value in data.items():
        name = str(key)
        if isinstance(value, list | dict):
            problems.append(
                Problem(path, "must be a single value", line=lines.get(name), field=name)
            )
            continue
        fields[name] = "" if value is None else str(value).strip()
    if problems:
        raise Refused(*problems)
    return fields


# ---- Markdown and plain text ------------------------------------------------------------

_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def parse_markdown(text: str, *, path: str) -> Parsed:
    parsed = _front_matter(text, path=path)
    if "title" not in parsed.fields:
        body_lines = parsed.body.split("\n")
        for index, line in enumerate(body_lines):
            if not line.strip():
                continue
            match = _HEADING.match(line)
            if match:
                parsed.fields["title"] = match.group(1)
                parsed.lines["title"] = parsed.body_line + index
                parsed.body = "\n".join(body_lines[index + 1 :])
            break
    parsed.body = parsed.body.strip("\n") + "\n"
    return parsed


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def plain_to_markdown(text: str) -> str:
    """Plain text as Markdown that renders to the same words: paragraphs kept, marks escaped."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    paragraphs = re.split(r"\n\s*\n", escaped.strip())
    # Single line breaks inside a paragraph are kept as breaks.
    return "\n\n".join(p.strip().replace("\n", "  \n") for p in paragraphs if p.strip()) + "\n"


def parse_text(text: str, *, path: str) -> Parsed:
    parsed = _front_matter(text, path=path)
    body_lines = parsed.body.split("\n")
    if "title" not in parsed.fields:
        for index, line in enumerate(body_lines):
            if line.strip():
                parsed.fields["title"] = line.strip()
                parsed.lines["title"] = parsed.body_line + index
                body_lines = body_lines[index + 1 :]
                break
    parsed.body = plain_to_markdown("\n".join(body_lines))
    return parsed


# ---- HTML -------------------------------------------------------------------------------

_TAG_RE = {
    name: re.compile(rf"<{name}\b[^>]*>(.*?)</{name}\s*>", re.IGNORECASE | re.DOTALL)
    for name in ("title", "h1", "body", "head")
}
_META = re.compile(r"<meta\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_HTML_LANG = re.compile(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z-]+)", re.IGNORECASE)


def _attrs(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'")) for name, value in _ATTR.findall(text)}


def _text_of(fragment: str) -> str:
    return " ".join(html.unescape(sanitize_tags(fragment)).split())


def sanitize_tags(fragment: str) -> str:
    return re.sub(r"<[^>]*>", " ", fragment)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_html(text: str, *, path: str) -> Parsed:
    fields, lines = _html_fields(text)
    body_match = _TAG_RE["body"].search(text)
    body = body_match.group(1) if body_match else _TAG_RE["head"].sub("", text)
    title_match = _TAG_RE["title"].search(text)
    h1_match = _TAG_RE["h1"].search(body)
    if title_match and _text_of(title_match.group(1)):
        fields.setdefault("title", _text_of(title_match.group(1)))
        lines.setdefault("title", _line_of(text, title_match.start()))
    elif h1_match:
        fields.setdefault("title", _text_of(h1_match.group(1)))
        lines.setdefault("title", _line_of(text, h1_match.start()))
    if h1_match and _text_of(h1_match.group(1)) == fields.get("title"):
        body = body[: h1_match.start()] + body[h1_match.end() :]
    clean = sanitize_html(body)
    # Markdown ends an HTML block at a blank line: keep the sanitized HTML one block.
    clean = "\n".join(line for line in clean.split("\n") if line.strip())
    return Parsed(fields, lines, clean + "\n", 1)


def _html_fields(text: str) -> tuple[dict[str, str], dict[str, int]]:
    """The fields of ``<html lang>`` and ``<meta name content>`` (description is the summary)."""
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    match = _HTML_LANG.search(text)
    if match:
        fields["language"], lines["language"] = match.group(1), _line_of(text, match.start())
    for meta in _META.finditer(text):
        attrs = _attrs(meta.group(1))
        name = attrs.get("name", "").lower()
        if name == "description":
            name = "summary"
        if name in FIELDS and "content" in attrs:
            fields[name], lines[name] = attrs["content"].strip(), _line_of(text, meta.start())
    return fields, lines


PARSERS: dict[str, Callable[..., Parsed]] = {
    MARKDOWN: parse_markdown,
    HTML: parse_html,
    TEXT: parse_text,
}

"""A file's text as raw fields: Markdown with front matter, HTML, plain text.

Each parser gives the fields the file states (with the line of each), the body as
Markdown, and the line the body starts at. What the fields mean is decided in ``checks``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from nashr.core.content import sanitize_html
from nashr.importers.files import HTML, MARKDOWN, TEXT
from nashr.importers.problems import Problem, Refused

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


def _heading(line: str) -> str | None:
    """The text of a first-level ATX heading ("# Title", "# Title #"), else None.

    Written without a regular expression: the pattern it replaces tried every split of a
    line's trailing spaces and hashes, and a line ending in thousands of spaces took minutes.
    """
    if len(line) < 2 or line[0] != "#" or not line[1].isspace():
        return None
    text = line[1:].strip()
    if not text:
        return None
    return text.rstrip("#").rstrip() or text[0]


def parse_markdown(text: str, *, path: str) -> Parsed:
    parsed = _front_matter(text, path=path)
    if "title" not in parsed.fields:
        body_lines = parsed.body.split("\n")
        for index, line in enumerate(body_lines):
            if not line.strip():
                continue
            heading = _heading(line)
            if heading is not None:
                parsed.fields["title"] = heading
                parsed.lines["title"] = parsed.body_line + index
                parsed.body = "\n".join(body_lines[index + 1 :])
            break
    parsed.body = parsed.body.strip("\n") + "\n"
    return parsed


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
# Spaces, not \s: \s also matches line ends, so from every line start of a long run of
# blank lines the pattern would read the whole run.
_LINE_START = re.compile(r"^([^\S\n]*)([#>+\-=]|\d+[.)])", re.MULTILINE)


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
#
# Every scan below takes time in proportion to the file, whatever it holds. A tag ends at
# the first `>` after its `<name`, found with str.find; a pair's closing tag is searched
# for once, from its opening tag. (A lazy `<title[^>]*>(.*?)</title>` tried from every
# `<title`, or `<meta[^>]*>` from every `<meta` with no `>` after them, reads the rest of
# the file once per opening: 100 kB of them took minutes.)

_OPENING = {
    name: re.compile(rf"<{name}\b", re.IGNORECASE)
    for name in ("title", "h1", "body", "head", "html", "meta")
}
_CLOSING = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("title", "h1", "body", "head")
}
_ANY_TAG = re.compile("<")
# An attribute's name starts after a space, a quote or a slash, never inside another name:
# tried from every letter of a long name, the pattern would read the name once per letter.
_ATTR = re.compile(r"""(?<![^\s"'/])([a-zA-Z_:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
_LANGUAGE_CODE = re.compile(r"[A-Za-z-]+")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


@dataclass(frozen=True)
class _Element:
    """Where a `<name …>…</name>` pair is: its opening tag, what is inside, and its end."""

    tag: _Span
    inside: _Span
    end: int


def _tags(text: str, opening: re.Pattern[str], position: int = 0) -> Iterator[_Span]:
    """Each tag that `opening` starts, to its `>`; in order, none inside another."""
    while (found := opening.search(text, position)) is not None:
        end = text.find(">", found.end())
        if end < 0:
            return  # no tag after this one has its `>` either
        yield _Span(found.start(), end + 1)
        position = end + 1


def _element(text: str, name: str, position: int = 0) -> _Element | None:
    """The first `<name …>…</name>` of the text from `position`."""
    tag = next(_tags(text, _OPENING[name], position), None)
    if tag is None:
        return None
    closing = _CLOSING[name].search(text, tag.end)
    if closing is None:
        return None
    return _Element(tag, _Span(tag.end, closing.start()), closing.end())


def _without(text: str, name: str) -> str:
    """The text with every `<name …>…</name>` element taken out."""
    parts, position = [], 0
    while (element := _element(text, name, position)) is not None:
        parts.append(text[position : element.tag.start])
        position = element.end
    parts.append(text[position:])
    return "".join(parts)


def _attrs(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'")) for name, value in _ATTR.findall(text)}


def _text_of(fragment: str) -> str:
    return " ".join(html.unescape(sanitize_tags(fragment)).split())


def sanitize_tags(fragment: str) -> str:
    """The fragment with each tag replaced by a space."""
    parts, position = [], 0
    for tag in _tags(fragment, _ANY_TAG):
        parts += [fragment[position : tag.start], " "]
        position = tag.end
    parts.append(fragment[position:])
    return "".join(parts)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _inside(text: str, element: _Element) -> str:
    return text[element.inside.start : element.inside.end]


def parse_html(text: str, *, path: str) -> Parsed:
    fields, lines = _html_fields(text)
    body_element = _element(text, "body")
    if body_element:
        body, body_offset = _inside(text, body_element), body_element.inside.start
    else:
        body, body_offset = _without(text, "head"), 0
    title_element = _element(text, "title")
    h1_element = _element(body, "h1")
    if title_element and _text_of(_inside(text, title_element)):
        fields.setdefault("title", _text_of(_inside(text, title_element)))
        lines.setdefault("title", _line_of(text, title_element.tag.start))
    elif h1_element:
        fields.setdefault("title", _text_of(_inside(body, h1_element)))
        lines.setdefault("title", _line_of(text, body_offset + h1_element.tag.start))
    if h1_element and _text_of(_inside(body, h1_element)) == fields.get("title"):
        body = body[: h1_element.tag.start] + body[h1_element.end :]
    clean = sanitize_html(body)
    # Markdown ends an HTML block at a blank line: keep the sanitized HTML one block.
    clean = "\n".join(line for line in clean.split("\n") if line.strip())
    return Parsed(fields, lines, clean + "\n", 1)


def _html_fields(text: str) -> tuple[dict[str, str], dict[str, int]]:
    """The fields of ``<html lang>`` and ``<meta name content>`` (description is the summary)."""
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    for tag in _tags(text, _OPENING["html"]):
        attrs = _attrs(text[tag.start : tag.end])
        code = _LANGUAGE_CODE.match(attrs.get("lang") or attrs.get("xml:lang") or "")
        if code:
            fields["language"], lines["language"] = code.group(0), _line_of(text, tag.start)
            break
    for tag in _tags(text, _OPENING["meta"]):
        attrs = _attrs(text[tag.start : tag.end])
        name = attrs.get("name", "").lower()
        if name == "description":
            name = "summary"
        if name in FIELDS and "content" in attrs:
            fields[name], lines[name] = attrs["content"].strip(), _line_of(text, tag.start)
    return fields, lines


PARSERS: dict[str, Callable[..., Parsed]] = {
    MARKDOWN: parse_markdown,
    HTML: parse_html,
    TEXT: parse_text,
}

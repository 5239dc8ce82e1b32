"""Markdown written out as plain text meant to be read as text (the email's text part).

Not stripped HTML: paragraphs stay paragraphs, list items keep their markers, a link
keeps its address next to its words, and a Persian line that would start with a Latin
word or a digit gets a right-to-left mark so that a plain-text reader keeps it rtl.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from nashr.core.bidi import direction

RLM = "\u200f"
_markdown = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_RTL_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


def _is_rtl_letter(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _RTL_RANGES) and char.isalpha()


def _inline(tokens: list[Token]) -> str:
    parts: list[str] = []
    links: list[str] = []
    for token in tokens:
        if token.type in {"text", "code_inline"}:
            parts.append(token.content)
        elif token.type in {"softbreak"}:
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "link_open":
            links.append(str(token.attrGet("href") or ""))
            parts.append("\x00")  # where the link's words start
        elif token.type == "link_close":
            href = links.pop() if links else ""
            start = len(parts) - 1 - parts[::-1].index("\x00")
            words = "".join(parts[start + 1 :])
            del parts[start:]
            parts.append(words if not href or words == href else f"{words} ({href})")
        elif token.type == "image":
            parts.append(token.content)
    return "".join(parts).strip()


def markdown_to_text(source: str, *, language: str) -> str:
    """The Markdown source as readable plain text, paragraphs separated by blank lines."""
    blocks: list[str] = []
    prefixes: list[str] = []
    counters: list[int | None] = []
    pending_marker = ""
    for token in _markdown.parse(source or ""):
        if token.type == "bullet_list_open":
            counters.append(None)
        elif token.type == "ordered_list_open":
            counters.append(int(token.attrGet("start") or 1))
        elif token.type in {"bullet_list_close", "ordered_list_close"}:
            counters.pop()
        elif token.type == "list_item_open":
            number = counters[-1] if counters else None
            if number is None:
                pending_marker = "- "
            else:
                pending_marker = f"{number}. "
                counters[-1] = number + 1
        elif token.type == "blockquote_open":
            prefixes.append("> ")
        elif token.type == "blockquote_close":
            prefixes.pop()
        elif token.type == "inline":
            text = _inline(token.children or [])
            if text:
                indent = "  " * max(len(counters) - 1, 0)
                blocks.append("".join(prefixes) + indent + pending_marker + text)
                pending_marker = ""
        elif token.type in {"fence", "code_block"}:
            blocks.append(token.content.rstrip("\n"))
        elif token.type == "hr":
            blocks.append("* * *")
    text = _join(blocks)
    return mark_rtl_lines(text) if direction(language) == "rtl" else text


def _join(blocks: list[str]) -> str:
    """List items of one list on consecutive lines, other blocks a blank line apart."""
    out: list[str] = []
    for block in blocks:
        is_item = block.lstrip(" >").startswith(("- ",)) or _starts_numbered(block.lstrip(" >"))
        if out and is_item and _was_item(out[-1]):
            out[-1] = f"{out[-1]}\n{block}"
        else:
            out.append(block)
    return "\n\n".join(out)


def _starts_numbered(text: str) -> bool:
    head, _, _ = text.partition(". ")
    return head.isdigit() and len(head) < 4 and ". " in text


def _was_item(block: str) -> bool:
    last = block.rsplit("\n", 1)[-1].lstrip(" >")
    return last.startswith("- ") or _starts_numbered(last)


def mark_rtl_lines(text: str) -> str:
    """A right-to-left mark before each line whose first strong letter is not rtl."""
    lines = []
    for line in text.split("\n"):
        first = next((c for c in line if c.isalpha()), "")
        if first and not _is_rtl_letter(first):
            line = RLM + line
        lines.append(line)
    return "\n".join(lines)

"""Render the Markdown of notes, cards and questions to safe HTML.

Code is highlighted by Pygments with CSS classes (no inline styles), then nh3
keeps only the tags Markdown makes. Links may be http, https, mailto or
relative and get rel="noopener noreferrer". Images are not allowed: packs have
none, and dropping them rules out tracking pixels and `onerror` tricks.
"""

from __future__ import annotations

import html
import re
import threading

import markdown
import nh3

EXTENSIONS = ["fenced_code", "codehilite", "tables", "toc", "sane_lists"]
EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "highlight", "guess_lang": False, "noclasses": False},
}
TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
HEADINGS = {f"h{level}": {"id"} for level in range(1, 7)}
ATTRIBUTES = {
    **HEADINGS,
    "a": {"href", "title"},
    "code": {"class"},
    "div": {"class"},
    "ol": {"start"},
    "pre": {"class"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
TOC_LEVELS = (2, 3)

_local = threading.local()


def _converter() -> markdown.Markdown:
    """Return this thread's Markdown converter, reset for a new text."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = markdown.Markdown(
            extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS
        )
        _local.converter = converter
    return converter.reset()


def _sanitize(unsafe: str) -> str:
    return nh3.clean(
        unsafe,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Return Markdown text as sanitized HTML."""
    return _sanitize(_converter().convert(text))


def render_note(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Return a note's HTML and its contents: (level, anchor id, title) of h2/h3."""
    converter = _converter()
    page = _sanitize(converter.convert(text))
    contents: list[tuple[int, str, str]] = []
    _flatten(getattr(converter, "toc_tokens", []), contents)
    return page, contents


def _flatten(tokens: list[dict], contents: list[tuple[int, str, str]]) -> None:
    for token in tokens:
        if token["level"] in TOC_LEVELS:
            contents.append((token["level"], token["id"], html.unescape(token["name"])))
        _flatten(token.get("children", []), contents)


CODE_SPAN = re.compile(r"`([^`\n]+)`")


def one_line(text: str, length: int = 90) -> str:
    """Return a card's Markdown as one short line of safe HTML for lists: white
    space folded, cut at a word near `length` characters, code spans kept as
    `<code>` and every other character escaped."""
    flat = " ".join(text.replace("**", "").split())
    if len(flat) > length:
        cut = flat[:length].rsplit(" ", 1)[0] or flat[:length]
        if cut.count("`") % 2:  # never leave a code span open
            cut = cut[: cut.rfind("`")].rstrip()
        flat = cut + "…"
    return CODE_SPAN.sub(r"<code>\1</code>", html.escape(flat, quote=False))

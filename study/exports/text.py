"""Characters that Anki and XML cannot hold as they are.

A pack can hold any character its files can: YAML escapes such as `"\\x1f"`
put control characters into titles and questions, and Markdown passes them
through to the card HTML. Anki drops them from note fields (and \\x1f would
split a note's fields), and XML 1.0 cannot hold most of them at all, not even
as character references. So HTML goes out with those characters as HTML
character references, which a browser reads back as the same characters, and
plain text goes out without them.
"""

from __future__ import annotations

import re

# C0 controls other than tab, line feed and carriage return, and DEL.
ANKI_FIELD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Anki drops every ASCII control character from deck names.
ANKI_NAME = re.compile("[\x00-\x1f\x7f]")
# What XML 1.0 cannot hold (DEL, unlike the other controls, it can).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LINE_BREAK = re.compile("\r\n?")
# A "<" that starts no tag, comment or declaration: a browser shows it as it
# is, but Anki's note writer takes "<>" and the like for broken tags.
BARE_LESS_THAN = re.compile("<(?![A-Za-z/!?])")


def _reference(match: re.Match[str]) -> str:
    # A browser ignores a NUL in the text of a page and would show &#x0; as
    # U+FFFD, so NUL is dropped rather than written.
    code = ord(match.group())
    return f"&#x{code:x};" if code else ""


def anki_field(html: str) -> str:
    """Return HTML that Anki stores and shows as a browser shows `html`.

    Line breaks become LF (as a browser reads CR and CRLF) because Anki drops
    CR; other control characters become character references, and so does a
    "<" that opens no tag."""
    text = BARE_LESS_THAN.sub("&#x3c;", LINE_BREAK.sub("\n", html))
    return ANKI_FIELD.sub(_reference, text)


def xml_html(html: str) -> str:
    """Return HTML for an XML text node, characters XML forbids as references."""
    return NOT_XML.sub(_reference, html)


def xml_plain(text: str) -> str:
    """Return plain text without the characters XML cannot hold."""
    return NOT_XML.sub("", text)

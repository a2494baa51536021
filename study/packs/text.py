"""Slugs, IDs and `{column}` templates."""

from __future__ import annotations

import re
import unicodedata

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# `{{name}}` is left alone so Go templates such as `{{.State}}` survive.
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_-]*)\}(?!\})")
SLUG_HINT = "lower-case letters, digits and single dashes"


def is_slug(value: object) -> bool:
    """Tell whether value is a lower-case slug such as `docker-ps-a`."""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def slugify(text: str) -> str:
    """Turn a row's key text into a slug: `docker ps -a` becomes `docker-ps-a`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    lowered = ascii_text.decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")


def placeholders(template: str) -> list[str]:
    """Return the column names a template inserts, in order."""
    return PLACEHOLDER.findall(template)


def fill(template: str, values: dict[str, str]) -> str | None:
    """Insert a row's values; None when the row lacks a column the text uses."""
    if any(name not in values for name in placeholders(template)):
        return None
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def as_code(text: str) -> str:
    """Return text as a Markdown code span, shown exactly as written: a command
    such as `docker exec <container>` would otherwise lose `<container>` as an
    unknown HTML tag."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def same_text(first: str, second: str) -> bool:
    """Tell whether two texts read the same, ignoring case and spacing."""
    return normal(first) == normal(second)


def normal(text: str) -> str:
    """Return text folded for comparison (case and runs of spaces ignored)."""
    return " ".join(text.casefold().split())

"""A pack's quiz questions as Moodle XML, one question category per topic.

Single and multiple choice become `multichoice`, true/false `truefalse`, typed
answers `shortanswer` and matching `matching`; each carries its explanation as
general feedback. Questions generated from tables (those with `pick`) show the
right option and three distractors, chosen the same way on every export.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
import xml.etree.ElementTree as ET  # noqa: S405 - building XML, not parsing it

from study.exports.source import ExportPack, ExportQuestion
from study.exports.text import xml_html, xml_plain

# The grade fractions Moodle accepts for an answer, in percent.
FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25)
FRACTIONS += (20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5)
DISTRACTORS = 3
NAME_LENGTH = 80
MAX_IDNUMBER = 100
TAGS = re.compile(r"<[^>]+>")
MARKDOWN_CODE = re.compile(r"`([^`]*)`")
PHP_TRIM = " \t\n\r\0\x0b"  # what PHP's trim() removes


def rng_for(key: str) -> random.Random:
    """Return a random source seeded by a question key (the same every export)."""
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return random.Random(seed)  # noqa: S311 - a fixed shuffle, not a secret


def fraction(share: float) -> str:
    """Return the accepted Moodle fraction nearest to a share in percent."""
    if share == 0:
        return "0"
    sign = "-" if share < 0 else ""
    nearest = min(FRACTIONS, key=lambda allowed: abs(allowed - abs(share)))
    return sign + f"{nearest:g}"


def plain(text: str) -> str:
    """Return text without HTML tags or Markdown code marks, spaces collapsed."""
    text = MARKDOWN_CODE.sub(r"\1", html.unescape(TAGS.sub("", text)))
    return " ".join(text.split())


def category_path(*titles: str) -> str:
    """Return a `$course$/Pack/Topic` category path ('/' in a title doubled)."""
    return "/".join(["$course$", *(category_level(t) for t in titles)])


def category_level(title: str) -> str:
    """Return a title as one level of a category path.

    Moodle splits the path at single slashes and trims each name. A slash at
    either end of a title would touch the separator and hide it, so a space
    (trimmed again by Moodle) keeps them apart."""
    level = xml_plain(title).strip(PHP_TRIM).replace("/", "//") or "Untitled"
    return f"{' ' * level.startswith('/')}{level}{' ' * level.endswith('/')}"


def _text(parent: ET.Element, tag: str, value: str, **attrs) -> ET.Element:
    """Add `<tag><text>value</text></tag>`; `format="html"` marks value as HTML."""
    element = ET.SubElement(parent, tag, attrs)
    text = xml_html(value) if attrs.get("format") == "html" else xml_plain(value)
    ET.SubElement(element, "text").text = text
    return element


def _answer(parent, share: float, value: str, form: str = "html") -> ET.Element:
    answer = _text(parent, "answer", value, fraction=fraction(share), format=form)
    _text(answer, "feedback", "", format="html")
    return answer


def _idnumber(key: str) -> str:
    if len(key) <= MAX_IDNUMBER:
        return key
    return (
        key[: MAX_IDNUMBER - 17] + "~" + hashlib.sha256(key.encode()).hexdigest()[:16]
    )


def _question(quiz: ET.Element, kind: str, question: ExportQuestion) -> ET.Element:
    element = ET.SubElement(quiz, "question", type=kind)
    name = plain(question.prompt)
    if len(name) > NAME_LENGTH:
        name = name[: NAME_LENGTH - 1].rstrip() + "…"
    _text(element, "name", name)
    data = question.data
    _text(element, "questiontext", data.get("prompt_html", ""), format="html")
    _text(element, "generalfeedback", data.get("explanation_html", ""), format="html")
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0.3333333"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = _idnumber(question.key)
    return element


def choice_options(question: ExportQuestion) -> list[dict]:
    """Return the options to export: all of them, or for a table question the
    right one and three distractors chosen by the question key."""
    options = [dict(o) for o in question.data.get("options") or []]
    if not question.data.get("pick"):
        return options
    right = [o for o in options if o.get("correct")]
    seen = {plain(o["text"]).casefold() for o in right}
    wrong = []
    for option in options:
        text = plain(option["text"]).casefold()
        if not option.get("correct") and text not in seen:
            seen.add(text)
            wrong.append(option)
    rng = rng_for(question.key)
    return right + rng.sample(wrong, min(DISTRACTORS, len(wrong)))


def _multichoice(quiz: ET.Element, question: ExportQuestion) -> None:
    element = _question(quiz, "multichoice", question)
    single = question.kind == "single"
    options = choice_options(question)
    right = sum(1 for o in options if o.get("correct")) or 1
    wrong = (len(options) - right) or 1
    ET.SubElement(element, "single").text = "true" if single else "false"
    ET.SubElement(element, "shuffleanswers").text = "true"
    ET.SubElement(element, "answernumbering").text = "abc"
    for option in options:
        if option.get("correct"):
            share = 100 if single else 100 / right
        else:
            share = 0 if single else -100 / wrong
        _answer(element, share, option["text"])


def _truefalse(quiz: ET.Element, question: ExportQuestion) -> None:
    element = _question(quiz, "truefalse", question)
    truth = bool(question.data.get("truth"))
    _answer(element, 100 if truth else 0, "true", "moodle_auto_format")
    _answer(element, 0 if truth else 100, "false", "moodle_auto_format")


def _shortanswer(quiz: ET.Element, question: ExportQuestion) -> None:
    element = _question(quiz, "shortanswer", question)
    ET.SubElement(element, "usecase").text = "0"
    for answer in question.data.get("answers") or []:
        # Moodle reads * as a wildcard; a literal asterisk is written \*.
        _answer(element, 100, answer.replace("*", "\\*"), "moodle_auto_format")


def matching_pairs(question: ExportQuestion) -> list[tuple[str, str]]:
    """Return the pairs to export: all, or for a table question `pick` pairs
    with different right sides, chosen by the question key."""
    pairs = [(left, right) for left, right in question.data.get("pairs") or []]
    pick = question.data.get("pick")
    if not pick:
        return pairs
    shuffled = list(pairs)
    rng_for(question.key).shuffle(shuffled)
    seen, chosen = set(), []
    for left, right in shuffled:
        if plain(right).casefold() not in seen:
            seen.add(plain(right).casefold())
            chosen.append((left, right))
    return chosen[:pick]


def _matching(quiz: ET.Element, question: ExportQuestion) -> None:
    element = _question(quiz, "matching", question)
    ET.SubElement(element, "shuffleanswers").text = "true"
    for left, right in matching_pairs(question):
        sub = _text(element, "subquestion", left, format="html")
        # Moodle offers the right-hand sides in a drop-down: plain text only.
        _text(sub, "answer", plain(right))


WRITERS = {
    "single": _multichoice,
    "multiple": _multichoice,
    "truefalse": _truefalse,
    "typed": _shortanswer,
    "matching": _matching,
}


def quiz_xml(pack: ExportPack) -> bytes:
    """Return the pack's questions as a Moodle XML document."""
    quiz = ET.Element("quiz")
    for topic in pack.topics:
        questions = [q for q in pack.questions if q.topic == topic.slug]
        if not questions:
            continue
        category = ET.SubElement(quiz, "question", type="category")
        _text(category, "category", category_path(pack.title, topic.title))
        for question in questions:
            writer = WRITERS.get(question.kind)
            if writer is not None:
                writer(quiz, question)
    ET.indent(quiz)
    document = ET.tostring(quiz, encoding="utf-8", xml_declaration=True)
    # ElementTree writes CR as it is, and a parser reads that back as LF.
    return document.replace(b"\r", b"&#13;")


def count_questions(pack: ExportPack) -> int:
    """Return how many of the pack's questions the export holds."""
    topics = {t.slug for t in pack.topics}
    return sum(1 for q in pack.questions if q.kind in WRITERS and q.topic in topics)

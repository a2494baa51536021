"""Every kind of character a pack can hold survives the Anki and Moodle exports.

A pack built here carries XML and HTML specials, a CDATA terminator, control
characters (YAML escapes reach titles and questions, Markdown passes them to
card HTML), astral-plane emoji, right-to-left text, combining marks,
zero-width joiners, Anki's field separator and cloze braces, Moodle's GIFT and
category specials, HTML comments and a very long text. The validator accepts
it, the importer stores it, the CLI exports it, and the files are read back by
the real `anki` package and by an XML parser. hypothesis then feeds arbitrary
text (anything a pack's UTF-8 files can hold) through the exporters.

"The same" means what a browser makes of the HTML: character references
decoded, CR and CRLF read as LF, NUL ignored. Anki also normalizes the text of
notes to NFC, which reads the same.
"""

from __future__ import annotations

import itertools
import os
import re
import unicodedata
import xml.etree.ElementTree as ET  # noqa: S405 - reading files the tests wrote
from html import escape
from html.parser import HTMLParser

import pytest
import yaml
from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from study.exports import anki, moodle
from study.exports.source import ExportCard, ExportPack, ExportQuestion, ExportTopic
from study.extensions import db
from study.models import Card, Question
from study.packs import validate
from study.packs.importer import import_packs

PACK_ID = "tricky"
# One line each: card lines and titles are single lines.
TRICKY = {
    "xml": "5 < 6 & 7 > 3, \"double\" and 'single', <tag attr='x'>, ]]> and "
    "<![CDATA[ inside ]]>, &amp; &lt; &#x41; &nosuch;",
    "markup": "<b>bold?</b> <!-- an HTML comment --> <script>x()</script> "
    "<p onclick=y()>p</p>",
    "controls": "bell\x07 back\x08 vt\x0b ff\x0c unit\x1f record\x1e esc\x1b "
    "del\x7f nel\x85 ls\u2028 ps\u2029 tab\t.",
    "anki": "field\x1fseparator {{Front}} {{c1::cloze}} {{c2::hint::more}} "
    "[sound:x.mp3] {{type:Back}} :: deck::level",
    "moodle": "{=right ~wrong #feedback} = ~ # : \\ / // $course$ $@NULL@$ "
    "{1:SHORTANSWER:=x} * ls *",
    "emoji": "astral 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 family 👩\u200d👩\u200d👧\u200d👦 flag 🇳🇴 "
    "🏳\ufe0f\u200d🌈 thumb 👍🏽",
    "rtl": "RTL שלום עולם and مرحبا بالعالم, \u202eoverride\u202c \u200fmark\u200e",
    "combining": "e\u0301 q\u0301 a\u0308\u0323 Z\u0351\u036b\u0343 cafe\u0301",
    "invisible": "zero\u200bwidth a\u200db non\u200cjoiner word\u2060joiner "
    "bom\ufeff nbsp\xa0 ideographic\u3000space soft\xadhyphen",
    "noncharacters": "\ufffe \uffff \ufdd0 \U0010fffe replacement \ufffd",
}
EVERYTHING = " | ".join(TRICKY.values())
LONG = "A long card. " * 2000 + EVERYTHING
TITLE = 'Tricky & <Co> "pack" \x1f/:'
TOPICS = {
    "first": " /CI/CD:: builds\x1f שלום 😀 e\u0301 <b>&amp;</b> ]]>\r\t/ ",
    "second": "::: Colons \x07:::",
}
# Anki drops control characters and trims spaces and colons from each level of
# a deck name, and reads '::' as a level; it also normalizes to NFC.
DECKS = {
    "first": 'Tricky & <Co> "pack" /::/CI/CD: builds שלום 😀 é <b>&amp;</b> ]]>/',
    "second": 'Tricky & <Co> "pack" /::Colons',
}
# Moodle keeps a category name as it is, but for what XML cannot hold (\x1f,
# \x07) and what PHP's trim() removes.
CATEGORIES = {
    "first": [
        'Tricky & <Co> "pack" /:',
        "/CI/CD:: builds שלום 😀 e\u0301 <b>&amp;</b> ]]>\r\t/",
    ],
    "second": ['Tricky & <Co> "pack" /:', "::: Colons :::"],
}
NOTES = {"everything": "first", "few": "second"}  # note -> topic
REFERENCE = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def browser_reads(html: str) -> str:
    """Return the characters a browser reads from `html` (markup left as is)."""
    html = re.sub("\r\n?", "\n", html).replace("\x00", "")

    def character(match: re.Match[str]) -> str:
        code = int(match[1], 16) if match[1] else int(match[2])
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"

    return REFERENCE.sub(character, html)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown_text(html: str) -> str:
    """Return the text of an HTML fragment, as a browser shows it."""
    parser = _Text()
    parser.feed(browser_reads(html))
    parser.close()
    return "".join(parser.parts)


def nfc(text: str) -> str:
    """Return text in NFC, as Anki stores the text of notes."""
    return unicodedata.normalize("NFC", text)


def _dump(path, data) -> None:
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100_000),
        encoding="utf-8",
    )


def note_title(slug: str) -> str:
    # Titles are at most 200 characters, as the database holds them.
    return f"{slug} <b>&amp;</b> ]]> \x1f\x07\x85 😀 שלום e\u0301 a\u200db {{{{c1::"


def _note(slug: str, texts: dict[str, str]) -> str:
    front = yaml.safe_dump(
        {"id": slug, "topic": NOTES[slug], "title": note_title(slug), "order": 1},
        allow_unicode=True,
        width=100_000,
    )
    heading = " | ".join(v for k, v in TRICKY.items() if k != "anki")  # no clozes
    parts = [f"## {heading}", f"{EVERYTHING} ^{slug}-all"]
    for name, text in texts.items():
        parts.append(f"Q[{name}]: {text}\nA: {EVERYTHING}")
    plain = TRICKY["controls"] + TRICKY["emoji"] + TRICKY["rtl"]
    parts.append(f"One {{{{c1::hidden}}}} word beside {plain} ^{slug}-cloze")
    return f"---\n{front}---\n\n" + "\n\n".join(parts) + "\n"


def _questions(note: str, topic: str) -> list[dict]:
    prompt = "\n\n".join(TRICKY.values())
    options = [{"text": text} for text in list(TRICKY.values())[:4]]
    options[0]["correct"] = True
    several = [{"text": text} for text in list(TRICKY.values())[4:]]
    several[0]["correct"] = several[1]["correct"] = True
    pairs = [
        {"left": TRICKY[left], "right": TRICKY[right]}
        for left, right in [
            ("xml", "controls"),
            ("markup", "anki"),
            ("emoji", "rtl"),
            ("combining", "invisible"),
        ]
    ]
    common = {"note": note, "topic": topic, "explanation": f"{prompt}\n\n{LONG}"}
    return [
        {"id": f"{note}-single", "kind": "single", "prompt": prompt, **common}
        | {"options": options},
        {"id": f"{note}-multiple", "kind": "multiple", "prompt": LONG, **common}
        | {"options": several},
        {"id": f"{note}-typed", "kind": "typed", "prompt": prompt, **common}
        | {"answer": "ls * ]]> \x1f <b> 😀 e\u0301", "answer_type": "text"},
        {"id": f"{note}-truth", "kind": "truefalse", "prompt": prompt, **common}
        | {"answer": False},
        {"id": f"{note}-match", "kind": "matching", "prompt": prompt, **common}
        | {"pairs": pairs},
    ]


@pytest.fixture(scope="module")
def pack_folder(tmp_path_factory):
    """Write the tricky pack and check that the validator accepts it."""
    root = tmp_path_factory.mktemp("packs") / PACK_ID
    (root / "notes").mkdir(parents=True)
    (root / "questions").mkdir()
    topics = [
        {"id": slug, "title": title, "order": n, "weight": 50}
        for n, (slug, title) in enumerate(TOPICS.items(), start=1)
    ]
    _dump(
        root / "pack.yaml",
        {
            "id": PACK_ID,
            "title": TITLE,
            "version": 1,
            "description": "\n".join(TRICKY.values()),
            "topics": topics,
            "exam": {"questions": 5, "minutes": 10, "pass_mark": 50},
        },
    )
    cards = {"everything": TRICKY | {"long": LONG}, "few": {"few": EVERYTHING}}
    questions = []
    for slug, texts in cards.items():
        note = _note(slug, texts)
        (root / "notes" / f"{slug}.md").write_text(note, encoding="utf-8")
        questions += _questions(slug, NOTES[slug])
    _dump(root / "questions" / "tricky.yaml", questions)
    assert validate(root) == []
    return root


@pytest.fixture
def tricky(app, pack_folder):
    """Import the tricky pack; return its stored cards and questions by key."""
    with app.app_context():
        import_packs(db.session, pack_folder)
        cards = db.session.scalars(select(Card).where(Card.pack_id == PACK_ID)).all()
        questions = db.session.scalars(select(Question)).all()
        db.session.expunge_all()
        db.session.remove()
    assert len(cards) == 18 and len(questions) == 10
    return {c.key: c for c in cards}, {q.key: q for q in questions}


def run_export(app, kind: str, path) -> str:
    result = app.test_cli_runner().invoke(args=["export", kind, PACK_ID, str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def import_apkg(folder, path) -> Collection:
    """Return a new Anki collection in `folder` with the package imported."""
    collection = Collection(str(folder / "collection.anki2"))
    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions()
    )
    collection.import_anki_package(request)
    return collection


def test_anki_keeps_every_character(app, tricky, tmp_path):
    cards, _questions = tricky
    path = tmp_path / "tricky.apkg"
    assert "Wrote 18 notes in 2 topic decks" in run_export(app, "anki", path)
    collection = import_apkg(tmp_path, path)
    try:
        assert collection.note_count() == 18
        for key, card in cards.items():
            (note_id,) = collection.find_notes(f'"Key:{key}"')
            note = collection.get_note(note_id)
            for field, html in (("Front", card.front_html), ("Back", card.back_html)):
                assert browser_reads(note[field]) == nfc(browser_reads(html)), key
            slug = key.split(":")[2]
            topic = NOTES[slug]
            assert shown_text(note["Topic"]) == nfc(shown_text(escape(TOPICS[topic])))
            title = shown_text(escape(note_title(slug)))
            assert shown_text(note["Note"]) == nfc(f"Note: {title}")
            deck = collection.decks.name(collection.get_card(note.card_ids()[0]).did)
            assert deck == DECKS[topic]
        long = collection.get_note(collection.find_notes(f'"Key:{PACK_ID}:*:long"')[0])
        assert len(long["Front"]) > 24_000 and "\x1f" in browser_reads(long["Back"])
        problems, ok = collection.fix_integrity()
        assert ok, problems
    finally:
        collection.close()


PHP_TRIM = " \t\n\r\0\x0b"


def moodle_category(path: str) -> list[str]:
    """Split a category path as Moodle does (its split_category_path, which
    also strips tags from each name; that part is left out here)."""
    names = re.split(r"(?<!/)/(?!/)", path)
    return [name.replace("//", "/").strip(PHP_TRIM) for name in names]


def read_xml(path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - a file the test just wrote


def test_moodle_keeps_every_character(app, tricky, tmp_path):
    _cards, stored = tricky
    path = tmp_path / "tricky.xml"
    assert "Wrote 10 questions" in run_export(app, "moodle", path)
    quiz = read_xml(path)  # parses: the file is well-formed XML
    categories = [
        moodle_category(q.findtext("category/text"))
        for q in quiz.iter("question")
        if q.get("type") == "category"
    ]
    assert categories == [["$course$", *CATEGORIES[t]] for t in ("first", "second")]
    found = {
        q.findtext("idnumber"): q
        for q in quiz.iter("question")
        if q.get("type") != "category"
    }
    assert set(found) == set(stored)
    for key, question in found.items():
        data = stored[key].data
        text = question.findtext("questiontext/text")
        assert browser_reads(text) == browser_reads(data["prompt_html"])
        feedback = question.findtext("generalfeedback/text")
        assert browser_reads(feedback) == browser_reads(data["explanation_html"])
        name = question.findtext("name/text")
        assert 0 < len(name) <= moodle.NAME_LENGTH and not NOT_XML.search(name)
        answers = [a.findtext("text") for a in question.findall("answer")]
        if question.get("type") == "multichoice":
            assert [browser_reads(a) for a in answers] == [
                browser_reads(o["text"]) for o in data["options"]
            ]
        if question.get("type") == "shortanswer":
            assert answers == ["ls \\* ]]>  <b> 😀 e\u0301"]  # no \x1f: XML can't
        if question.get("type") == "matching":
            subquestions = question.findall("subquestion")
            for sub, (left, right) in zip(subquestions, data["pairs"], strict=True):
                assert browser_reads(sub.findtext("text")) == browser_reads(left)
                plain = " ".join(shown_text(right).split())
                assert sub.findtext("answer/text") == NOT_XML.sub("", plain)
    long = found[f"{PACK_ID}:question:everything-multiple"]
    assert len(long.findtext("questiontext/text")) > 24_000


# --- any text at all --------------------------------------------------------

# Anything UTF-8 files can hold (surrogates cannot be written, so text() leaves
# them out), with the tricky characters more often than chance would give.
texts = st.text(
    st.characters(exclude_categories=["Cs"])
    | st.sampled_from(list("\x00\x1f\x0b\r\n\t<>&\"':/\ufffe\u0301\u200d😀")),
    max_size=40,
)
LONGER = os.environ.get("SHIPSHAPE_FUZZ_EXAMPLES")  # as in tests/packs/test_fuzz.py


def examples(default: int) -> settings:
    """Return hypothesis settings for `default` examples (more when asked)."""
    return settings(
        max_examples=int(LONGER or default),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


pack_numbers = itertools.count()


def any_pack(title: str, topic: str, cards=(), questions=()) -> ExportPack:
    """Return a one-topic pack with a new id (so its decks are new in Anki)."""
    return ExportPack(
        id=f"any{next(pack_numbers)}",
        title=title,
        version="1",
        description=title,
        topics=(ExportTopic("topic", topic),),
        cards=tuple(cards),
        questions=tuple(questions),
    )


@pytest.fixture(scope="module")
def shared_collection(tmp_path_factory):
    """One Anki collection for every example (creating one takes a while)."""
    collection = Collection(str(tmp_path_factory.mktemp("anki") / "any.anki2"))
    yield collection
    collection.close()


@examples(15)
@given(title=texts, topic=texts, fields=st.lists(texts, min_size=1, max_size=6))
def test_anki_keeps_any_text(shared_collection, tmp_path_factory, title, topic, fields):
    number = next(pack_numbers)
    # A card needs something on its front, or Anki makes no card of the note.
    cards = [
        ExportCard(f"any{number}:{n}", "topic", "qa", f"Q{text}", text, text, "n", text)
        for n, text in enumerate(fields)
    ]
    path = tmp_path_factory.mktemp("apkg") / "any.apkg"
    anki.write_apkg(any_pack(title, topic, cards), path)
    collection = shared_collection
    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions()
    )
    collection.import_anki_package(request)
    deck = nfc(anki.deck_name(title, topic))
    assert deck.count("::") == 1
    for card, text in zip(cards, fields, strict=True):
        note = collection.get_note(collection.find_notes(f'"Key:{card.key}"')[0])
        for field, html in (("Front", card.front_html), ("Back", card.back_html)):
            assert nfc(browser_reads(note[field])) == nfc(browser_reads(html))
        for field, plain in (
            ("Topic", topic),
            ("Source", text),
            ("Note", f"Note: {text or 'n'}"),
        ):
            assert shown_text(note[field]) == nfc(shown_text(escape(plain)))
        shown_in = collection.get_card(note.card_ids()[0]).did
        assert collection.decks.name(shown_in) == deck  # as written: one level each


@examples(100)
@given(title=texts, topic=texts, prompt=texts, others=st.lists(texts, min_size=3))
def test_moodle_keeps_any_text(title, topic, prompt, others):
    data = {"prompt_html": prompt, "explanation_html": others[0], "answers": others}
    options = [{"text": text, "correct": not n} for n, text in enumerate(others)]
    questions = [
        ExportQuestion(
            "q:single", "topic", "single", prompt, data | {"options": options}
        ),
        ExportQuestion("q:typed", "topic", "typed", prompt, data),
    ]
    document = moodle.quiz_xml(any_pack(title, topic, questions=questions))
    quiz = ET.fromstring(document)  # noqa: S314 - XML the test just made
    category, single, typed = quiz.findall("question")
    names = [NOT_XML.sub("", t).strip(PHP_TRIM) or "Untitled" for t in (title, topic)]
    path = category.findtext("category/text")
    assert moodle_category(path) == ["$course$", *names]
    for question in (single, typed):
        shown = question.findtext("questiontext/text") or ""
        assert browser_reads(shown) == browser_reads(prompt)
        feedback = question.findtext("generalfeedback/text") or ""
        assert browser_reads(feedback) == browser_reads(others[0])
    answers = [a.findtext("text") or "" for a in single.findall("answer")]
    assert [browser_reads(a) for a in answers] == [browser_reads(t) for t in others]
    answers = [a.findtext("text") or "" for a in typed.findall("answer")]
    assert answers == [NOT_XML.sub("", t).replace("*", "\\*") for t in others]

"""A note's body: cards are taken out, clozes become cards, code is left alone."""

from __future__ import annotations

from study.packs.notes import NoteCard, read_body, split_front_matter


def body(text: str):
    """Read a body that starts on line 1."""
    return read_body(text.split("\n"), 1)


def test_front_matter_is_split_from_the_body():
    """The front matter ends at the second `---`; the body line is reported."""
    assert split_front_matter("---\nid: a\n---\nText\n") == ("id: a", ["Text", ""], 4)
    assert split_front_matter("Text only\n") is None
    assert split_front_matter("---\nid: a\n") is None


def test_answer_with_fenced_code_keeps_its_blank_lines():
    """A blank line inside a fence does not end the card; one after it does."""
    note = body("Q[run]: How?\nA: Like this:\n```sh\nrun\n\nagain\n```\n\nAfter.")
    assert note.cards == [
        NoteCard("run", "qa", "How?", "Like this:\n```sh\nrun\n\nagain\n```", 1)
    ]
    assert note.body == "After."
    assert note.problems == []


def test_card_right_after_a_paragraph():
    """A `Q[` line starts a card even without a blank line before it."""
    note = body("Some text.\nQ[k]: Q?\nA: A.")
    assert note.body == "Some text."
    assert [card.key for card in note.cards] == ["k"]


def test_go_templates_are_not_clozes():
    """`{{.State.Status}}` is plain text, not a broken cloze."""
    note = body("Use `docker inspect -f '{{.State.Status}}'` to see it.")
    assert note.problems == []
    assert note.cards == []


def test_key_marker_without_clozes_is_reported():
    """A `^key` on a paragraph with no cloze is probably a mistake."""
    note = body("Nothing hidden here. ^lonely")
    assert note.problems == [(1, "key marker '^lonely' on a paragraph without clozes")]


def test_cloze_spanning_lines_and_nested_markers():
    """A cloze may span lines; problems point at the line of the marker."""
    note = body("Intro.\n\nA {{c1::long\nanswer}} here. ^long")
    assert note.cards[0].front == "A [...] here."
    assert note.cards[0].back == "A **long\nanswer** here."
    broken = body("Intro.\n\nFine {{c1::x}} and\n{{c2::unclosed ^k")
    assert broken.problems == [(4, "unclosed cloze '{{c2::' (end it with }})")]


def test_empty_cards_are_reported():
    """A card needs both a question and an answer."""
    assert body("Q[k]:\nA: yes").problems == [(1, "card 'k' has an empty question")]
    assert body("Q[k]: why?\nA:").problems == [(1, "card 'k' has an empty answer")]
    assert body("A {{c1:: }} b. ^k").problems == [(1, "empty cloze '{{c1::}}'")]

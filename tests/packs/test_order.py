"""Pack order keeps siblings apart: cards that give each other away."""

from study.packs.model import Card
from study.packs.order import family, spread_siblings


def card(key: str, topic: str = "t", kind: str = "cloze") -> Card:
    return Card(
        id=f"p:note:n:{key}",
        pack="p",
        topic=topic,
        note="n",
        kind=kind,
        front="front",
        back="back",
        source="notes/n.md",
    )


def keys(cards) -> list[str]:
    return [c.id.removeprefix("p:note:n:") for c in cards]


def topic_of(item) -> int:
    return {"t": 0, "u": 1}[item.topic]


def test_families_are_a_sentence_or_a_row():
    assert family(card("layers:c2")) == "p:note:n:layers"
    assert family(card("run:purpose", kind="table")) == "p:note:n:run"
    assert family(card("what-is-a-layer", kind="qa")) == "p:note:n:what-is-a-layer"


def test_first_cards_of_every_family_come_first():
    cards = [
        card("a:c1"),
        card("a:c2"),
        card("b:c1"),
        card("b:c2"),
        card("q", kind="qa"),
    ]
    assert keys(spread_siblings(cards, topic_of)) == [
        "a:c1",
        "b:c1",
        "q",
        "a:c2",
        "b:c2",
    ]


def test_siblings_meet_only_when_nothing_else_is_left():
    cards = [card("a:c1"), card("a:c2"), card("a:c3"), card("q", kind="qa")]
    assert keys(spread_siblings(cards, topic_of)) == ["a:c1", "q", "a:c2", "a:c3"]


def test_a_sibling_never_follows_its_own_family_across_turns():
    # b's second gap would come right after b's first (the last of turn one).
    cards = [card("a:c1"), card("b:c1"), card("b:c2"), card("a:c2")]
    spread = keys(spread_siblings(cards, topic_of))
    assert spread == ["a:c1", "b:c1", "a:c2", "b:c2"]


def test_topics_keep_their_order():
    cards = [
        card("a:c1"),
        card("a:c2"),
        card("z:c1", topic="u"),
        card("z:c2", topic="u"),
    ]
    assert keys(spread_siblings(cards, topic_of)) == ["a:c1", "a:c2", "z:c1", "z:c2"]

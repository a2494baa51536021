"""Every Docker question sends cards back for review when a learner misses it.

A missed quiz question makes the cards it lists due again, so a question that
lists no card (or a card the pack lacks) teaches nothing after a miss.
Runs on the pack's files only, without the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from study.packs import Pack, load_pack

DOCKER = Path(__file__).parents[2] / "content" / "docker"


@pytest.fixture(scope="module")
def pack() -> Pack:
    """Load the Docker pack once."""
    return load_pack(DOCKER)


def test_every_question_links_to_a_card_of_the_pack(pack):
    card_ids = {card.id for card in pack.cards}
    unlinked = [q.id for q in pack.questions if not q.cards]
    dangling = {
        q.id: missing
        for q in pack.questions
        if (missing := [c for c in q.cards if c not in card_ids])
    }
    assert pack.questions
    assert unlinked == []
    assert dangling == {}


@pytest.mark.parametrize("prefix", ["docker:question:", "docker:table:"])
def test_hand_written_and_table_questions_are_both_checked(pack, prefix):
    assert any(q.id.startswith(prefix) and q.cards for q in pack.questions)


def test_container_concepts_matching_links_to_the_cards_it_tests(pack):
    question = pack.question("docker:question:match-container-concepts")
    assert question is not None
    assert set(question.cards) >= {
        "docker:note:containers:namespaces-vs-cgroups",
        "docker:note:containers-vs-vms:hypervisor-role",
        "docker:note:containers:image-definition",
        "docker:note:containers:writable-layer:c1",
    }

"""The pack endpoints: the catalogue and a pack's cards page by page."""

import pytest


def test_packs_lists_topics_and_counts(logged_in, starter):
    body = logged_in.get("/api/v1/packs").get_json()
    (pack,) = body["packs"]
    assert pack["id"] == "starter" and pack["title"] == "Starter deck"
    assert [t["id"] for t in pack["topics"]] == ["basics", "extras"]
    assert pack["cards"] == sum(t["cards"] for t in pack["topics"]) == 13
    assert pack["questions"] == sum(t["questions"] for t in pack["topics"])


def test_cards_come_in_pack_order_a_page_at_a_time(logged_in, starter):
    first = logged_in.get("/api/v1/packs/starter/cards?per_page=5").get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 5, 13)
    assert first["cards"][0]["id"] == "starter:note:shell:ls"
    assert first["next_page"] == 2
    last = logged_in.get("/api/v1/packs/starter/cards?per_page=5&page=3").get_json()
    assert len(last["cards"]) == 3 and last["next_page"] is None
    seen = {c["id"] for c in first["cards"]} | {c["id"] for c in last["cards"]}
    assert len(seen) == 8


def test_cards_of_one_topic(logged_in, starter):
    body = logged_in.get("/api/v1/packs/starter/cards?topic=extras").get_json()
    assert body["topic"] == "extras" and body["total"] == 6
    assert {card["topic"] for card in body["cards"]} == {"extras"}


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("/api/v1/packs/nope/cards", 404),
        ("/api/v1/packs/starter/cards?topic=nope", 404),
        ("/api/v1/packs/starter/cards?page=0", 400),
        ("/api/v1/packs/starter/cards?page=two", 400),
        ("/api/v1/packs/starter/cards?per_page=201", 400),
        ("/api/v1/packs/starter/cards?topic=a%00b", 400),
    ],
)
def test_bad_card_queries_get_a_json_error(logged_in, starter, query, status):
    response = logged_in.get(query)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]

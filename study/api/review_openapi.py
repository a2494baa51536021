"""The OpenAPI description of the pack, card and review endpoints, added to the
API's document by `study.api.openapi`."""

from __future__ import annotations

from study.api.openapi_builders import (
    all_required,
    body,
    closed,
    errors,
    link,
    nullable,
    obj,
    ok,
    operation,
    query,
    ref,
    text,
)
from study.services.catalog import MAX_PAGE, MAX_PER_PAGE

SCHEMAS = {
    "Counts": all_required(
        new={"type": "integer", "minimum": 0},
        learning={"type": "integer", "minimum": 0},
        review={"type": "integer", "minimum": 0},
    ),
    "Topic": all_required(
        id=text(),
        title=text(),
        cards={"type": "integer"},
        questions={"type": "integer"},
    ),
    "Pack": obj(
        ["id", "title", "version", "description", "cards", "questions", "topics"],
        id=text(),
        title=text(),
        version=text(),
        description=text(),
        cards={"type": "integer"},
        questions={"type": "integer"},
        exam=nullable({"type": "object"}),
        topics={"type": "array", "items": ref("Topic")},
    ),
    "Card": obj(
        ["id", "kind", "topic", "front_html", "back_html"],
        id=text(),
        kind=text(),
        topic=text(),
        front_html=text(),
        back_html=text(),
        source=text(),
        note_url=nullable(text()),
    ),
    "CardPage": all_required(
        pack=text(),
        topic=nullable(text()),
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1},
        total={"type": "integer", "minimum": 0},
        next_page=nullable({"type": "integer"}),
        cards={"type": "array", "items": ref("Card")},
    ),
    "DueCard": {
        "allOf": [
            ref("Card"),
            obj(
                ["review_id", "intervals", "is_new"],
                review_id=text(),
                topic_title=text(),
                pack=text(),
                intervals={"type": "object", "additionalProperties": text()},
                is_new={"type": "boolean"},
            ),
        ]
    },
    "NextCard": all_required(card=ref("DueCard"), counts=ref("Counts")),
    "Review": closed(
        obj(
            ["card_id", "rating", "review_id"],
            card_id=text(description="The card's id, as sent by GET /review/next"),
            rating={"type": "integer", "minimum": 1, "maximum": 4},
            review_id=text(minLength=8, maxLength=64),
            duration_ms={"type": "integer", "minimum": 0},
            next={
                "type": "boolean",
                "description": "Also return the next card to study (next_card)",
            },
        )
    ),
    "ReviewOutcome": obj(
        ["card_id", "rating", "due", "duplicate", "counts"],
        card_id=text(),
        rating={"type": "integer", "minimum": 1, "maximum": 4},
        due=text(format="date-time"),
        duplicate={"type": "boolean"},
        counts=ref("Counts"),
        next_card={
            **nullable(ref("DueCard")),
            "description": "Sent when asked with next: the card to study next "
            "(as GET /review/next gives it), or null when nothing is left today",
        },
    ),
    "Undo": obj(
        ["undone", "card_id"],
        undone={"type": "boolean"},
        card_id=nullable(text()),
        study_url=text(),
    ),
}

SCOPE_PARAMETERS = [
    query("pack", text(), "Study only this pack"),
    query("topic", text(), "With pack: only this topic"),
    query("note", text(), "With pack: only the cards of this note"),
    query("card", text(), "Show this card if it may be rated now (after an undo)"),
]

PATHS = {
    "/packs": {
        "get": operation(
            "packs_list",
            "List the imported packs and their topics",
            {
                **ok(
                    "The packs",
                    all_required(packs={"type": "array", "items": ref("Pack")}),
                    ListCards=link("pack_cards", pack_id="$response.body#/packs/0/id"),
                    StartQuiz=link(
                        "quiz_start",
                        body={
                            "pack": "$response.body#/packs/0/id",
                            "mode": "practice",
                            "count": 5,
                        },
                    ),
                ),
                **errors(),
            },
        )
    },
    "/packs/{pack_id}/cards": {
        "get": operation(
            "pack_cards",
            "List a pack's cards, a page at a time",
            {**ok("One page of cards", ref("CardPage")), **errors("400", "404")},
            parameters=[
                {"name": "pack_id", "in": "path", "required": True, "schema": text()},
                query("topic", text(), "Only this topic's cards"),
                query(
                    "page",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                    "Page number, from 1",
                ),
                query(
                    "per_page",
                    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                    "Cards per page (default 50)",
                ),
            ],
        )
    },
    "/review/next": {
        "get": operation(
            "review_next",
            "The next card to study and the day's counts",
            {
                **ok(
                    "A card to study",
                    ref("NextCard"),
                    RateCard=link(
                        "review_submit",
                        body={
                            "card_id": "$response.body#/card/id",
                            "review_id": "$response.body#/card/review_id",
                            "rating": 3,
                            "duration_ms": 1500,
                        },
                    ),
                ),
                "204": {"description": "Nothing is due"},
                **errors("400", "404"),
            },
            parameters=SCOPE_PARAMETERS,
        )
    },
    "/review": {
        "post": operation(
            "review_submit",
            "Rate a card; the same review_id again is acknowledged, not counted",
            {
                **ok("The rating was recorded", ref("ReviewOutcome")),
                **errors("400", "404", "409"),
            },
            parameters=SCOPE_PARAMETERS[:3],
            requestBody=body(ref("Review")),
        )
    },
    "/review/undo": {
        "post": operation(
            "review_undo",
            "Take back the latest rating",
            {**ok("What was undone", ref("Undo")), **errors("400")},
        )
    },
}

"""The settings endpoints: read, and change any subset with range checks."""

import pytest


def test_get_returns_the_study_settings(logged_in):
    body = logged_in.get("/api/v1/settings").get_json()
    assert body == {
        "email": "learner@example.com",
        "display_name": "learner",
        "timezone": "UTC",
        "desired_retention": 0.9,
        "new_cards_per_day": 20,
        "max_reviews_per_day": 200,
    }


def test_patch_changes_only_what_is_sent(logged_in):
    response = logged_in.api(
        "PATCH", "/api/v1/settings", {"new_cards_per_day": 5, "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 200
    again = logged_in.get("/api/v1/settings").get_json()
    assert again["new_cards_per_day"] == 5 and again["timezone"] == "Asia/Tokyo"
    assert again["desired_retention"] == 0.9 and again["max_reviews_per_day"] == 200


def test_patch_finds_a_time_zone_whatever_its_letter_case(logged_in):
    response = logged_in.api("PATCH", "/api/v1/settings", {"timezone": "europe/BERLIN"})
    assert response.status_code == 200
    assert response.get_json()["timezone"] == "Europe/Berlin"


def test_patch_explains_an_unknown_time_zone(logged_in):
    response = logged_in.api("PATCH", "/api/v1/settings", {"timezone": "Europe/Paris2"})
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert "time zone name such as Europe/Berlin" in message
    assert logged_in.get("/api/v1/settings").get_json()["timezone"] == "UTC"


@pytest.mark.parametrize(
    "change",
    [
        {"desired_retention": 0.5},
        {"desired_retention": "high"},
        {"new_cards_per_day": 2.5},
        {"new_cards_per_day": -1},
        {"max_reviews_per_day": True},
        {"timezone": "Mars/Olympus"},
        {"colour": "blue"},
    ],
)
def test_bad_values_are_refused_and_nothing_changes(logged_in, change):
    response = logged_in.api(
        "PATCH", "/api/v1/settings", {"max_reviews_per_day": 50, **change}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]
    assert logged_in.get("/api/v1/settings").get_json()["max_reviews_per_day"] == 200


def test_patch_with_a_cookie_needs_the_csrf_header(logged_in):
    response = logged_in.client.patch("/api/v1/settings", json={"new_cards_per_day": 1})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"

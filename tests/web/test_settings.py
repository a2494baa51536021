"""The settings page: time zones in any letter case, and API tokens shown once."""

import re

import pytest
from sqlalchemy import func, select

from study.extensions import db
from study.models import ApiToken, User

NEW_TOKEN = re.compile(r'<code id="new-token">(ss_[^<]+)</code>')
SETTINGS = {
    "display_name": "Kim",
    "desired_retention": "0.90",
    "new_cards_per_day": "20",
    "max_reviews_per_day": "200",
}


def save_zone(client, zone: str):
    client.refresh_token("/settings")
    return client.form("/settings", {**SETTINGS, "timezone": zone})


def saved_zone(app) -> str:
    with app.app_context():
        return db.session.scalars(select(User.timezone)).one()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("europe/berlin", "Europe/Berlin"),
        ("  AMERICA/NEW_YORK ", "America/New_York"),
        ("utc", "UTC"),
        ("Asia/Tokyo", "Asia/Tokyo"),
    ],
)
def test_a_time_zone_is_found_whatever_its_letter_case(app, logged_in, typed, stored):
    assert save_zone(logged_in, typed).status_code == 302
    assert saved_zone(app) == stored
    assert f'value="{stored}"' in logged_in.get("/settings").get_data(as_text=True)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Berlin", "../../etc/passwd", ""])
def test_an_unknown_time_zone_is_explained_on_its_field(app, logged_in, zone):
    response = save_zone(logged_in, zone)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field = re.search(r'<div class="field has-error">(.*?)</div>', page, re.S)
    assert field and 'id="timezone"' in field.group(1)
    assert "Choose a time zone such as Europe/Berlin." in field.group(1)
    assert "timezone must" not in page and "form-error" not in page
    assert saved_zone(app) == "UTC"


def test_the_time_zone_field_offers_every_zone(logged_in):
    page = logged_in.get("/settings").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="timezone"[^>]*list="time-zones"', page) or (
        re.search(r'<input[^>]*list="time-zones"[^>]*id="timezone"', page)
    )
    zones = re.search(r'<datalist id="time-zones">(.*?)</datalist>', page, re.S)
    names = re.findall(r'<option value="([^"]+)">', zones.group(1))
    assert "Europe/Berlin" in names and "America/New_York" in names
    assert names == sorted(names) and len(names) > 300


def token_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ApiToken))


def test_a_new_token_is_shown_once_and_a_reload_makes_no_other(app, logged_in):
    logged_in.refresh_token("/settings")
    created = logged_in.form("/settings/tokens", {"name": "My script"})
    assert created.status_code == 302
    assert created.headers["Location"] == "/settings#api-tokens"
    shown = logged_in.get(created.headers["Location"]).get_data(as_text=True)
    token = NEW_TOKEN.search(shown).group(1)
    assert "it is shown only once" in shown
    reloaded = logged_in.get("/settings").get_data(as_text=True)
    assert NEW_TOKEN.search(reloaded) is None and token not in reloaded
    assert "My script" in reloaded  # listed, without its secret
    assert token_count(app) == 1
    api = app.test_client().get(
        "/api/v1/settings", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 200

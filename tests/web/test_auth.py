"""Accounts through real HTTP: register, log in and out, passwords, CSRF, limits."""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, BrowserLikeClient, make_user


def register(client, email="new@example.com", password="a sturdy passphrase", **extra):
    client.refresh_token("/register")
    data = {"email": email, "password": password, "confirm": password}
    return client.form("/register", {**data, **extra})


def login(client, email="learner@example.com", password=PASSWORD, path="/login"):
    client.refresh_token("/login")
    return client.form(path, {"email": email, "password": password})


def test_register_logs_the_new_user_in(client):
    response = register(client, timezone="Europe/Berlin")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Welcome, new" in home
    assert "Log out" in home


@pytest.mark.parametrize(
    ("sent", "saved"),
    [
        ("Asia/Kathmandu", "Asia/Kathmandu"),  # what the browser reports
        ("Mars/Olympus_Mons", "UTC"),  # unknown zone: the account still opens
        ("../../etc/passwd", "UTC"),
        ("", "UTC"),  # no JavaScript: the hidden field stays empty
    ],
)
def test_register_saves_the_browsers_time_zone(app, client, sent, saved):
    from study.extensions import db
    from study.models import User

    assert register(client, timezone=sent).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(User.timezone)).one() == saved


def test_register_is_rate_limited(app, monkeypatch):
    from study.extensions import db
    from study.models import User

    monkeypatch.setitem(app.config, "LOGIN_LIMIT", "3 per minute")
    statuses = [
        register(BrowserLikeClient(app.test_client()), f"new{n}@example.com")
        for n in range(4)
    ]
    assert [s.status_code for s in statuses] == [302, 302, 302, 429]
    assert "Too many attempts" in statuses[-1].get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_passwords_are_stored_hashed(app, client):
    from study.extensions import db
    from study.models import User

    register(client)
    with app.app_context():
        user = db.session.query(User).one()
        assert "a sturdy passphrase" not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address such as ana@example.com"),
        ({"password": "short", "confirm": "short"}, "at least 10"),
        ({"confirm": "something else entirely"}, "The passwords differ"),
        ({"password": "password123", "confirm": "password123"}, "too common"),
    ],
)
def test_register_explains_bad_input(client, fields, message):
    client.refresh_token("/register")
    data = {"email": "a@example.com", "password": "a sturdy passphrase"}
    data["confirm"] = data["password"]
    response = client.form("/register", {**data, **fields})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "email", ["bad", "ana@example", "@example.com", "ana @example.com", "a@b@c.de"]
)
def test_register_explains_a_malformed_email_next_to_its_field(app, client, email):
    from study.extensions import db
    from study.models import User

    response = register(client, email=email)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field = re.search(r'<div class="field has-error">(.*?)</div>', page, re.S)
    assert field and 'name="email"' in field.group(1)
    assert "Enter an email address such as ana@example.com." in field.group(1)
    assert 'aria-invalid="true"' in field.group(1)
    assert "form-error" not in page  # not a message at the top of the form
    with app.app_context():
        assert db.session.scalars(select(User)).first() is None


def test_register_refuses_a_taken_email(client, user):
    response = register(client, email="LEARNER@example.com")
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_login_and_logout(client, user):
    assert login(client).status_code == 302
    assert "Log out" in client.get("/").get_data(as_text=True)
    client.token = None
    client.refresh_token("/")
    assert client.form("/logout").status_code == 302
    assert client.get("/study").status_code == 302  # back to the login page


def test_failed_login_does_not_say_whether_the_email_exists(client, user):
    wrong_password = login(client, password="not the password").get_data(as_text=True)
    unknown_email = login(client, email="nobody@example.com").get_data(as_text=True)
    message = "That email and password do not match an account."
    assert message in wrong_password and message in unknown_email


def test_forms_without_a_csrf_token_are_refused(client, user):
    response = client.client.post(
        "/login", data={"email": "learner@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_login_is_rate_limited(client, user):
    for _ in range(10):
        login(client, password="wrong wrong wrong")
    response = login(client)
    assert response.status_code == 429


def test_login_next_only_goes_to_local_paths(client, user):
    client.refresh_token("/login")
    for target, expected in [
        ("/settings", "/settings"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        client.client.get("/logout")
        response = client.form(
            f"/login?next={target}",
            {"email": "learner@example.com", "password": PASSWORD},
        )
        assert response.headers["Location"] == expected
        client.token = None
        client.refresh_token("/")
        client.form("/logout")
        client.token = None
        client.refresh_token("/login")


def test_changing_the_password_logs_out_other_sessions(app, client, user):
    other = app.test_client()
    login(client)
    second = BrowserLikeClient(other)
    login(second)
    assert second.get("/settings").status_code == 200
    client.token = None
    client.refresh_token("/settings")
    response = client.form(
        "/settings/password",
        {
            "current": PASSWORD,
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200  # this session stays
    assert second.get("/settings").status_code == 302  # the other one is out
    assert (
        login(
            BrowserLikeClient(app.test_client()), password="a brand new passphrase"
        ).status_code
        == 302
    )


def test_wrong_current_password_is_explained(client, user):
    login(client)
    client.token = None
    client.refresh_token("/settings")
    response = client.form(
        "/settings/password",
        {
            "current": "nope nope nope",
            "new": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)


def test_settings_are_validated_and_saved(app, logged_in):
    logged_in.refresh_token("/settings")
    bad = logged_in.form(
        "/settings",
        {
            "display_name": "Kim",
            "desired_retention": "0.99",
            "new_cards_per_day": "20",
            "max_reviews_per_day": "200",
            "timezone": "UTC",
        },
    )
    assert bad.status_code == 400
    good = logged_in.form(
        "/settings",
        {
            "display_name": "Kim",
            "desired_retention": "0.85",
            "new_cards_per_day": "5",
            "max_reviews_per_day": "100",
            "timezone": "Asia/Tokyo",
        },
    )
    assert good.status_code == 302
    page = logged_in.get("/settings").get_data(as_text=True)
    assert 'value="0.85"' in page and "Asia/Tokyo" in page


def test_admin_users_can_be_made(app):
    from study.extensions import db
    from study.models import User

    user_id = make_user(app, "boss@example.com", is_admin=True)
    with app.app_context():
        assert db.session.get(User, user_id).is_admin

"""Small factories the team tests share: many users quickly, logins without the
password round trip, studied cards and exam attempts."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from study.extensions import db
from study.models import Card, QuizAttempt, User
from study.services import reviews
from tests.conftest import PASSWORD


@cache
def password_hash() -> str:
    """Hash the test password once (scrypt is slow on purpose)."""
    return generate_password_hash(PASSWORD)


def add_user(email: str, name: str, *, is_admin: bool = False) -> User:
    """Insert an account whose password is the tests' PASSWORD (inside a context)."""
    user = User(
        email=email,
        display_name=name,
        password_hash=password_hash(),
        is_admin=is_admin,
        session_token=secrets.token_hex(16),
    )
    db.session.add(user)
    db.session.commit()
    return user


def log_in(client, app, user_id: int) -> None:
    """Put a user's session identity in a test client's cookie."""
    with app.app_context():
        token = db.session.get(User, user_id).session_token
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{token}"
        session["_fresh"] = True
    if hasattr(client, "token"):
        client.token = None


def study(user: User, count: int, now, rating: int = 3) -> None:
    """Rate the first `count` starter cards, in pack order."""
    cards = db.session.scalars(
        select(Card).where(Card.pack_id == "starter").order_by(Card.position)
    ).all()
    for card in cards[:count]:
        reviews.record_review(
            db.session,
            user,
            card.key,
            rating,
            f"review-{user.id}-{card.id}-{now.timestamp():.0f}",
            1000,
            now,
        )


def exam(user: User, score: float, passed: bool, when, pack: str = "starter") -> None:
    """Record a submitted mock exam on a pack (the starter pack unless told)."""
    db.session.add(
        QuizAttempt(
            user_id=user.id,
            pack_id=pack,
            mode="exam",
            status="submitted",
            started_at=when - timedelta(minutes=30),
            submitted_at=when,
            score=score,
            pass_mark=60,
            passed=passed,
        )
    )
    db.session.commit()

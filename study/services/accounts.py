"""Accounts: registration, passwords, settings and API tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import available_timezones

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from study import srs
from study.errors import Conflict, Invalid, NotFound
from study.models import ApiToken, User
from study.prepared import Prepared, as_loaded

MIN_PASSWORD_LENGTH = 10
LAST_USED_PRECISION = timedelta(minutes=1)
# One @, a name before it, a dot in the domain after it, no blanks or control
# characters; spelled so that Python and JSON Schema (ECMA) regexes agree on it.
EMAIL_PART = "[^@\\s\\u0000-\\u001f\\u007f-\\u009f]"
EMAIL_PATTERN = f"^{EMAIL_PART}{{1,64}}@{EMAIL_PART}+\\.{EMAIL_PART}+$"
EMAIL = re.compile(EMAIL_PATTERN)
EMAIL_HINT = "Enter an email address such as ana@example.com."
ZONE_HINT = "Choose a time zone such as Europe/Berlin."
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# A name (a display name, a token's) with something besides blanks and no NUL.
# The API's schema carries the same pattern, so the blanks are spelled out for
# both readers: Python's \s also covers U+001C-U+001F and U+0085, a schema
# checker's (ECMAScript) also covers U+FEFF.
NAME_PATTERN = "^[^\\u0000]*[^\\s\\ufeff\\u001c-\\u001f\\u0085\\u0000][^\\u0000]*$"
NAME = re.compile(NAME_PATTERN)
# Compared against when the email is unknown, so a failed login takes as long
# whether or not the account exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")


def _common_passwords() -> frozenset[str]:
    if not COMMON_PASSWORDS_FILE.exists():
        return frozenset()
    lines = COMMON_PASSWORDS_FILE.read_text().splitlines()
    return frozenset(
        line.strip().lower()
        for line in lines
        if line.strip() and not line.startswith("#")
    )


COMMON_PASSWORDS = _common_passwords()


def normalize_email(email: str) -> str:
    """Return the email in the form it is stored and looked up by."""
    return (email or "").strip().lower()


def is_email(value: object) -> bool:
    """True for text shaped like an email address of at most 254 characters."""
    return isinstance(value, str) and len(value) <= 254 and bool(EMAIL.fullmatch(value))


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def zone_names() -> list[str]:
    """Return every time zone name a learner can choose, sorted."""
    return sorted(_zones_by_lower_name().values())


def canonical_zone(name: object) -> str | None:
    """Return a time zone name as spelled in the zone database, matching it
    whatever its letter case ('europe/berlin' gives 'Europe/Berlin'), or None
    when there is no such zone."""
    if not isinstance(name, str):
        return None
    name = name.strip()
    found = _zones_by_lower_name().get(name.lower())
    if found is None and srs.is_valid_zone(name):
        found = name  # known to zoneinfo though not listed, such as 'localtime'
    return found


def password_problem(password: str) -> str | None:
    """Return why a password is too weak, or None when it is acceptable."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
    if password.lower() in COMMON_PASSWORDS:
        return "That password is too common; choose one that is harder to guess."
    return None


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    display_name: str = "",
    is_admin: bool = False,
    timezone: str = "UTC",
) -> User:
    """Create an account; refuse a taken email or a weak password."""
    email = normalize_email(email)
    if not is_email(email):
        raise Invalid(EMAIL_HINT)
    if problem := password_problem(password):
        raise Invalid(problem)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("An account with this email already exists.")
    user = User(
        email=email,
        display_name=(display_name or email.split("@")[0])[:80],
        password_hash=generate_password_hash(password),
        is_admin=is_admin,
        session_token=secrets.token_hex(16),
        timezone=canonical_zone(timezone) or "UTC",
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise Conflict("An account with this email already exists.") from error
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the user whose email and password match, else None."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password and log out every other session of the user."""
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid("Your current password is not right.")
    if problem := password_problem(new):
        raise Invalid(problem)
    user.password_hash = generate_password_hash(new)
    user.session_token = secrets.token_hex(16)
    session.commit()


def end_sessions(session: Session, user: User) -> None:
    """Log the user out everywhere: every session cookie, copies included, stops
    working (API tokens are not sessions and stay valid)."""
    user.session_token = secrets.token_hex(16)
    session.commit()


def load_session_user(session: Session, identity: str) -> User | None:
    """Return the user of a session identity ('id:token'), if still valid."""
    user_id, _, token = (identity or "").partition(":")
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


SETTING_RANGES = {
    "desired_retention": (float, 0.70, 0.97),
    "new_cards_per_day": (int, 0, 9999),
    "max_reviews_per_day": (int, 0, 99999),
}


def update_settings(session: Session, user: User, changes: dict) -> User:
    """Change any subset of the study settings, each checked against its range."""
    unknown = set(changes) - set(SETTING_RANGES) - {"timezone", "display_name"}
    if unknown:
        raise Invalid(f"Unknown setting: {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(user, name, _checked_setting(name, value))
    session.commit()
    return user


def is_name(value: object) -> bool:
    """True for a name the learner can read back: 1 to 80 characters, not all
    blanks, no NUL."""
    return isinstance(value, str) and len(value) <= 80 and bool(NAME.fullmatch(value))


def _checked_setting(name: str, value: object) -> object:
    if name == "timezone":
        zone = canonical_zone(value)
        if zone is None:
            raise Invalid(
                "timezone must be a time zone name such as Europe/Berlin "
                "(letter case does not matter)."
            )
        return zone
    if name == "display_name":
        if not is_name(value):
            raise Invalid("display_name must be 1 to 80 characters.")
        return value.strip()
    kind, low, high = SETTING_RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{name} must be a number.")
    # Range first: it also refuses NaN and infinities, which int() cannot take.
    if not low <= value <= high:
        raise Invalid(f"{name} must be between {low} and {high}.")
    if kind is int and value != int(value):
        raise Invalid(f"{name} must be a whole number.")
    return kind(value)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: User, name: str = "") -> str:
    """Create an API token and return it; only its hash is kept."""
    return issue_api_token(session, user, name)[1]


def issue_api_token(
    session: Session, user: User, name: str = ""
) -> tuple[ApiToken, str]:
    """Create an API token; return its stored row and the token (shown once)."""
    token = "ss_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:80], token_hash=_token_hash(token))
    session.add(row)
    session.commit()
    return row, token


def live_api_tokens(session: Session, user: User) -> list[ApiToken]:
    """Return the user's tokens that are not revoked, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


# Every API call looks its token up: one statement, run straight on the
# driver (study.prepared), that brings the owner's columns along.
TOKENS, USERS = ApiToken.__table__, User.__table__
TOKEN_OWNER = Prepared(
    select(*USERS.c, TOKENS.c.id.label("token_id"), TOKENS.c.last_used_at)
    .join(TOKENS, TOKENS.c.user_id == USERS.c.id)
    .where(
        TOKENS.c.token_hash == bindparam("token_hash"), TOKENS.c.revoked_at.is_(None)
    )
)
NOTE_USE = (
    update(TOKENS)
    .where(TOKENS.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    """Return the owner of a live API token, noting when it was last used."""
    found = TOKEN_OWNER.first(
        session.connection(), {"token_hash": _token_hash(token or "")}
    )
    if found is None:
        return None
    user = as_loaded(session, User, found)
    # A minute's precision is enough, and spares each API call a write.
    last = found.last_used_at
    if last is None or now - last >= LAST_USED_PRECISION:
        session.execute(NOTE_USE, {"token_id": found.token_id, "now": now})
        session.commit()
    return user


def revoke_api_token(session: Session, user: User, token_id: int, now) -> None:
    """Revoke one of the user's tokens."""
    # Ids beyond a 32-bit integer cannot exist, and would overflow the driver.
    row = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if row is None or row.user_id != user.id:
        raise NotFound("There is no such token.")
    row.revoked_at = now
    session.commit()


def find_user(session: Session, email: str) -> User:
    """Return the user with this email or raise NotFound."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFound(f"No user with email {email}.")
    return user

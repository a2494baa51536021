"""Database tables: users, packs and their cards, and each learner's progress."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that refuses naive datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> Any:
        """Refuse naive datetimes and store aware ones in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> Any:
        """Hand back aware UTC datetimes (SQLite forgets the zone)."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names on SQLite and PostgreSQL."""

    metadata = MetaData(naming_convention=NAMING)


NEW_CARDS_PER_DAY = 20  # a new account's daily limit of new cards


class User(Base):
    """A person with an account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rotated on password change so every other session is logged out.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    desired_retention: Mapped[float] = mapped_column(Float, default=0.9)
    new_cards_per_day: Mapped[int] = mapped_column(Integer, default=NEW_CARDS_PER_DAY)
    max_reviews_per_day: Mapped[int] = mapped_column(Integer, default=200)

    # Flask-Login protocol, kept here so the model needs no Flask import.
    is_active = True
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        """Say that a loaded user is logged in (Flask-Login protocol)."""
        return True

    def get_id(self) -> str:
        """Return the session identity, which changes with the password."""
        return f"{self.id}:{self.session_token}"


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Pack(Base):
    """An imported content pack."""

    __tablename__ = "packs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40), default="1")
    description: Mapped[str] = mapped_column(Text, default="")
    exam: Mapped[dict] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    topics: Mapped[list[Topic]] = relationship(
        back_populates="pack", order_by="Topic.position"
    )


class Topic(Base):
    """A topic of a pack; exam weights are per topic."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("pack_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    weight: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    pack: Mapped[Pack] = relationship(back_populates="topics")


class Note(Base):
    """A page of reading material; its HTML is rendered and sanitized on import."""

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("pack_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    toc: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(255), default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    topic: Mapped[Topic] = relationship()


class Card(Base):
    """A flashcard; `key` is its stable ID (pack + source + key)."""

    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_pack_queue", "pack_id", "retired", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    front_html: Mapped[str] = mapped_column(Text, default="")
    back_html: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    topic: Mapped[Topic] = relationship(lazy="joined")
    note: Mapped[Note | None] = relationship()


class Question(Base):
    """A quiz question; `data` holds its kind-specific parts and answer key."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_pack_topic", "pack_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"))
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)

    topic: Mapped[Topic] = relationship(lazy="joined")
    note: Mapped[Note | None] = relationship()


class StudyChoice(Base):
    """A pack a learner studies, optionally limited to some of its topics."""

    __tablename__ = "study_choices"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    pack_id: Mapped[str] = mapped_column(
        ForeignKey("packs.id", ondelete="CASCADE"), primary_key=True
    )
    # None means every topic of the pack; otherwise a list of topic slugs.
    topics: Mapped[list | None] = mapped_column(JSON)


class CardState(Base):
    """One learner's FSRS memory state of one card (absent while the card is new)."""

    __tablename__ = "card_states"
    __table_args__ = (Index("ix_card_states_user_due", "user_id", "state", "due"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    card_id: Mapped[int] = mapped_column(
        ForeignKey("cards.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[int] = mapped_column(SmallInteger)  # fsrs.State value
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)

    card: Mapped[Card] = relationship()


class DayTally(Base):
    """A learner's running count of today's work, kept so the study page does not
    recount every card on each rating.

    It is valid for one study day and one study scope (`scope_stamp` also covers
    the packs' fingerprints, so an import makes it stale). Ratings adjust it in
    their own transaction; anything else that changes card states deletes it.
    """

    __tablename__ = "day_tallies"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day_start: Mapped[datetime] = mapped_column(UTCDateTime)
    scope_stamp: Mapped[str] = mapped_column(String(64))
    topic_ids: Mapped[list] = mapped_column(JSON)
    note_id: Mapped[int | None] = mapped_column(Integer)
    new_done: Mapped[int] = mapped_column(Integer)
    reviews_done: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    learning_due: Mapped[int] = mapped_column(Integer)
    review_due: Mapped[int] = mapped_column(Integer)
    new_unseen: Mapped[int] = mapped_column(Integer)


class ReviewLog(Base):
    """One rating, appended and never rewritten (undo only marks it undone)."""

    __tablename__ = "review_logs"
    __table_args__ = (
        UniqueConstraint("user_id", "review_id"),
        # Covers the progress figures (ratings per study day, retention), so a
        # learner's 100,000 reviews are counted from the index alone.
        Index(
            "ix_review_logs_user_time_outcome",
            "user_id",
            "reviewed_at",
            "undone",
            "from_quiz",
            "previous_state",
            "rating",
        ),
        Index("ix_review_logs_user_card", "user_id", "card_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    review_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(SmallInteger)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    # The card's state before this rating: 0 new, else an fsrs.State value.
    previous_state: Mapped[int] = mapped_column(SmallInteger, default=0)
    state_before: Mapped[dict | None] = mapped_column(JSON)
    state_after: Mapped[dict] = mapped_column(JSON)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    # A lapse a missed quiz question gave the card: it reschedules the card
    # and shows in its history, but is no rating the learner gave, so it
    # counts toward no daily limit, streak, retention or leaderboard, and
    # Undo in a study session does not take it back.
    from_quiz: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    card: Mapped[Card] = relationship()

    @classmethod
    def counted(cls):
        """The rows that are ratings given while studying: neither undone
        nor a quiz's lapse."""
        return and_(cls.undone.is_(False), cls.from_quiz.is_(False))


class QuizAttempt(Base):
    """One practice quiz or mock exam taken by a learner."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        Index("ix_quiz_attempts_user_status", "user_id", "status"),
        Index("ix_quiz_attempts_user_started", "user_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(16))  # practice | exam | drill
    topics: Mapped[list] = mapped_column(JSON, default=list)
    feedback: Mapped[str] = mapped_column(String(16), default="end")  # end | each
    domc: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timed_out: Mapped[bool] = mapped_column(Boolean, default=False)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    correct_count: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float)
    pass_mark: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    per_topic: Mapped[dict] = mapped_column(JSON, default=dict)

    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position"
    )
    pack: Mapped[Pack] = relationship()


class AttemptItem(Base):
    """One question as shown in an attempt; `key` never leaves the server."""

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    shown: Mapped[dict] = mapped_column(JSON, default=dict)
    key: Mapped[dict] = mapped_column(JSON, default=dict)
    answer: Mapped[Any | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    correct: Mapped[bool | None] = mapped_column(Boolean)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="items")
    question: Mapped[Question] = relationship(lazy="joined")


class Team(Base):
    """A group of learners with managers who assign packs and follow progress."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    leaderboard_enabled: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan", passive_deletes=True
    )


class Membership(Base):
    """A user's place in a team: manager or member."""

    __tablename__ = "team_memberships"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        Index("ix_team_memberships_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="member")  # manager|member
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_from_leaderboard: Mapped[bool] = mapped_column(Boolean, default=False)

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Invite(Base):
    """An invitation to a team: a single-use link (only its hash is stored) or
    one addressed to an email, which that account accepts on its teams page."""

    __tablename__ = "team_invites"
    __table_args__ = (
        Index("ix_team_invites_team", "team_id"),
        Index("ix_team_invites_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    team: Mapped[Team] = relationship()


class Assignment(Base):
    """A pack (or some of its topics) a team should finish by a due date."""

    __tablename__ = "team_assignments"
    __table_args__ = (Index("ix_team_assignments_team", "team_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    # None means the whole pack; otherwise a list of topic slugs.
    topics: Mapped[list | None] = mapped_column(JSON)
    due_on: Mapped[date] = mapped_column(Date)
    goal_all_cards_studied: Mapped[bool] = mapped_column(Boolean, default=True)
    goal_exam_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    pack: Mapped[Pack] = relationship()

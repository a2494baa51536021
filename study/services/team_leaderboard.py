"""The team leaderboard: reviews this study week and best mock exam scores of
the members who did not hide themselves (shown only when a manager turns it on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from study import progress, srs
from study import teams as rules
from study.errors import Conflict
from study.models import Assignment, Membership, QuizAttempt, ReviewLog, Team, User
from study.services.assignments import list_assignments
from study.services.teams import TeamAccess


@dataclass(frozen=True)
class Leaderboards:
    """The team's two boards, of members who did not hide themselves."""

    reviews: list[rules.Ranked]
    exams: list[rules.Ranked]
    since: date


def leaderboards(
    session: Session,
    team: Team,
    team_assignments: list[Assignment],
    now: datetime,
    tz_name: str,
) -> Leaderboards:
    """Rank visible members by reviews this study week and best mock exam score
    on the team's assigned packs."""
    since = rules.week_start(srs.study_date(now, tz_name))
    visible = select(Membership.user_id).where(
        Membership.team_id == team.id,
        Membership.hidden_from_leaderboard.is_(False),
    )
    names = dict(
        session.execute(
            select(User.id, User.display_name).where(User.id.in_(visible))
        ).all()
    )
    reviews = _reviews_since(session, visible, progress.day_start(since, tz_name))
    packs = sorted({a.pack_id for a in team_assignments})
    exams = _best_exams(session, visible, packs)

    def board(rows) -> list[rules.Ranked]:
        return rules.leaderboard(
            rules.BoardEntry(user, names[user], float(value or 0))
            for user, value in rows
            if user in names
        )

    return Leaderboards(board(reviews), board(exams), since)


def shown_leaderboards(
    session: Session, access: TeamAccess, now: datetime, tz_name: str
) -> Leaderboards:
    """Return the boards of a team the viewer may see; Conflict while its
    managers keep the leaderboard off."""
    if not access.team.leaderboard_enabled:
        raise Conflict("This team's leaderboard is off; its managers can turn it on.")
    team_assignments = list_assignments(session, access.team.id)
    return leaderboards(session, access.team, team_assignments, now, tz_name)


def _reviews_since(session: Session, who: Select, start: datetime) -> list:
    return session.execute(
        select(ReviewLog.user_id, func.count())
        .where(
            ReviewLog.user_id.in_(who),
            ReviewLog.reviewed_at >= start,
            ReviewLog.counted(),
        )
        .group_by(ReviewLog.user_id)
    ).all()


def _best_exams(session: Session, who: Select, packs: list[str]) -> list:
    return session.execute(
        select(QuizAttempt.user_id, func.max(QuizAttempt.score))
        .where(
            QuizAttempt.user_id.in_(who),
            QuizAttempt.pack_id.in_(packs),
            QuizAttempt.mode == "exam",
            QuizAttempt.status == "submitted",
        )
        .group_by(QuizAttempt.user_id)
    ).all()

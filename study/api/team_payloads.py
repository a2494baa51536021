"""How the team endpoints show teams, members, assignments and progress rows
as JSON (the same shapes wherever they appear)."""

from __future__ import annotations

from study.models import Assignment, Membership, Team
from study.services import team_progress


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def team_json(team: Team, role: str | None, members: int) -> dict:
    """Return a team as lists show it."""
    return {
        "id": team.id,
        "name": team.name,
        "role": role,
        "member_count": members,
        "leaderboard_enabled": team.leaderboard_enabled,
        "created_at": team.created_at.isoformat(),
    }


def assignment_json(assignment: Assignment) -> dict:
    """Return an assignment: pack, topics (null for the whole pack), due, goals."""
    return {
        "id": assignment.id,
        "pack": assignment.pack_id,
        "topics": assignment.topics,
        "due": assignment.due_on.isoformat(),
        "goals": {
            "all_cards_studied": assignment.goal_all_cards_studied,
            "exam_passed": assignment.goal_exam_passed,
        },
        "created_at": assignment.created_at.isoformat(),
    }


def saved_assignment_json(assignment: Assignment, workload) -> dict:
    """Return an assignment just created or changed, with what its cards take
    (see assignments.Workload): heads_up says when they cannot all be
    studied by the due date at a new account's daily limit."""
    return {
        **assignment_json(assignment),
        "workload": {
            "cards": workload.cards,
            "new_cards_per_day": workload.new_cards_per_day,
            "study_days": workload.study_days,
            "days_left": workload.days_left,
            "heads_up": workload.heads_up,
        },
    }


def member_json(membership: Membership) -> dict:
    """Return a member as the team's managers see them."""
    return {
        "user_id": membership.user_id,
        "display_name": membership.user.display_name,
        "email": membership.user.email,
        "role": membership.role,
        "joined_at": membership.joined_at.isoformat(),
    }


def row_json(row: team_progress.MemberRow) -> dict:
    """Return one member's standing on one assignment."""
    standing = row.standing
    return {
        "user_id": row.user_id,
        "display_name": row.name,
        "email": row.email,
        "role": row.role,
        "cards_studied": standing.cards_studied,
        "cards_total": standing.cards_total,
        "mastery": round(row.mastery, 4),
        "topics": [
            {
                "id": topic.slug,
                "title": topic.title,
                "cards": topic.cards,
                "mastered": topic.mastered,
                "mastery": round(topic.mastery, 4),
            }
            for topic in row.topics
        ],
        "best_exam_score": standing.best_exam,
        "exam_passed": standing.exam_passed,
        "last_active": _iso(row.last_active),
        "progress": round(row.progress, 4),
        "status": row.status,
        "days_left": row.days_left,
    }


def own_row(row: team_progress.MemberRow) -> dict:
    """Return my own standing on one assignment (no email or role)."""
    mine = row_json(row)
    for private in ("email", "role"):
        mine.pop(private)
    return mine


def figures_json(figures: team_progress.TeamAggregate) -> dict:
    """Return a team's figures on one assignment, naming nobody."""
    return {
        "members": figures.members,
        "done": figures.done,
        "on_track": figures.on_track,
        "behind": figures.behind,
        "overdue": figures.overdue,
        "average_studied": round(figures.average_studied, 4),
        "average_progress": round(figures.average_progress, 4),
    }

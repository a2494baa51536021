"""Teams through the service layer, on a real database: roles, invites,
assignments, the manager's figures (in a fixed number of queries) and the board."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from study.errors import Conflict, Forbidden, Invalid, NotFound
from study.extensions import db
from study.models import (
    Card,
    CardState,
    Invite,
    Membership,
    Pack,
    Team,
    Topic,
    User,
)
from study.services import (
    assignments,
    team_invites,
    team_leaderboard,
    team_progress,
    teams,
)
from study.teams import BEHIND, DONE, ON_TRACK, OVERDUE
from tests import team_helpers as helpers
from tests.conftest import at
from tests.team_helpers import add_user

NOW = at(2026, 3, 10, 12, 0)


@pytest.fixture
def people(ctx, starter):
    """A manager, two members-to-be, an outsider and a site admin (ids)."""
    return {
        "manager": add_user("manager@example.com", "Mia Manager").id,
        "ann": add_user("ann@example.com", "Ann").id,
        "bob": add_user("bob@example.com", "Bob").id,
        "outsider": add_user("out@example.com", "Otto").id,
        "admin": add_user("admin@example.com", "Ada Admin", is_admin=True).id,
    }


@pytest.fixture
def who(ctx, people):
    """Load a person of the fixture by name."""
    return lambda name: db.session.get(User, people[name])


@pytest.fixture
def team(who):
    """A team of the manager with Ann and Bob as members."""
    created = teams.create_team(db.session, who("manager"), "Platform crew", NOW)
    for name in ("ann", "bob"):
        _invite, token = team_invites.create_link_invite(
            db.session, who("manager"), created.id, NOW
        )
        team_invites.join_by_token(db.session, who(name), token, NOW)
    return created.id


def spec(**changes):
    values = {"pack": "starter", "due": date(2026, 3, 20)}
    return assignments.AssignmentSpec(**{**values, **changes})


def study(user, count, now=NOW):
    helpers.study(user, count, now)


def exam(user, score, passed, when=NOW):
    helpers.exam(user, score, passed, when)


# --- creating and seeing teams --------------------------------------------------


def test_creator_becomes_the_manager(who):
    created = teams.create_team(db.session, who("ann"), "  Docker   101 ", NOW)
    access = teams.visible_team(db.session, who("ann"), created.id)
    assert created.name == "Docker 101"
    assert access.role == "manager" and access.is_manager
    assert created.leaderboard_enabled is False


@pytest.mark.parametrize("name", ["", "   ", None, 7, "x" * 81])
def test_team_needs_a_sensible_name(who, name):
    with pytest.raises(Invalid):
        teams.create_team(db.session, who("ann"), name, NOW)


def test_outsiders_cannot_tell_a_team_exists(who, team):
    with pytest.raises(NotFound) as missing:
        teams.visible_team(db.session, who("outsider"), team)
    with pytest.raises(NotFound) as nonexistent:
        teams.visible_team(db.session, who("outsider"), team + 1000)
    assert missing.value.message == nonexistent.value.message
    for bad in (True, "1", 2**40, 0, -1):
        with pytest.raises(NotFound):
            teams.visible_team(db.session, who("manager"), bad)


def test_members_may_look_but_not_manage(who, team):
    access = teams.visible_team(db.session, who("ann"), team)
    assert access.role == "member" and not access.is_manager
    with pytest.raises(Forbidden):
        teams.members(db.session, access)
    with pytest.raises(Forbidden):
        team_invites.create_link_invite(db.session, who("ann"), team, NOW)
    with pytest.raises(Forbidden):
        assignments.create_assignment(db.session, who("ann"), team, spec(), NOW)
    with pytest.raises(Forbidden):
        teams.update_team(db.session, who("ann"), team, leaderboard_enabled=True)


def test_my_teams_lists_only_my_own(who, team):
    teams.create_team(db.session, who("outsider"), "Elsewhere", NOW)
    mine = teams.my_teams(db.session, who("ann"))
    assert [(s.team.name, s.role, s.members) for s in mine] == [
        ("Platform crew", "member", 3)
    ]
    assert teams.my_teams(db.session, who("admin")) == []


def test_site_admin_sees_and_manages_every_team(who, team):
    teams.create_team(db.session, who("outsider"), "Elsewhere", NOW)
    names = [s.team.name for s in teams.all_teams(db.session, who("admin"))]
    assert names == ["Elsewhere", "Platform crew"]
    access = teams.managed_team(db.session, who("admin"), team)
    assert access.is_manager and access.role is None
    assignments.create_assignment(db.session, who("admin"), team, spec(), NOW)
    teams.set_role(db.session, who("admin"), team, who("ann").id, "manager")
    with pytest.raises(Forbidden):
        teams.all_teams(db.session, who("manager"))


# --- invites ------------------------------------------------------------------


def test_invite_link_works_once_and_stores_only_a_hash(who, team):
    invite, token = team_invites.create_link_invite(
        db.session, who("manager"), team, NOW
    )
    assert invite.expires_at == NOW + timedelta(days=7)
    stored = db.session.scalars(select(Invite.token_hash)).all()
    assert token not in stored and team_invites.token_hash(token) in stored
    joined = team_invites.join_by_token(db.session, who("outsider"), token, NOW)
    assert joined.team.id == team and not joined.already_member
    assert teams.visible_team(db.session, who("outsider"), team).role == "member"
    with pytest.raises(Conflict, match="already used"):
        team_invites.join_by_token(db.session, who("admin"), token, NOW)


def test_invite_link_expires(who, team):
    _invite, token = team_invites.create_link_invite(
        db.session, who("manager"), team, NOW, days=2
    )
    with pytest.raises(Conflict, match="expired"):
        team_invites.join_by_token(
            db.session, who("outsider"), token, NOW + timedelta(2)
        )
    with pytest.raises(Invalid):
        team_invites.create_link_invite(db.session, who("manager"), team, NOW, days=31)


@pytest.mark.parametrize("token", ["", "short", "x" * 200, None, 12345678])
def test_unknown_tokens_are_refused(who, team, token):
    with pytest.raises(NotFound):
        team_invites.join_by_token(db.session, who("outsider"), token, NOW)
    with pytest.raises(NotFound):
        team_invites.join_by_token(db.session, who("outsider"), "a-made-up-token", NOW)


def test_a_member_using_a_link_again_does_not_use_it_up(who, team):
    _invite, token = team_invites.create_link_invite(
        db.session, who("manager"), team, NOW
    )
    again = team_invites.join_by_token(db.session, who("ann"), token, NOW)
    assert again.already_member
    assert not team_invites.join_by_token(
        db.session, who("outsider"), token, NOW
    ).already_member


def test_email_invitation_waits_for_its_addressee(who, team):
    invite = team_invites.invite_by_email(
        db.session, who("manager"), team, "OUT@example.com", NOW
    )
    assert invite.email == "out@example.com" and invite.token_hash is None
    assert team_invites.my_invitations(db.session, who("admin"), NOW) == []
    with pytest.raises(NotFound):
        team_invites.accept_invitation(db.session, who("admin"), invite.id, NOW)
    pending = team_invites.my_invitations(db.session, who("outsider"), NOW)
    assert [i.team.name for i in pending] == ["Platform crew"]
    joined = team_invites.accept_invitation(db.session, who("outsider"), invite.id, NOW)
    assert joined.team.id == team
    with pytest.raises(NotFound):
        team_invites.accept_invitation(db.session, who("outsider"), invite.id, NOW)


def test_email_invitation_can_be_declined_or_withdrawn(who, team):
    first = team_invites.invite_by_email(
        db.session, who("manager"), team, "out@example.com", NOW
    )
    team_invites.decline_invitation(db.session, who("outsider"), first.id, NOW)
    assert team_invites.my_invitations(db.session, who("outsider"), NOW) == []
    second = team_invites.invite_by_email(
        db.session, who("manager"), team, "out@example.com", NOW
    )
    team_invites.revoke_invite(db.session, who("manager"), team, second.id)
    assert team_invites.my_invitations(db.session, who("outsider"), NOW) == []


def test_email_invites_do_not_reveal_who_has_an_account(who, team):
    known = team_invites.invite_by_email(
        db.session, who("manager"), team, "out@example.com", NOW
    )
    unknown = team_invites.invite_by_email(
        db.session, who("manager"), team, "nobody@example.com", NOW
    )
    assert type(known) is type(unknown) and unknown.email == "nobody@example.com"
    with pytest.raises(Conflict):
        team_invites.invite_by_email(
            db.session, who("manager"), team, "ann@example.com", NOW
        )
    with pytest.raises(Invalid):
        team_invites.invite_by_email(
            db.session, who("manager"), team, "not an email", NOW
        )


# --- leaving, removing, roles ----------------------------------------------------


def test_member_leaves(who, team):
    assert teams.leave_team(db.session, who("ann"), team) is False
    with pytest.raises(NotFound):
        teams.visible_team(db.session, who("ann"), team)


def test_last_manager_must_hand_over_before_leaving(who, team):
    with pytest.raises(Conflict, match="manager"):
        teams.leave_team(db.session, who("manager"), team)
    teams.set_role(db.session, who("manager"), team, who("ann").id, "manager")
    assert teams.leave_team(db.session, who("manager"), team) is False
    assert teams.visible_team(db.session, who("ann"), team).is_manager


def test_last_member_leaving_deletes_the_team(who):
    alone = teams.create_team(db.session, who("ann"), "Solo", NOW).id
    assignments.create_assignment(db.session, who("ann"), alone, spec(), NOW)
    assert teams.leave_team(db.session, who("ann"), alone) is True
    assert db.session.get(Team, alone) is None


def test_admin_outside_a_team_cannot_leave_it(who, team):
    with pytest.raises(Conflict):
        teams.leave_team(db.session, who("admin"), team)


def test_manager_removes_members_but_never_the_last_manager(who, team):
    teams.remove_member(db.session, who("manager"), team, who("bob").id)
    with pytest.raises(NotFound):
        teams.visible_team(db.session, who("bob"), team)
    with pytest.raises(NotFound):
        teams.remove_member(db.session, who("manager"), team, who("bob").id)
    with pytest.raises(Conflict):
        teams.remove_member(db.session, who("manager"), team, who("manager").id)
    with pytest.raises(Forbidden):
        teams.remove_member(db.session, who("ann"), team, who("manager").id)
    with pytest.raises(NotFound):
        teams.remove_member(db.session, who("outsider"), team, who("ann").id)


def test_promote_and_demote_keep_one_manager(who, team):
    ann = who("ann").id
    promoted = teams.set_role(db.session, who("manager"), team, ann, "manager")
    assert promoted.role == "manager"
    teams.set_role(db.session, who("ann"), team, who("manager").id, "member")
    with pytest.raises(Conflict):
        teams.set_role(db.session, who("ann"), team, ann, "member")
    with pytest.raises(Invalid):
        teams.set_role(db.session, who("ann"), team, ann, "owner")
    managers = db.session.scalar(
        select(func.count()).where(
            Membership.team_id == team, Membership.role == "manager"
        )
    )
    assert managers == 1


def test_delete_team_takes_its_invites_and_assignments(who, team):
    team_invites.create_link_invite(db.session, who("manager"), team, NOW)
    assignments.create_assignment(db.session, who("manager"), team, spec(), NOW)
    with pytest.raises(Forbidden):
        teams.delete_team(db.session, who("ann"), team)
    teams.delete_team(db.session, who("manager"), team)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Invite)) == 0
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


# --- assignments ------------------------------------------------------------------


def test_assignment_keeps_pack_topics_due_and_goals(who, team):
    made = assignments.create_assignment(
        db.session,
        who("manager"),
        team,
        spec(topics=["extras"], due="2026-04-01", exam_passed=True),
        NOW,
    )
    assert (made.pack_id, made.topics, made.due_on) == (
        "starter",
        ["extras"],
        date(2026, 4, 1),
    )
    assert made.goal_all_cards_studied and made.goal_exam_passed
    every = assignments.create_assignment(
        db.session, who("manager"), team, spec(topics=["basics", "extras"]), NOW
    )
    assert every.topics is None  # every topic ticked: the whole pack


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pack": None}, "Choose a pack"),
        ({"pack": ""}, "Choose a pack"),
        ({"topics": ["nope"]}, "Unknown topic"),
        ({"topics": "basics"}, "topics must be a list"),
        ({"due": "2026-03-09"}, "past"),
        ({"due": "31/12/2026"}, "date like"),
        ({"due": "2040-01-01"}, "within"),
        ({"due": None}, "date like"),
        ({"all_cards_studied": False}, "at least one goal"),
        ({"exam_passed": "yes"}, "true or false"),
    ],
)
def test_bad_assignments_are_refused(who, team, changes, message):
    with pytest.raises(Invalid, match=message):
        assignments.create_assignment(
            db.session, who("manager"), team, spec(**changes), NOW
        )


def test_unknown_packs_and_exam_goals_without_an_exam(who, team):
    with pytest.raises(NotFound):
        assignments.create_assignment(
            db.session, who("manager"), team, spec(pack="nope"), NOW
        )
    db.session.get(Pack, "starter").exam = {}
    db.session.commit()
    with pytest.raises(Conflict, match="no mock exam"):
        assignments.create_assignment(
            db.session, who("manager"), team, spec(exam_passed=True), NOW
        )


def test_update_keeps_a_past_due_date_but_refuses_a_new_one(who, team):
    made = assignments.create_assignment(db.session, who("manager"), team, spec(), NOW)
    later = NOW + timedelta(days=30)
    assignments.update_assignment(
        db.session, who("manager"), team, made.id, spec(exam_passed=True), later
    )
    assert made.goal_exam_passed
    with pytest.raises(Invalid, match="past"):
        assignments.update_assignment(
            db.session, who("manager"), team, made.id, spec(due="2026-03-25"), later
        )


def test_assignments_of_another_team_are_not_found(who, team):
    other = teams.create_team(db.session, who("outsider"), "Elsewhere", NOW)
    theirs = assignments.create_assignment(
        db.session, who("outsider"), other.id, spec(), NOW
    )
    with pytest.raises(NotFound):
        assignments.delete_assignment(db.session, who("manager"), team, theirs.id)
    with pytest.raises(NotFound):
        assignments.update_assignment(
            db.session, who("manager"), team, theirs.id, spec(), NOW
        )


# --- the manager's figures -----------------------------------------------------


def progress_rows(who, team, now=NOW):
    found = db.session.get(Team, team)
    items = assignments.list_assignments(db.session, team)
    views = team_progress.team_progress(db.session, found, items, now, "UTC")
    return {row.name: row for row in views[0].rows}


def test_rows_count_studied_cards_mastery_exams_and_activity(who, team):
    assignments.create_assignment(
        db.session, who("manager"), team, spec(exam_passed=True), NOW
    )
    ann, bob = who("ann"), who("bob")
    study(ann, 13)
    study(bob, 3, now=NOW - timedelta(days=1))
    # Two of Ann's Basics cards are now remembered for a month or more.
    basics = select(Card.id).join(Topic).where(Topic.slug == "basics")
    states = db.session.scalars(
        select(CardState)
        .where(CardState.user_id == ann.id, CardState.card_id.in_(basics))
        .order_by(CardState.card_id)
    ).all()
    for state in states[:2]:
        state.stability = 30.0
    db.session.commit()
    exam(ann, 50.0, False, NOW - timedelta(days=3))
    exam(ann, 80.0, True, NOW - timedelta(days=2))
    rows = progress_rows(who, team)
    assert rows["Ann"].standing.cards_studied == 13
    assert rows["Ann"].standing.cards_total == 13
    assert rows["Ann"].standing.best_exam == 80.0 and rows["Ann"].standing.exam_passed
    assert rows["Ann"].status == DONE
    mastered = {t.slug: (t.mastered, t.cards) for t in rows["Ann"].topics}
    assert mastered == {"basics": (2, 7), "extras": (0, 6)}
    assert rows["Ann"].mastery == pytest.approx(2 / 13)
    assert [t.slug for t in rows["Ann"].topics] == ["basics", "extras"]
    assert rows["Ann"].last_active == NOW
    assert rows["Bob"].standing.cards_studied == 3
    assert rows["Bob"].last_active == NOW - timedelta(days=1)
    assert rows["Bob"].standing.best_exam is None
    assert rows["Mia Manager"].last_active is None


def test_topic_scope_counts_only_its_topics(who, team):
    assignments.create_assignment(
        db.session, who("manager"), team, spec(topics=["extras"]), NOW
    )
    study(who("ann"), 13)
    row = progress_rows(who, team)["Ann"]
    assert [t.slug for t in row.topics] == ["extras"]
    assert row.standing.cards_total == row.standing.cards_studied == 6


def test_statuses_follow_progress_and_the_calendar(who, team):
    assignments.create_assignment(
        db.session, who("manager"), team, spec(due=date(2026, 3, 20)), NOW
    )
    study(who("ann"), 13)
    study(who("bob"), 2)
    midway = progress_rows(who, team, NOW + timedelta(days=5))
    assert midway["Ann"].status == DONE
    assert midway["Bob"].status == BEHIND
    assert progress_rows(who, team)["Bob"].status == ON_TRACK
    late = progress_rows(who, team, NOW + timedelta(days=11))
    assert late["Bob"].status == OVERDUE and late["Ann"].status == DONE


def test_retired_cards_do_not_count(who, team):
    assignments.create_assignment(db.session, who("manager"), team, spec(), NOW)
    study(who("ann"), 2)
    first = db.session.scalar(select(Card).order_by(Card.position).limit(1))
    first.retired = True
    db.session.commit()
    row = progress_rows(who, team)["Ann"]
    assert (row.standing.cards_studied, row.standing.cards_total) == (1, 12)


def count_statements(action) -> int:
    statements = []

    def note(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return len(statements)


def test_manager_view_queries_do_not_grow_with_the_team(app, who, team):
    assignments.create_assignment(db.session, who("manager"), team, spec(), NOW)
    assignments.create_assignment(
        db.session, who("manager"), team, spec(topics=["basics"]), NOW
    )
    found = db.session.get(Team, team)

    def view():
        db.session.expire_all()
        items = assignments.list_assignments(db.session, team)
        team_progress.team_progress(db.session, found, items, NOW, "UTC")

    small = count_statements(view)
    for number in range(6):
        user = User(
            email=f"extra{number}@example.com",
            password_hash="x",
            session_token="t",
            display_name=f"Extra {number}",
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(team_id=team, user_id=user.id, role="member"))
        db.session.commit()
        study(user, 4)
        exam(user, 40.0 + number, False)
    assert count_statements(view) == small <= 10


def test_my_assignments_show_my_own_standing_unfinished_first(who, team):
    assignments.create_assignment(db.session, who("manager"), team, spec(), NOW)
    assignments.create_assignment(
        db.session, who("manager"), team, spec(topics=["extras"], due="2026-03-12"), NOW
    )
    assignments.create_assignment(
        db.session, who("manager"), team, spec(topics=["basics"], due="2026-03-15"), NOW
    )
    study(who("ann"), 7)  # the Basics topic: done
    mine = team_progress.my_assignments(db.session, who("ann"), NOW)
    assert [(m.assignment.topics, m.rows[0].status) for m in mine] == [
        (["extras"], ON_TRACK),
        (None, ON_TRACK),
        (["basics"], DONE),
    ]
    assert all(len(m.rows) == 1 and m.rows[0].name == "Ann" for m in mine)
    assert mine[0].days_left == 2
    assert team_progress.my_assignments(db.session, who("outsider"), NOW) == []


def test_aggregate_names_nobody(who, team):
    assignments.create_assignment(db.session, who("manager"), team, spec(), NOW)
    study(who("ann"), 13)
    rows = list(progress_rows(who, team).values())
    summary = team_progress.aggregate(rows)
    assert (summary.members, summary.done, summary.on_track) == (3, 1, 2)
    assert summary.average_studied == pytest.approx(1 / 3)


# --- leaderboard ----------------------------------------------------------------


def test_leaderboard_counts_this_weeks_reviews_and_respects_hiding(who, team):
    assignments.create_assignment(db.session, who("manager"), team, spec(), NOW)
    study(who("ann"), 5)  # Tuesday of this week
    study(who("bob"), 8, now=NOW - timedelta(days=7))  # last week
    exam(who("bob"), 70.0, True)
    found = db.session.get(Team, team)
    items = assignments.list_assignments(db.session, team)
    boards = team_leaderboard.leaderboards(db.session, found, items, NOW, "UTC")
    assert [(r.entry.name, r.entry.value) for r in boards.reviews] == [("Ann", 5)]
    assert [(r.entry.name, r.entry.value) for r in boards.exams] == [("Bob", 70.0)]
    assert boards.since == date(2026, 3, 9)
    teams.set_leaderboard_hidden(db.session, who("bob"), team, True)
    boards = team_leaderboard.leaderboards(db.session, found, items, NOW, "UTC")
    assert boards.exams == []
    with pytest.raises(Conflict):
        teams.set_leaderboard_hidden(db.session, who("admin"), team, True)
    with pytest.raises(Invalid):
        teams.set_leaderboard_hidden(db.session, who("ann"), team, "yes")

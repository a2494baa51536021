"""Forms of the team pages; every one carries a CSRF token."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from study.services.teams import MAX_NAME
from study.web.forms import Form, email_address


class TeamForm(Form):
    """Create or rename a team."""

    name = StringField(
        "Team name",
        validators=[DataRequired("Give the team a name."), Length(max=MAX_NAME)],
    )


class TeamSettingsForm(Form):
    """Rename a team and turn its leaderboard on or off."""

    name = StringField(
        "Team name",
        validators=[DataRequired("Give the team a name."), Length(max=MAX_NAME)],
    )
    leaderboard_enabled = BooleanField(
        "Show a leaderboard to the team",
        description="Reviews this week and best mock exam scores. Members can "
        "hide themselves from it.",
    )


class JoinForm(Form):
    """Join a team with an invite link or its code."""

    link = StringField(
        "Invite link",
        validators=[DataRequired("Paste the invite link."), Length(max=500)],
        description="Paste the whole link a manager gave you.",
    )


class EmailInviteForm(Form):
    """Invite an account by its email address."""

    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address."),
            Length(max=254),
            email_address,
        ],
        description="They will find the invitation on their Teams page.",
    )


class AssignmentForm(Form):
    """Assign a pack (or some of its topics) with a due date and a goal."""

    pack = SelectField("Pack", validators=[DataRequired("Choose a pack.")])
    # Topic checkboxes are drawn by the template, grouped by pack ("pack:slug").
    due = DateField(
        "Due date",
        validators=[DataRequired("Choose a due date like 2026-05-31.")],
        format="%Y-%m-%d",
    )
    goal_all_cards_studied = BooleanField("Every card studied at least once")
    goal_exam_passed = BooleanField("Mock exam passed")

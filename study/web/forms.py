"""Forms for the pages; every one carries a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange

from study.services.accounts import MIN_PASSWORD_LENGTH

LENGTH = f"Use at least {MIN_PASSWORD_LENGTH} and at most 200 characters."


class RegisterForm(FlaskForm):
    """Create an account."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Name shown to your team", validators=[Length(max=80)])
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=LENGTH),
        ],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
    )
    timezone = HiddenField(default="UTC")


class LoginForm(FlaskForm):
    """Log in."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    """Change the password."""

    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField(
        "New password",
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=LENGTH),
        ],
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("new", "The passwords differ.")],
    )


class SettingsForm(FlaskForm):
    """Study settings."""

    display_name = StringField(
        "Display name", validators=[DataRequired(), Length(max=80)]
    )
    desired_retention = DecimalField(
        "Desired retention",
        places=2,
        validators=[DataRequired(), NumberRange(0.70, 0.97)],
        description="How likely you want to be to remember a card when it is due "
        "(0.70 to 0.97). Higher means more reviews.",
    )
    new_cards_per_day = IntegerField(
        "New cards per day", validators=[NumberRange(0, 9999)]
    )
    max_reviews_per_day = IntegerField(
        "Maximum reviews per day", validators=[NumberRange(0, 99999)]
    )
    timezone = StringField(
        "Time zone",
        validators=[DataRequired(), Length(max=64)],
        description="A name such as Europe/Berlin or America/New_York.",
    )


class RatingForm(FlaskForm):
    """Rate the card shown (the no-JavaScript path)."""

    card = HiddenField(validators=[DataRequired(), Length(max=255)])
    review_id = HiddenField(validators=[DataRequired(), Length(min=8, max=64)])
    duration_ms = HiddenField(default="0")


class ButtonForm(FlaskForm):
    """A POST-only button that still carries a CSRF token."""

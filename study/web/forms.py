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
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    ValidationError,
)

from study.services.accounts import (
    EMAIL_HINT,
    MIN_PASSWORD_LENGTH,
    ZONE_HINT,
    canonical_zone,
    is_email,
    normalize_email,
)

LENGTH = f"Use at least {MIN_PASSWORD_LENGTH} and at most 200 characters."


class Form(FlaskForm):
    """A page form. Its CSRF field has no id: a page often holds several forms
    (a button each), and an element id may appear only once on a page."""

    class Meta:
        def render_field(self, field, render_kw):
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


ZONE_LIST_ID = "time-zones"


def email_address(form, field) -> None:
    """Refuse, next to the field, text that is not shaped like an email address."""
    if field.data and not is_email(normalize_email(field.data)):
        raise ValidationError(EMAIL_HINT)


def time_zone(form, field) -> None:
    """Accept a known time zone in any letter case and keep its usual spelling."""
    zone = canonical_zone(field.data)
    if zone is None:
        raise ValidationError(ZONE_HINT)
    field.data = zone


class RegisterForm(Form):
    """Create an account."""

    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254), email_address]
    )
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


class LoginForm(Form):
    """Log in."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class PasswordForm(Form):
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


class SettingsForm(Form):
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
        validators=[DataRequired(ZONE_HINT), Length(max=64), time_zone],
        description="A name such as Europe/Berlin or America/New_York.",
        render_kw={"list": ZONE_LIST_ID, "autocomplete": "off", "spellcheck": "false"},
    )


class RatingForm(Form):
    """Rate the card shown (the no-JavaScript path)."""

    card = HiddenField(validators=[DataRequired(), Length(max=255)])
    review_id = HiddenField(validators=[DataRequired(), Length(min=8, max=64)])
    duration_ms = HiddenField(default="0")


class ButtonForm(Form):
    """A POST-only button that still carries a CSRF token."""

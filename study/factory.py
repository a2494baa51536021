"""The application factory: configuration, extensions, blueprints, error pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
)
from flask.globals import request_ctx
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from study.config import PROJECT_ROOT, load_config
from study.errors import DomainError
from study.extensions import csrf, db, limiter, login_manager, migrate
from study.pool_ping import ping_on_checkout
from study.web.assets import register_assets


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the Shipshape app."""
    app = Flask(
        "study",
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    # Before any route is added: ids in URLs stay within what a row can hold.
    app.url_map.converters["int"] = DatabaseId
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_proxy_fix(app)
    app.session_interface = SessionInterface()
    register_cli(app)
    register_template_filters(app)
    register_assets(app)
    return app


class DatabaseId(IntegerConverter):
    """An `<int:...>` URL part: a larger number than an id column holds is a 404
    (SQLite and PostgreSQL would otherwise fail on it with a server error)."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_template_filters(app: Flask) -> None:
    """Add the filters `local_time` (a UTC time in the learner's own zone),
    `one_line` (a card's Markdown as one short line of safe HTML),
    `quiz_mode` (Practice quiz, Weak-topic drill or Mock exam) and `thousands`
    (a whole number with thousands separators: 1,169)."""
    from flask_login import current_user
    from markupsafe import Markup

    from study import markdown, srs

    @app.template_filter("one_line")
    def one_line(text: str, length: int = 90) -> Markup:
        return Markup(markdown.one_line(text, length))  # noqa: S704 - escaped by one_line

    @app.template_filter("thousands")
    def thousands(number: int) -> str:
        return f"{number:,}"

    @app.template_filter("quiz_mode")
    def quiz_mode(mode: str) -> str:
        from study.quiz.present import mode_name

        return mode_name(mode)

    @app.template_filter("local_time")
    def local_time(moment):
        if moment is None:
            return ""
        name = current_user.timezone if current_user.is_authenticated else "UTC"
        local = moment.astimezone(srs.zone(name))
        return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or "")


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, login, CSRF and rate limits to the app."""
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's own, so it runs first.
    app.teardown_appcontext(end_session_quietly)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            ping_on_checkout(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."
    csrf.init_app(app)
    limiter.init_app(app)

    from study.api.auth import user_from_bearer_token
    from study.web.auth import load_user

    login_manager.user_loader(load_user)
    login_manager.request_loader(user_from_bearer_token)


def end_session_quietly(_error: BaseException | None = None) -> None:
    """End the request's database session; if the database went away after
    the request's last statement (the rollback that ends a read fails), the
    answer already made still goes out, and the dead connection is dropped.

    Flask-SQLAlchemy's own teardown would let that failure turn a finished
    request into a server error."""
    try:
        db.session.remove()
    except (OperationalError, InterfaceError) as error:
        current_app.logger.warning("database gone at the end of a request: %s", error)
        db.session.registry.clear()  # the session failed to close: drop it


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Turn on foreign keys, WAL and a busy timeout for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    """Attach the page and API blueprints."""
    from study.api import bp as api_bp
    from study.web import auth, main, notes, progress, quiz, settings, study, teams

    for blueprint in (main.bp, auth.bp, study.bp, settings.bp, notes.bp, quiz.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(progress.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(api_bp)

    @app.get("/healthz")
    def healthz():
        """Say whether the app and its database answer."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            db.session.rollback()
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    csrf.exempt(healthz)


def wants_json() -> bool:
    """Say whether the current request should get a JSON error."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == (
        "application/json"
    )


def error_response(status: int, code: str, message: str):
    """Return an error as JSON for the API and as a page for people."""
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    if request_ctx.url_adapter is None:
        # The request named a host outside TRUSTED_HOSTS: no link can be built,
        # so the page's template cannot be shown.
        return Response(message, status, mimetype="text/plain"), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Map domain exceptions and HTTP errors to pages and JSON errors."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return error_response(error.status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        # The limiter's own text ("10 per 1 minute") reads like a bug to people.
        message = TOO_MANY if error.code == 429 else error.description or ""
        response = error_response(error.code or 500, code, message)
        # Keep what the error says about the resource (Allow on a 405, ...).
        extra = [(k, v) for k, v in error.get_headers() if k != "Content-Type"]
        return (*response, extra) if extra else response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error: Exception):
        # The database is restarting, unreachable or too busy: nothing was
        # saved, and the same request can be sent again (ratings carry their
        # review id, so a retry never counts twice).
        app.logger.warning("database unavailable: %s", type(error).__name__)
        try:
            db.session.rollback()
        except SQLAlchemyError:
            db.session.close()
        response = error_response(503, "unavailable", UNAVAILABLE)
        return (*response, [("Retry-After", "2")])

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("unhandled error", exc_info=error)
        db.session.rollback()
        return error_response(500, "server_error", "Something went wrong on our side.")


TOO_MANY = "Too many attempts. Wait a minute, then try again."
UNAVAILABLE = (
    "The database is not answering right now (it may be restarting). "
    "Nothing was saved; try again in a moment."
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_bytes() -> None:
    """Refuse text containing NUL characters, which PostgreSQL cannot store."""
    query = request.query_string
    # A NUL reaches the query's values only from %00 or a raw one, so the
    # query is decoded only then (%2500 is a plain "%00"); the form is looked
    # at only when there is one, sparing every other request its parse.
    nul = "\x00" in request.path
    if not nul and (b"%00" in query or b"\x00" in query):
        nul = _holds_nul(request.args)
    if not nul and request.mimetype in FORM_TYPES:
        nul = _holds_nul(request.form)
    if nul:
        raise DomainError("Text may not contain NUL characters.")


def _holds_nul(fields) -> bool:
    """Whether any name or value of a query or form (every value of a repeated
    name too) contains a NUL character."""
    return any("\x00" in f"{name}{value}" for name, value in fields.items(multi=True))


def register_security_headers(app: Flask) -> None:
    """Send the security and caching headers with every response."""
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        # Pages and API answers show one learner's state at one moment: never
        # keep them, so Back fetches the study page afresh instead of showing
        # a card already rated (static files set their own, long, caching).
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


HSTS = "max-age=31536000"


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is Secure whenever HTTPS is in use."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Build the cookie's serializer once per set of keys, not on every
        request (Flask builds one each time, even when no cookie came)."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the cookie Secure when configured or when this request is HTTPS."""
        https = has_request_context() and request.is_secure
        return bool(super().get_cookie_secure(app) or https)


def register_proxy_fix(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto only from TRUSTED_PROXIES reverse proxies.

    Without it (the default) those headers are ignored, so nobody can dodge the
    per-address login limit by sending a made-up X-Forwarded-For."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_cli(app: Flask) -> None:
    """Add the `users`, `content` and `export` command groups."""
    from study.cli import register

    register(app)

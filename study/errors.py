"""Small domain exceptions; the web layer maps them to pages and JSON errors."""


class DomainError(Exception):
    """A request the app understood but cannot carry out."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(DomainError):
    """The input is malformed or out of range."""

    status = 400
    code = "invalid"


class NotFound(DomainError):
    """The thing asked for does not exist (or is not the asker's to see)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The asker may not do this."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (e.g. a card not due)."""

    status = 409
    code = "conflict"

"""Domain errors carry a Chinese message for people and map to HTTP status and CLI exit codes."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a request the domain refuses. Nothing has been written when it is raised."""

    http_status = 400
    exit_code = 2
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        body = {"code": self.code, "detail": self.message}
        if self.field:
            body["field"] = self.field
        return body


class ValidationFailed(DomainError):
    http_status = 422
    exit_code = 2
    code = "validation_failed"


class NotFound(DomainError):
    http_status = 404
    exit_code = 3
    code = "not_found"


class InvalidTransition(DomainError):
    http_status = 409
    exit_code = 4
    code = "invalid_transition"


class Conflict(DomainError):
    http_status = 409
    exit_code = 4
    code = "conflict"


class Unauthenticated(DomainError):
    http_status = 401
    exit_code = 5
    code = "unauthenticated"


class PermissionDenied(DomainError):
    http_status = 403
    exit_code = 5
    code = "permission_denied"


class TooManyRequests(DomainError):
    """A rate limit (per address, phone or tracking code) refused the request; it was counted, nothing else changed."""

    http_status = 429
    exit_code = 4
    code = "too_many_requests"


CONCURRENT_CHANGE = "工单已被他人同时修改，请刷新后重试"


class ConcurrentChange(Conflict):
    """Someone else changed the record first (a lost race); the caller reloads and decides again."""

    code = "conflict"

    def __init__(self, message: str = CONCURRENT_CHANGE, *, field: str | None = None):
        super().__init__(message, field=field)


# Database answers that mean "another transaction won": PostgreSQL serialization failure / deadlock / lock not
# available, and SQLite's busy database.
_LOST_RACE_CODES = frozenset({"40001", "40P01", "55P03"})
_LOST_RACE_TEXT = ("database is locked", "deadlock detected", "could not serialize access")


def translate(error: BaseException) -> DomainError | None:
    """The domain's reading of an infrastructure error, or None when it is a real fault (a 500 / crash log)."""
    if isinstance(error, DomainError):
        return error
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(error, StaleDataError):
        return ConcurrentChange()
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        text = str(error.orig).lower()
        if code in _LOST_RACE_CODES or any(part in text for part in _LOST_RACE_TEXT):
            return ConcurrentChange()
    return None

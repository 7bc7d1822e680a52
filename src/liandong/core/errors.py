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

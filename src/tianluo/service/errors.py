"""Errors the service answers with: JSON, a 4xx status for the caller's mistakes, no stack trace.

ServiceError (500)
 ├── InvalidInput (422)       a field's value is refused: names the field
 ├── Unauthenticated (401)    no valid session or token
 ├── Forbidden (403)          the role or agency does not allow it
 ├── NotFound (404)
 ├── Conflict (409)           the state does not allow it (already exists, wrong status)
 └── TooManyAttempts (429)    log-in throttled
"""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        error.update(self.extra)
        return {"error": error}


class InvalidInput(ServiceError):
    status = 422
    code = "invalid_input"


class Unauthenticated(ServiceError):
    status = 401
    code = "unauthenticated"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class TooManyAttempts(ServiceError):
    status = 429
    code = "too_many_attempts"


class NotRecorded(ServiceError):
    status = 503
    code = "not_recorded"

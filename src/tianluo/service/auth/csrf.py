"""CSRF protection for browser forms: the double-submit cookie.

A browser that logged in holds two cookies: the session (HTTP-only) and ``tianluo_csrf``
(readable by the page). A state-changing request authenticated by the session cookie must
repeat the CSRF value in the ``X-CSRF-Token`` header or a ``csrf_token`` form field. Requests
with a bearer token carry no ambient authority and need none.
"""

from __future__ import annotations

import hmac
import secrets

SESSION_COOKIE = "tianluo_session"
CSRF_COOKIE = "tianluo_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_matches(cookie_value: str | None, submitted: str | None) -> bool:
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(cookie_value, submitted)

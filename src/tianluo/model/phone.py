"""Telephone numbers: mainland mobiles and the other numbers seen in call records."""

from __future__ import annotations

import re

MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-().]")
_PREFIXES = ("+86", "0086")


def normalise_mobile(raw: str | None) -> str | None:
    """An 11-digit mainland mobile, or None when the text is not one.

    ``+86``/``0086`` prefixes, spaces, dashes, dots and brackets are stripped.
    """
    if raw is None:
        return None
    text = _SEPARATORS.sub("", str(raw))
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text if MOBILE.match(text) else None

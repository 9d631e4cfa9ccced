"""Identity numbers and phones are shown masked unless a user with the right asks to unmask.

A masked value keeps what an analyst needs to tell people apart at a glance (the region
and the last digits); a *reference* (``ref``) names the same person in a URL without the
number: an HMAC of it under the service's secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    """``450103199001011234`` → ``450103********1234``."""
    if len(value) == 18:
        return f"{value[:6]}********{value[-4:]}"
    return (
        "*" * len(value) if len(value) <= 4 else f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"
    )


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(value) == 11:
        return f"{value[:3]}****{value[-4:]}"
    return "*" * len(value)


def mask_text(text: str) -> str:
    """Free text (reasons, paths) with every identity number and phone in it masked."""
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)[-4:]}", text)
    return PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_account(value: str) -> str:
    """A bank account or card: ``6217000007919218066`` → ``6217***********8066``.

    Pseudo accounts such as cash machines (``CASH-...``) name no one and stay as they are.
    """
    if not value[:1].isdigit() or len(value) <= 8:
        return value
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_value(value: str) -> str:
    """An identifier of unknown kind: masked as an identity number, a phone, or left alone."""
    if ID_NUMBER.fullmatch(value):
        return mask_id_number(value)
    if PHONE.fullmatch(value):
        return mask_phone(value)
    return mask_text(value)


class Masker:
    """Applies or skips masking for one response, and makes references to persons."""

    def __init__(self, key: str, *, unmasked: bool) -> None:
        self._key = key.encode()
        self.unmasked = unmasked

    def value(self, value: str | None) -> str | None:
        if value is None or self.unmasked:
            return value
        return mask_value(value)

    def text(self, text: str | None) -> str | None:
        if text is None or self.unmasked:
            return text
        return mask_text(text)

    def account(self, value: str | None) -> str | None:
        if value is None or self.unmasked:
            return value
        return mask_account(value)

    def ref(self, value: str) -> str:
        return person_ref(self._key, value)


def person_ref(key: bytes, value: str) -> str:
    return "p_" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:20]

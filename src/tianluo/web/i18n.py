"""The workbench's two languages: Chinese by default, English on request.

Each page keeps its labels in ``locales/<page>.json`` as ``{"key": {"zh": ..., "en": ...}}``;
the files are merged once. A label missing in a language falls back to the key itself,
so a forgotten translation shows up on the page instead of failing it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from starlette.requests import Request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_COOKIE = "tianluo_lang"

Translate = Callable[..., str]


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every label of every page: ``{key: {language: text}}``."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("tianluo.web") / "locales"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            labels: dict[str, dict[str, str]] = json.loads(entry.read_text(encoding="utf-8"))
            merged.update(labels)
    return merged


def language_of(request: Request) -> str:
    """``?lang=`` if given, else the language cookie, else Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def translator(language: str) -> Translate:
    """``t("alerts.title")`` or ``t("alerts.count", n=3)`` in ``language``."""
    labels = catalogue()

    def translate(key: str, **values: Any) -> str:
        text = labels.get(key, {}).get(language) or key
        return text.format(**values) if values else text

    return translate

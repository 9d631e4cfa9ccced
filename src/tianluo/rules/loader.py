"""Read the analyst-readable rules file into typed, validated thresholds.

The rules shipped with the package (``default.yaml``) hold every key. A user's
file (``Settings.rules_file``) is laid over them: the keys it sets win, the keys
it leaves out keep their shipped value, and a key or value that is wrong stops
the program with a message naming the file and the key.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tianluo.rules.models import Rules


class RulesError(ValueError):
    """A rules file that cannot be read, or that holds an unknown key or a bad value."""


def default_rules_path() -> Path:
    """Where the rules shipped with the package live (a copy to start from)."""
    return Path(str(resources.files("tianluo.rules").joinpath("default.yaml")))


def load_rules(path: Path | None = None) -> Rules:
    """The rules in force: the shipped defaults, overridden by the file at ``path`` if given."""
    shipped = default_rules_path()
    merged = _read_mapping(shipped)
    source = shipped
    if path is not None and Path(path).resolve() != shipped.resolve():
        source = Path(path)
        merged = _overlay(merged, _read_mapping(source))
    try:
        return Rules.model_validate(merged)
    except ValidationError as exc:
        raise RulesError(_describe(source, exc)) from None


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"rules file {path}: cannot be read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise RulesError(f"rules file {path}: not valid YAML{line}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RulesError(f"rules file {path}: must be a mapping of sections, not a list or value")
    return data


def _overlay(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it, section by section (lists are replaced whole)."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = _overlay(current, value)
        else:
            merged[key] = value
    return merged


def _describe(path: Path, exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        got = "" if error["type"] == "extra_forbidden" else f" (got {error.get('input')!r})"
        problems.append(f"{key}: {message}{got}")
    return f"rules file {path}: " + "; ".join(problems)

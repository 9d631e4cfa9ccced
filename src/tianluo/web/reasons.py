"""The detectors' reasons in the analyst's language.

Detectors write their reasons in English, one finding per part, parts joined by "; "
(``53 members in 7 levels (...); organiser 341271********1039; fees collected 327,200 yuan``).
The catalogue of what they write lives with the other labels, in ``locales/reasons.json``:
one ``reason.<family>.<name>`` label per sentence, whose ``en`` text is the detector's own
format string (``"organiser {organiser}"``) and whose ``zh`` text says the same with the
same placeholders. A data file rather than code, so that whoever words the Chinese edits
it next to the page labels, and so that ``t("reason.org_alert.organiser", organiser=...)``
works like any label.

The English side is read as a pattern: its fixed text must match exactly, and each
``{name}`` takes whatever stands there, which is carried into the Chinese as it is (a
number, a masked identity number, an address, a site id; masking happens before). A
placeholder named ``reason`` holds a nested reason, rendered in turn (the suspect score's
bracket note that follows the last reason); one named ``disposition`` is a seizure's
disposition code, shown with its ``actions.disposition.<code>`` label. When two templates
fit, the one with more fixed text wins (``known den site {site} {distance} m away`` before
``known den site {site}``). A reason that no template fits is shown as written: English is
better than a dropped or garbled finding.

Two other kinds of English on the pages read the same way, as families of their own: the
entries of a person's timeline (``reason.timeline.*``: ``gate in at SC00006``, written by
``service.analysis.persons.timeline``, whose JSON keeps the English) and the evidence of
each upline→member link (``reason.link.*``: ``3 calls with upline; paid upline 1 time
(3,200 yuan)``, written by ``detectors.pyramid.recruitment`` and ``organizations``).

``tests/web/test_reasons.py`` runs every reason the detectors write on the test city
through the catalogue, and ``tests/web/test_timeline_text.py`` every timeline entry and
link evidence, so a new sentence fails there until it is added here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from string import Formatter

from tianluo.web.i18n import catalogue

PREFIX = "reason."
"""Labels whose key starts so are reason templates."""

NESTED = "reason"
"""The placeholder holding a reason inside a reason (rendered in turn)."""

VALUE_LABELS = {"disposition": "actions.disposition.{}"}
"""Placeholders whose value is a code with a label of its own."""

OPENING = "([（"
CLOSING = ")]）"


@dataclass(frozen=True, slots=True)
class ReasonTemplate:
    """One sentence a detector writes: its pattern and its text in each language."""

    key: str
    pattern: re.Pattern[str]
    texts: dict[str, str]
    fixed: int  # characters of fixed text: the more, the more specific


def _compile(key: str, texts: dict[str, str]) -> ReasonTemplate:
    pattern: list[str] = []
    fixed = 0
    for text, field, _spec, _conversion in Formatter().parse(texts["en"]):
        pattern.append(re.escape(text))
        fixed += len(text)
        if field is not None:
            pattern.append(f"(?P<{field}>.+?)")
    return ReasonTemplate(key, re.compile("".join(pattern), re.DOTALL), texts, fixed)


@cache
def templates() -> tuple[ReasonTemplate, ...]:
    """The catalogue, the most specific template first."""
    found = [_compile(key, texts) for key, texts in catalogue().items() if key.startswith(PREFIX)]
    return tuple(sorted(found, key=lambda t: (-t.fixed, t.key)))


def split_reasons(text: str | None) -> list[str]:
    """A result's reasons, one per finding.

    Parts are joined by "; ", but a part may hold "; " inside brackets ("(a median 17 m
    from it; they err by about 17 m)"), so only a semicolon outside brackets splits. Text
    whose brackets do not pair is split at every semicolon.
    """
    parts: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(text or ""):
        if char in OPENING:
            depth += 1
        elif char in CLOSING:
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            parts.append((text or "")[start:i])
            start = i + 1
    if depth:
        return [p.strip() for p in (text or "").split(";") if p.strip()]
    parts.append((text or "")[start:])
    return [p.strip() for p in parts if p.strip()]


def match(text: str) -> tuple[ReasonTemplate, dict[str, str]] | None:
    """The template that fits one reason and the values it holds; None if none fits."""
    for template in templates():
        found = template.pattern.fullmatch(text)
        if found is not None:
            return template, found.groupdict()
    return None


def known(text: str) -> bool:
    """Whether the catalogue has this reason (and the reason nested in it, if any)."""
    found = match(text.strip())
    if found is None:
        return False
    _, values = found
    return NESTED not in values or known(values[NESTED])


def render_reason(text: str, language: str) -> str:
    """One reason in ``language``: as written for English or when no template fits."""
    if language == "en":
        return text
    found = match(text.strip())
    if found is None or not found[0].texts.get(language):
        return text
    template, values = found
    if NESTED in values:
        values[NESTED] = render_reason(values[NESTED], language)
    labels = catalogue()
    for name, label in VALUE_LABELS.items():
        if name in values:
            values[name] = labels.get(label.format(values[name]), {}).get(language) or values[name]
    return template.texts[language].format(**values)


def render_reasons(text: str | None, language: str) -> list[str]:
    """A result's reasons, one per finding, each in ``language``."""
    return [render_reason(part, language) for part in split_reasons(text)]


def reasons_line(text: str | None, language: str) -> str:
    """A result's reasons on one line (a table cell) in ``language``."""
    if language == "en":
        return text or ""
    return "；".join(render_reasons(text, language))

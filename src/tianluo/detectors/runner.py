"""Run every detector that the loaded sources allow, in dependency order.

A detector declares the lake sources and the derived tables it needs; the
runner skips (and says why) any whose inputs are absent. Later issues add
their detectors to ``DETECTORS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from tianluo.detectors.presence import write_daily_presence
from tianluo.detectors.residency_rule import residency_rule
from tianluo.engine import Engine
from tianluo.rules import Rules

DetectorFn = Callable[[Engine, Rules], Path]


@dataclass(frozen=True, slots=True)
class Detector:
    """One detector: what it needs, what it writes, and the function that runs it."""

    name: str
    description: str
    sources: tuple[str, ...]
    derived: tuple[str, ...]
    output: str
    run: DetectorFn


@dataclass
class RunReport:
    """What `tianluo run` did: detectors run (rows, seconds) and skipped (why)."""

    engine: str
    ran: list[tuple[str, int, float]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _presence(engine: Engine, rules: Rules) -> Path:
    return write_daily_presence(engine)


def _residency_rule(engine: Engine, rules: Rules) -> Path:
    presence = engine.read_parquet(
        engine.workspace.derived_path("presence_daily"), "presence_daily"
    )
    path = engine.workspace.derived_path("residency_rule")
    return engine.write_parquet(residency_rule(presence, rules.residency), path)


DETECTORS: tuple[Detector, ...] = (
    Detector(
        "presence_daily",
        "per person and local day: in the city, smallest distance to each kind of watched site",
        ("pings", "phones", "sites"),
        (),
        "presence_daily",
        _presence,
    ),
    Detector(
        "residency_rule",
        "the bare 云觅 residency rule (the baseline every suspect score must beat)",
        (),
        ("presence_daily",),
        "residency_rule",
        _residency_rule,
    ),
)


def _rows(path: Path) -> int:
    files = [path] if path.is_file() else sorted(path.glob("*.parquet"))
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def run_detectors(
    engine: Engine,
    rules: Rules,
    on_start: Callable[[Detector], None] | None = None,
) -> RunReport:
    """Run each detector whose inputs are present; report what ran and what was skipped."""
    report = RunReport(engine=engine.kind)
    produced: set[str] = set()
    for detector in DETECTORS:
        missing = [s for s in detector.sources if not engine.has_source(s)]
        missing += [d for d in detector.derived if d not in produced]
        if missing:
            report.skipped.append((detector.name, "needs " + ", ".join(missing)))
            continue
        if on_start is not None:
            on_start(detector)
        started = time.perf_counter()
        path = detector.run(engine, rules)
        report.ran.append((detector.name, _rows(path), round(time.perf_counter() - started, 2)))
        produced.add(detector.output)
    return report

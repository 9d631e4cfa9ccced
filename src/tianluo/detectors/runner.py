"""Run every detector that the loaded sources allow, in dependency order.

A detector declares the lake sources and the earlier outputs it needs; the
runner skips (and says why) any whose inputs are absent. The order is: shared
steps (daily presence), each family's detectors (pyramid selling, fraud), and
last the alert queue, which gathers the ``alerts_<family>`` tables they wrote.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from tianluo.detectors.detector import Detector
from tianluo.detectors.fraud import FRAUD_DETECTORS
from tianluo.detectors.outputs import forget_alerts, gather_alerts, write_result_from
from tianluo.detectors.presence import write_daily_presence
from tianluo.detectors.pyramid import PYRAMID_DETECTORS
from tianluo.engine import Engine
from tianluo.resolve import resolve
from tianluo.rules import Rules


@dataclass
class RunReport:
    """What `tianluo run` did: detectors run (rows, seconds) and skipped (why)."""

    engine: str
    ran: list[tuple[str, int, float]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _resolve(engine: Engine, rules: Rules) -> Path:
    resolve(engine)
    return engine.workspace.result_path("person_keys")


RESOLVE = Detector(
    "person_keys",
    "entity resolution: every person-naming record of every source joined to one person key",
    (),
    (),
    "person_keys",
    _resolve,
)


def _presence(engine: Engine, rules: Rules) -> Path:
    return write_daily_presence(engine)


def _alerts(engine: Engine, rules: Rules) -> Path:
    return write_result_from(engine, "alerts", gather_alerts(engine))


SHARED_DETECTORS: tuple[Detector, ...] = (
    Detector(
        "presence_daily",
        "per person and local day: in the city, smallest distance to each kind of watched site",
        ("pings", "phones", "sites"),
        (),
        "presence_daily",
        _presence,
    ),
)

ALERT_QUEUE = Detector(
    "alerts",
    "the analysts' queue: every family's alerts, highest score first",
    (),
    (),
    "alerts",
    _alerts,
)

DETECTORS: tuple[Detector, ...] = (
    RESOLVE,  # first: every detector reads person keys from it (detectors.keys)
    *SHARED_DETECTORS,
    *PYRAMID_DETECTORS,
    *FRAUD_DETECTORS,
    ALERT_QUEUE,
)


def _rows(path: Path) -> int:
    files = [path] if path.is_file() else sorted(path.glob("*.parquet"))
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def _already_written(engine: Engine, detector: Detector) -> bool:
    workspace = engine.workspace
    return (
        workspace.derived_path(detector.output).exists()
        or workspace.result_path(detector.output).exists()
    )


def run_detectors(
    engine: Engine,
    rules: Rules,
    on_start: Callable[[Detector], None] | None = None,
    only: Collection[str] | None = None,
) -> RunReport:
    """Run each detector whose inputs are present; report what ran and what was skipped.

    With ``only``, just the named detectors run (say, the dens after their rules were
    edited); what the others wrote in an earlier run stands in for their output.
    """
    if only is not None:
        unknown = sorted(set(only) - {d.name for d in DETECTORS})
        if unknown:
            names = ", ".join(d.name for d in DETECTORS)
            raise ValueError(f"no detector named {', '.join(unknown)} (there are: {names})")
    report = RunReport(engine=engine.kind)
    produced: set[str] = set()
    if only is None:
        forget_alerts(engine.workspace)
    for detector in DETECTORS:
        if only is not None and detector.name not in only:
            if _already_written(engine, detector):
                produced.add(detector.output)
            continue
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

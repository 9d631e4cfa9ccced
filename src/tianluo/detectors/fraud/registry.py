"""The fraud detectors, in the order they depend on each other."""

from __future__ import annotations

from pathlib import Path

from tianluo.detectors.detector import Detector
from tianluo.detectors.fraud.mules import write_mule_accounts
from tianluo.detectors.fraud.numbers import write_fraud_numbers
from tianluo.detectors.fraud.traces import write_traces
from tianluo.detectors.fraud.warning import write_victim_warnings
from tianluo.engine import Engine
from tianluo.rules import Rules


def _traces(engine: Engine, rules: Rules) -> Path:
    return write_traces(engine, rules.fraud)


def _numbers(engine: Engine, rules: Rules) -> Path:
    return write_fraud_numbers(engine, rules.fraud)


def _mules(engine: Engine, rules: Rules) -> Path:
    return write_mule_accounts(engine, rules.fraud)


def _warnings(engine: Engine, rules: Rules) -> Path:
    return write_victim_warnings(engine, rules.fraud)


FRAUD_DETECTORS: tuple[Detector, ...] = (
    Detector(
        "fraud_traces",
        "fund trace of every reported transfer: who holds the money now, ranked for freezing",
        ("transactions",),
        (),
        "traces",
        _traces,
    ),
    Detector(
        "fraud_numbers",
        "numbers that dial strangers all day from young SIMs and shared handsets",
        ("calls",),
        (),
        "fraud_numbers",
        _numbers,
    ),
    Detector(
        "mule_accounts",
        "new accounts that pass money on within hours, to other mules or cash machines",
        ("transactions",),
        ("traces",),
        "mule_accounts",
        _mules,
    ),
    Detector(
        "victim_warnings",
        "people called by a flagged number who then pay a new payee: call them back now",
        ("calls", "transactions", "accounts", "phones"),
        ("fraud_numbers",),
        "alerts_fraud_warnings",
        _warnings,
    ),
)

"""The fraud detectors, in the order they depend on each other."""

from __future__ import annotations

from tianluo.detectors.detector import Detector

FRAUD_DETECTORS: tuple[Detector, ...] = ()

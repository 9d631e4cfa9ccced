"""Telecom- and financial-fraud detectors (the Xiamen centre): numbers, mules, traces."""

from tianluo.detectors.fraud.registry import FRAUD_DETECTORS

__all__ = ["FRAUD_DETECTORS"]

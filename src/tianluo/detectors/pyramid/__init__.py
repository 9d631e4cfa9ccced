"""Pyramid-selling detectors (the Nanning systems): residency, suspects, dens, organisations."""

from tianluo.detectors.pyramid.registry import PYRAMID_DETECTORS

__all__ = ["PYRAMID_DETECTORS"]

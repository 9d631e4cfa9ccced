"""Analyst tools that are not detectors: questions an analyst asks of the lake on demand."""

from tianluo.analysis.collision import (
    Collision,
    CollisionError,
    CollisionTotals,
    KeyKind,
    Side,
    collide,
    save_hits,
)

__all__ = [
    "Collision",
    "CollisionError",
    "CollisionTotals",
    "KeyKind",
    "Side",
    "collide",
    "save_hits",
]

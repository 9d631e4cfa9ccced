"""Placing sleepers in flats: dens sharing a compound stay apart, a lone tenant's flat is no den."""

from __future__ import annotations

import numpy as np

from tianluo.detectors.pyramid.den_mixture import night_error, place_sleepers

ERROR_M = 8.0


def _around(centre: tuple[float, float], n: int, radius_m: float = ERROR_M) -> np.ndarray:
    """``n`` night locations on a circle around a flat, one error away."""
    angle = 2 * np.pi * (np.arange(n) + 0.5) / n
    return np.asarray(centre) + radius_m * np.column_stack([np.cos(angle), np.sin(angle)])


def _compound() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two dens 40 m apart (6 and 5 sleepers), a lone tenant's flat near both, a den far off."""
    flats = np.array([[0.0, 0.0], [40.0, 0.0], [20.0, 15.0]])
    sleepers = np.vstack(
        [
            _around((0.0, 0.0), 6),
            _around((40.0, 0.0), 5),
            _around((20.0, 15.0), 1),
            _around((600.0, 600.0), 4),  # nobody registered or reported this one
        ]
    )
    tenant_of = np.full(len(sleepers), -1, np.int64)
    tenant_of[[0, 6, 11]] = [0, 1, 2]
    return sleepers, flats, tenant_of


def test_dens_in_one_compound_keep_their_flats_and_a_lone_tenant_does_not_make_a_den() -> None:
    sleepers, flats, tenant_of = _compound()
    placement = place_sleepers(
        sleepers,
        np.full(len(sleepers), ERROR_M),
        np.ones(len(sleepers)),
        flats,
        tenant_of,
        np.full(len(flats), 3.0),
        reach=3.0,
    )
    assert placement.kept.tolist() == [True, True, False]
    # the lone tenant's flat is dropped, so they are placed in the nearest den
    assert placement.flat[:12].tolist() == [0] * 6 + [1] * 5 + [0]
    assert (placement.flat[12:] == -1).all()  # out of reach of every flat: left to chain
    assert placement.expected.tolist() == [7.0, 5.0, 0.0]


def test_every_kept_flat_gets_the_sleepers_it_needs() -> None:
    """Seven sleepers between two flats 12 m apart: neither flat is left with too few."""
    flats = np.array([[0.0, 0.0], [12.0, 0.0]])
    sleepers = _around((6.0, 0.0), 7)
    placement = place_sleepers(
        sleepers,
        np.full(len(sleepers), ERROR_M),
        np.ones(len(sleepers)),
        flats,
        np.full(len(sleepers), -1, np.int64),
        np.array([3.0, 3.0]),
        reach=3.0,
    )
    assert placement.kept.all()  # 3.5 expected in each
    assert np.bincount(placement.flat, minlength=2).min() >= 3


def test_the_error_is_learnt_from_tenants_or_falls_back_to_the_rule() -> None:
    rng = np.random.default_rng(7)
    offsets = rng.normal(0.0, 12.0, (400, 2))
    distance = np.hypot(offsets[:, 0], offsets[:, 1])
    pings = np.full(400, 30.0)
    learnt = night_error(distance, pings, pings, default_m=99.0)
    assert abs(learnt.metres - 12.0) < 1.5 and learnt.tenants > 300
    fallback = night_error(distance[:3], pings[:3], pings, default_m=15.0)
    assert fallback.metres == 15.0 and fallback.tenants == 0
    assert learnt.of(np.array([120.0]))[0] == learnt.metres / 2  # four times the pings

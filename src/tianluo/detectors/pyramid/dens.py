"""Dens (窝点): dwellings where suspects from other provinces sleep together.

From the suspect profile (``suspects``): every out-of-province person scoring at
least ``member_min_score`` is placed at their night location. Sleepers within
``cluster_radius_m`` of each other are chained into groups (single linkage);
a group of ``min_members`` or more is a den. Its place is the registered rental
of one of its members when one lies within ``rental_snap_m`` of the group's
centre (the exact flat, with its address), otherwise the centre itself.

Score: the members' mean suspect score, raised (noisy-OR) when a known den
site lies within the tip radius (0.5), when a citizen's tip was made nearby
(0.3), and for a registered tenant who does not account for the rest (0.2).
Reasons cite the members, their provinces, the rental, the site and the tips.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

from tianluo.detectors.pyramid.coresidence import coresident_pairs, local_metres
from tianluo.detectors.pyramid.suspect_model import noisy_or
from tianluo.engine import Engine
from tianluo.model.regions import provinces
from tianluo.rules.models import DenRules

KNOWN_SITE_STRENGTH = 0.5
TIP_STRENGTH = 0.3


def den_groups(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], rules: DenRules
) -> npt.NDArray[np.int64]:
    """A group number per sleeper (single linkage within the radius); -1 if its group is small."""
    n = len(lat)
    if n == 0:
        return np.zeros(0, np.int64)
    pairs = coresident_pairs(lat, lon, rules.cluster_radius_m)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    big = sizes[labels] >= rules.min_members
    # number groups by their first member, so the same sleepers give the same numbers
    out = np.full(n, -1, np.int64)
    order: dict[int, int] = {}
    for i in np.flatnonzero(big):
        out[i] = order.setdefault(int(labels[i]), len(order))
    return out


def _nearest_within(
    lat: float, lon: float, points: pd.DataFrame, radius_m: float
) -> tuple[int, float] | None:
    """The row of ``points`` (lat, lon) nearest to a place, if within ``radius_m``."""
    if points.empty:
        return None
    plane = local_metres(
        np.append(points["lat"].to_numpy(np.float64), lat),
        np.append(points["lon"].to_numpy(np.float64), lon),
    )
    distance = np.hypot(*(plane[:-1] - plane[-1]).T)
    best = int(np.argmin(distance))
    return (best, float(distance[best])) if distance[best] <= radius_m else None


def _table(engine: Engine, source: str, columns: list[str]) -> pd.DataFrame:
    if not engine.has_source(source):
        return pd.DataFrame(columns=columns)
    table = engine.source(source)
    present = [c for c in columns if c in table.columns]
    frame = engine.to_arrow(table.select(*present)).to_pandas()
    for column in set(columns) - set(present):
        frame[column] = None
    located: pd.DataFrame = frame.dropna(subset=["lat", "lon"])
    return located


def find_dens(engine: Engine, profile: pd.DataFrame, rules: DenRules) -> pd.DataFrame:
    """One row per den: id, place, members (person keys), score, reasons, address."""
    sleepers = profile[
        (profile["score"] >= rules.member_min_score)
        & (profile["out_of_province"] > 0)
        & profile["night_lat"].notna()
    ].reset_index(drop=True)
    groups = den_groups(
        sleepers["night_lat"].to_numpy(np.float64),
        sleepers["night_lon"].to_numpy(np.float64),
        rules,
    )
    rentals = _table(engine, "rentals", ["tenant_id_number", "address", "lat", "lon", "start_date"])
    sites = _table(engine, "sites", ["site_id", "kind", "lat", "lon"])
    known = sites[sites["kind"] == "den"].reset_index(drop=True)
    tips = _table(engine, "reports", ["report_id", "lat", "lon"])
    rows = []
    for number in range(int(groups.max()) + 1 if len(groups) else 0):
        members = sleepers[groups == number].sort_values("person_key")
        rows.append(_den(number, members, rentals, known, tips, rules))
    return pd.DataFrame(
        rows, columns=["den_id", "lat", "lon", "members", "score", "reasons", "address"]
    )


def _den(  # noqa: PLR0917 (one den's evidence, each from its own source)
    number: int,
    members: pd.DataFrame,
    rentals: pd.DataFrame,
    known: pd.DataFrame,
    tips: pd.DataFrame,
    rules: DenRules,
) -> tuple[object, ...]:
    lat = float(members["night_lat"].mean())
    lon = float(members["night_lon"].mean())
    keys = members["person_key"].astype(str).tolist()
    evidence = [f"{len(keys)} suspects from other provinces sleep here"]
    origins = pd.Series([provinces().get(k[:2], k[:2]) for k in keys]).value_counts()
    evidence.append("from " + ", ".join(f"{name} {n}" for name, n in origins.items()))
    address = None
    theirs = rentals[rentals["tenant_id_number"].isin(keys)]
    snapped = _nearest_within(lat, lon, theirs.reset_index(drop=True), rules.rental_snap_m)
    tenant_strength = 0.0
    if snapped is not None:
        rental = theirs.iloc[snapped[0]]
        lat, lon, address = float(rental["lat"]), float(rental["lon"]), str(rental["address"])
        evidence.append(f"rented by member {rental['tenant_id_number']} ({address})")
        tenant_strength = 0.2
    site = _nearest_within(lat, lon, known, rules.tip_radius_m)
    site_strength = 0.0
    if site is not None:
        evidence.append(f"known den site {known.iloc[site[0]]['site_id']} {site[1]:.0f} m away")
        site_strength = KNOWN_SITE_STRENGTH
    tip = _nearest_within(lat, lon, tips, rules.tip_radius_m)
    tip_strength = 0.0
    if tip is not None:
        evidence.append(f"citizen's tip {tips.iloc[tip[0]]['report_id']} {tip[1]:.0f} m away")
        tip_strength = TIP_STRENGTH
    mean = float(members["score"].mean())
    score = noisy_or(
        np.array([mean]),
        np.array([site_strength]),
        np.array([tip_strength]),
        np.array([tenant_strength]),
    )[0]
    evidence.append(f"members' mean suspect score {mean:.2f}")
    return (
        f"DEN-{number + 1:05d}",
        round(lat, 6),
        round(lon, 6),
        keys,
        round(float(score), 6),
        "; ".join(evidence),
        address,
    )


def dens_result(dens: pd.DataFrame) -> pa.Table:
    """The contract's ``dens`` (members as a list of person keys), highest score first."""
    dens = dens.sort_values(["score", "den_id"], ascending=[False, True])
    return pa.table(
        {
            "den_id": pa.array(dens["den_id"].tolist(), pa.string()),
            "lat": pa.array(dens["lat"].to_numpy(np.float64), pa.float64()),
            "lon": pa.array(dens["lon"].to_numpy(np.float64), pa.float64()),
            "members": pa.array(dens["members"].tolist(), pa.list_(pa.string())),
            "score": pa.array(dens["score"].to_numpy(np.float64), pa.float64()),
            "reasons": pa.array(dens["reasons"].tolist(), pa.string()),
            "address": pa.array(
                [a if isinstance(a, str) else None for a in dens["address"]], pa.string()
            ),
        }
    )

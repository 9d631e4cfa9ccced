"""Dens (窝点): flats where several suspects from other provinces sleep.

*Sleepers* are the out-of-province people of the suspect profile scoring at
least ``member_min_score``, each at their night location (``activity``). A den is
a flat, and the feeds name flats (``den_flats``): the sleepers' own rentals, den
sites already known, citizens' tips that name a flat. Several dens often share
one compound, tens of metres apart, closer than night locations tell apart, so
chaining sleepers by distance merges them. Instead the sleepers are placed in the
named flats (``den_mixture``): a mixture with one component per flat at its exact
place, fitted by expectation-maximisation, its error learnt from how far tenants
sleep from the flat they rent. A flat where the suspects expected to sleep (each
counted by their score) reach ``min_members`` is a den, at the flat's place and
address; a flat already listed as a den or named in a tip needs only
``reported_min_members``. A suspect's own rental beside a den, which only its
tenant explains, is not a den: its tenant is placed in the den nearby. Sleepers
out of reach of every kept flat (``reach_errors`` times their error) are chained
within ``cluster_radius_m`` of each other; a chain expecting ``min_members`` is a
den that nobody registered or reported, placed at its members' centre.

Score: the members' mean suspect score, raised (noisy-OR) by a known den site at
the flat (0.5), a citizen's tip naming it (0.3), a member renting it for the rest
(0.2) and members passing their compound gate together on ``gate_min_days`` days
or more (0.2, ``den_gates``). Reasons cite the members, their provinces, how many
suspects are expected in the flat, the rental, the site, the tips and the gate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

from tianluo.detectors.pyramid.coresidence import coresident_pairs, local_metres
from tianluo.detectors.pyramid.den_flats import candidate_flats
from tianluo.detectors.pyramid.den_gates import GateCompany, gate_company
from tianluo.detectors.pyramid.den_mixture import NightError, night_error, place_sleepers
from tianluo.detectors.pyramid.suspect_model import noisy_or
from tianluo.engine import Engine
from tianluo.model.regions import provinces
from tianluo.rules.models import DenRules

KNOWN_SITE_STRENGTH = 0.5
TIP_STRENGTH = 0.3
TENANT_STRENGTH = 0.2
GATE_STRENGTH = 0.2
DEN_COLUMNS = ["den_id", "lat", "lon", "members", "score", "reasons", "address"]


@dataclass(frozen=True, slots=True)
class _Den:
    """One den before it is written: its place, its sleepers (rows) and its flat (row)."""

    lat: float
    lon: float
    members: npt.NDArray[np.int64]
    flat: int | None
    expected: float


def den_sleepers(profile: pd.DataFrame, rules: DenRules) -> pd.DataFrame:
    """The suspects from other provinces placed at their night location."""
    sleepers: pd.DataFrame = profile[
        (profile["score"] >= rules.member_min_score)
        & (profile["out_of_province"] > 0)
        & profile["night_lat"].notna()
        & profile["night_lon"].notna()
    ]
    return sleepers.sort_values("person_key").reset_index(drop=True)


def den_groups(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
    rules: DenRules,
) -> npt.NDArray[np.int64]:
    """A group number per sleeper, chained within the radius; -1 if its group is too light.

    A group needs ``min_members`` expected suspects: the sum of its members' ``weight``.
    """
    n = len(lat)
    if n == 0:
        return np.zeros(0, np.int64)
    pairs = coresident_pairs(lat, lon, rules.cluster_radius_m)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    mass = np.bincount(labels, weights=weight)
    heavy = mass[labels] >= rules.min_members
    # number groups by their first member, so the same sleepers give the same numbers
    out = np.full(n, -1, np.int64)
    order: dict[int, int] = {}
    for i in np.flatnonzero(heavy):
        out[i] = order.setdefault(int(labels[i]), len(order))
    return out


def find_dens(engine: Engine, profile: pd.DataFrame, rules: DenRules) -> pd.DataFrame:
    """One row per den: id, place, members (person keys), score, reasons, address."""
    sleepers = den_sleepers(profile, rules)
    keys = sleepers["person_key"].astype(str).tolist()
    flats = candidate_flats(engine, keys)
    n = len(sleepers)
    plane = local_metres(
        np.concatenate(
            [sleepers["night_lat"].to_numpy(np.float64), flats["lat"].to_numpy(np.float64)]
        ),
        np.concatenate(
            [sleepers["night_lon"].to_numpy(np.float64), flats["lon"].to_numpy(np.float64)]
        ),
    )
    pings = sleepers["night_pings"].to_numpy(np.float64)
    tenant_of = _tenancy(keys, flats, plane[:n], plane[n:])
    error = _night_error(tenant_of, plane[:n], plane[n:], pings, rules)
    weight = sleepers["score"].to_numpy(np.float64)
    placement = place_sleepers(
        plane[:n],
        error.of(pings),
        weight,
        plane[n:],
        tenant_of,
        _need(flats, rules),
        rules.reach_errors,
    )
    dens = [
        _Den(
            float(flats["lat"].iloc[j]),
            float(flats["lon"].iloc[j]),
            np.flatnonzero(placement.flat == j),
            int(j),
            float(placement.expected[j]),
        )
        for j in np.flatnonzero(placement.kept)
    ]
    dens += _unnamed_dens(sleepers, np.flatnonzero(placement.flat < 0), error, rules)
    gates = gate_company(
        engine,
        {k: [keys[i] for i in den.members] for k, den in enumerate(dens)},
        rules.gate_together_s,
    )
    rows = [
        _row(k, den, sleepers, flats, plane, error, gates.get(k), rules)
        for k, den in enumerate(dens)
    ]
    return pd.DataFrame(rows, columns=DEN_COLUMNS)


def _need(flats: pd.DataFrame, rules: DenRules) -> npt.NDArray[np.float64]:
    """Per flat, the suspects it must expect: fewer when it is a known den site or tipped."""
    reported = flats["site_id"].notna().to_numpy() | (flats["tips"].map(len).to_numpy() > 0)
    need = np.where(reported, rules.reported_min_members, rules.min_members)
    return need.astype(np.float64)


def _tenancy(
    keys: list[str],
    flats: pd.DataFrame,
    sleepers: npt.NDArray[np.float64],
    places: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Per sleeper, the flat they rent (the nearest, if several), else -1."""
    row = {key: i for i, key in enumerate(keys)}
    tenant_of = np.full(len(keys), -1, np.int64)
    best = np.full(len(keys), np.inf)
    for j, tenants in enumerate(flats["tenants"]):
        for key in tenants:
            i = row[key]
            distance = float(np.hypot(*(sleepers[i] - places[j])))
            if distance < best[i]:
                tenant_of[i], best[i] = j, distance
    return tenant_of


def _night_error(
    tenant_of: npt.NDArray[np.int64],
    sleepers: npt.NDArray[np.float64],
    places: npt.NDArray[np.float64],
    pings: npt.NDArray[np.float64],
    rules: DenRules,
) -> NightError:
    tenants = np.flatnonzero(tenant_of >= 0)
    offset = sleepers[tenants] - places[tenant_of[tenants]]
    distance = np.hypot(offset[:, 0], offset[:, 1])
    return night_error(distance, pings[tenants], pings, rules.night_error_m)


def _unnamed_dens(
    sleepers: pd.DataFrame, rows: npt.NDArray[np.int64], error: NightError, rules: DenRules
) -> list[_Den]:
    """Dens of sleepers out of reach of every den flat: chained, placed at their centre."""
    left = sleepers.iloc[rows]
    lat = left["night_lat"].to_numpy(np.float64)
    lon = left["night_lon"].to_numpy(np.float64)
    weight = left["score"].to_numpy(np.float64)
    groups = den_groups(lat, lon, weight, rules)
    precision = 1.0 / error.of(left["night_pings"].to_numpy(np.float64)) ** 2
    dens = []
    for number in range(int(groups.max()) + 1 if len(groups) else 0):
        mine = groups == number
        w = precision[mine] / precision[mine].sum()
        dens.append(
            _Den(
                float(w @ lat[mine]),
                float(w @ lon[mine]),
                rows[mine].astype(np.int64),
                None,
                float(weight[mine].sum()),
            )
        )
    return dens


def _row(  # noqa: PLR0917 (one den's evidence, each from its own source)
    number: int,
    den: _Den,
    sleepers: pd.DataFrame,
    flats: pd.DataFrame,
    plane: npt.NDArray[np.float64],
    error: NightError,
    gate: GateCompany | None,
    rules: DenRules,
) -> tuple[object, ...]:
    members = sleepers.iloc[den.members]
    keys = members["person_key"].astype(str).tolist()
    origins = pd.Series([provinces().get(k[:2], k[:2]) for k in keys]).value_counts()
    evidence = [
        f"{len(keys)} suspects from other provinces sleep here",
        "from " + ", ".join(f"{name} {n}" for name, n in origins.items()),
    ]
    strengths = np.zeros(4)
    address = None
    if den.flat is not None:
        flat = flats.iloc[den.flat]
        address = flat["address"]
        evidence += _flat_evidence(den, flat, keys, plane, len(sleepers), error, strengths)
    else:
        evidence.append(
            f"no flat registered, listed or reported: placed at the members' centre "
            f"(night locations err by about {error.metres:.0f} m)"
        )
        evidence += _nearby_evidence(den, flats, plane, len(sleepers), rules, strengths)
    if gate is not None:
        evidence.append(
            f"{gate.members_logged} members logged at compound gate {gate.site_id}, "
            f"passing it together on {gate.days_together} days"
        )
        strengths[3] = GATE_STRENGTH if gate.days_together >= rules.gate_min_days else 0.0
    mean = float(members["score"].mean())
    evidence.append(f"members' mean suspect score {mean:.2f}")
    score = noisy_or(np.array([mean]), *(np.array([s]) for s in strengths))[0]
    return (
        f"DEN-{number + 1:05d}",
        round(den.lat, 6),
        round(den.lon, 6),
        sorted(keys),
        round(float(score), 6),
        "; ".join(evidence),
        address if isinstance(address, str) else None,
    )


def _flat_evidence(  # noqa: PLR0917 (the den, its flat and how its sleepers were placed)
    den: _Den,
    flat: pd.Series,
    keys: list[str],
    plane: npt.NDArray[np.float64],
    n: int,
    error: NightError,
    strengths: npt.NDArray[np.float64],
) -> list[str]:
    """What names the flat and places the members in it; fills the evidence strengths."""
    offset = plane[den.members] - plane[n + den.flat] if den.flat is not None else plane[:0]
    spread = float(np.median(np.hypot(offset[:, 0], offset[:, 1]))) if len(offset) else 0.0
    evidence = [
        f"{den.expected:.1f} suspects expected in this flat from night locations "
        f"(a median {spread:.0f} m from it; they err by about {error.metres:.0f} m)"
    ]
    place = f" ({flat['address']})" if isinstance(flat["address"], str) else ""
    tenants = [t for t in flat["tenants"] if t in keys]
    if tenants:
        rentals = ", ".join(flat["rentals"])
        evidence.append(f"rented by member {', '.join(tenants)}{place}, registration {rentals}")
        if len(keys) > len(tenants):
            strengths[2] = TENANT_STRENGTH
    if isinstance(flat["site_id"], str):
        evidence.append(f"known den site {flat['site_id']}{place if not tenants else ''}")
        strengths[0] = KNOWN_SITE_STRENGTH
    if flat["tips"]:
        evidence.append(f"citizens' tips naming the flat: {', '.join(flat['tips'])}")
        strengths[1] = TIP_STRENGTH
    return evidence


def _nearby_evidence(  # noqa: PLR0917 (the den, the flats and where they lie)
    den: _Den,
    flats: pd.DataFrame,
    plane: npt.NDArray[np.float64],
    n: int,
    rules: DenRules,
    strengths: npt.NDArray[np.float64],
) -> list[str]:
    """The nearest known den site and tip within ``tip_radius_m`` of a den without a flat."""
    if flats.empty:
        return []
    centre = plane[den.members].mean(axis=0)
    offset = plane[n:] - centre
    distance = np.hypot(offset[:, 0], offset[:, 1])
    evidence = []
    sites = np.flatnonzero(flats["site_id"].notna().to_numpy() & (distance <= rules.tip_radius_m))
    if len(sites):
        j = sites[np.argmin(distance[sites])]
        evidence.append(f"known den site {flats['site_id'].iloc[j]} {distance[j]:.0f} m away")
        strengths[0] = KNOWN_SITE_STRENGTH
    tipped = flats["tips"].map(len).to_numpy() > 0
    tips = np.flatnonzero(tipped & (distance <= rules.tip_radius_m))
    if len(tips):
        j = tips[np.argmin(distance[tips])]
        evidence.append(f"citizen's tip {flats['tips'].iloc[j][0]} {distance[j]:.0f} m away")
        strengths[1] = TIP_STRENGTH
    return evidence


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

"""Dens (窝点): rented flats where 4-12 unrelated participants of one organisation live packed.

Each organisation rents its dens in two or three compounds near its venue (the
nearest few); members are shuffled across branches into dens, so den mates are
mostly not recruiter and recruit. The organiser lives apart, in a flat of their
own. One member rents each den and is the only tenant registered, for the whole
den; some dens are not registered at all. Some dens are already known to the
police (a ``den`` site), most are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.simulate import geography as geo
from tianluo.simulate.config import PyramidConfig
from tianluo.simulate.places import Places, flat_address, nearest_compounds
from tianluo.simulate.pyramid import Trees


@dataclass
class Dens:
    """The planted dens (index = den number) and where every participant sleeps."""

    org: np.ndarray
    compound: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    address: np.ndarray
    tenant: np.ndarray  # participant number of the registered tenant, -1 when unregistered
    known: np.ndarray  # bool: listed as a den site already
    member_den: np.ndarray  # per participant: den number, -1 for organisers
    home_compound: np.ndarray  # per participant
    home_lat: np.ndarray  # per participant
    home_lon: np.ndarray
    home_address: np.ndarray

    def __len__(self) -> int:
        return len(self.org)

    def members(self, den: int) -> np.ndarray:
        """Participant numbers living in one den."""
        return np.flatnonzero(self.member_den == den)


def _flat(rng: np.random.Generator) -> tuple[int, int, int]:
    return (
        int(rng.integers(1, 31)),
        int(rng.integers(1, 5)),
        int(rng.integers(2, 31)) * 100 + int(rng.integers(1, 5)),
    )


def build_dens(trees: Trees, places: Places, cfg: PyramidConfig, rng: np.random.Generator) -> Dens:
    """Pack each organisation's members into dens near its venue."""
    n = len(trees)
    member_den = np.full(n, -1)
    home_compound = np.zeros(n, dtype=int)
    home_lat = np.zeros(n)
    home_lon = np.zeros(n)
    home_address = np.empty(n, dtype=object)
    d_org: list[int] = []
    d_compound: list[int] = []
    d_lat: list[float] = []
    d_lon: list[float] = []
    d_address: list[str] = []
    d_tenant: list[int] = []
    ordinary = places.compounds - len(places.venue_name)
    for org in range(trees.organisations):
        people = np.flatnonzero(trees.org == org)
        top = people[trees.parent[people] < 0]
        rest = rng.permutation(people[trees.parent[people] >= 0])
        venue = places.org_venue[org]
        near = nearest_compounds(places, places.venue_lat[venue], places.venue_lon[venue], 8)
        chosen = rng.choice(near, size=min(len(near), int(rng.integers(2, 4))), replace=False)
        for o in top:  # the organiser: a flat of their own anywhere in the city
            c = int(rng.integers(0, ordinary))
            home_compound[o] = c
            home_lat[o], home_lon[o] = (
                a[0]
                for a in geo.offset(
                    places.compound_lat[c : c + 1], places.compound_lon[c : c + 1], 60.0, rng
                )
            )
            home_address[o] = flat_address(places.compound_address[c], *_flat(rng))
        start = 0
        while start < len(rest):
            size = int(rng.integers(cfg.den_min, cfg.den_max + 1))
            left = len(rest) - start
            if left <= cfg.den_max and left - size < cfg.den_min:
                size = left  # the last den takes everyone left
            elif left - size < cfg.den_min:
                size = left - cfg.den_min  # leave at least den_min for the last den
            group = rest[start : start + size]
            start += size
            c = int(chosen[int(rng.integers(len(chosen)))])
            lat, lon = geo.offset(
                places.compound_lat[c : c + 1], places.compound_lon[c : c + 1], 60.0, rng
            )
            den = len(d_org)
            address = flat_address(places.compound_address[c], *_flat(rng))
            d_org.append(org)
            d_compound.append(c)
            d_lat.append(float(lat[0]))
            d_lon.append(float(lon[0]))
            d_address.append(address)
            first = group[np.argmin(trees.arrive_day[group])]
            d_tenant.append(-1 if rng.random() < cfg.unregistered_den_share else int(first))
            member_den[group] = den
            home_compound[group] = c
            home_lat[group], home_lon[group] = lat[0], lon[0]
            home_address[group] = address
    count = len(d_org)
    return Dens(
        org=np.array(d_org, dtype=int),
        compound=np.array(d_compound, dtype=int),
        lat=np.array(d_lat),
        lon=np.array(d_lon),
        address=np.array(d_address, dtype=object),
        tenant=np.array(d_tenant, dtype=int),
        known=rng.random(count) < cfg.known_den_share,
        member_den=member_den,
        home_compound=home_compound,
        home_lat=home_lat,
        home_lon=home_lon,
        home_address=home_address,
    )

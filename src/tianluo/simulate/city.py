"""``simulate_city``: build the people, the pyramids and the fraud, and write the feed.

The order is the order of cause: recruitment trees, the built city (compounds,
venues), dens, everyone's identity, home and handset, the ordinary visitors of
venues, earlier sweeps and the window's sweeps (which send people home),
then the records: registers, money, calls, tips, gate logs, the fraud part
(``tianluo.simulate.finance``) and finally the location fixes, streamed.
Every stage draws from its own random stream spawned from the seed, so one
stage changing does not reshuffle the others; the same seed gives the same bytes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tianluo.simulate import finance
from tianluo.simulate.config import SimConfig
from tianluo.simulate.dens import Dens, build_dens
from tianluo.simulate.finance.wires import write_alone
from tianluo.simulate.movement import ping_chunks, schedules
from tianluo.simulate.places import Places, build_places
from tianluo.simulate.population import Homes, Population, build_population
from tianluo.simulate.prior import prior_seizures
from tianluo.simulate.pyramid import Trees, build_trees
from tianluo.simulate.records import phones_table, rentals_table
from tianluo.simulate.recruitment import recruit
from tianluo.simulate.sites import access_chunks, build_sites
from tianluo.simulate.sweeps import sweep
from tianluo.simulate.tips import tips_table
from tianluo.simulate.truth import truth_tables
from tianluo.simulate.visitors import plan_visits
from tianluo.simulate.writer import FeedWriter

STAGES = (
    "trees",
    "places",
    "dens",
    "population",
    "sweeps",
    "records",
    "money",
    "tips",
    "gates",
    "finance",
    "pings",
    "dirty",
    "visitors",  # appended: SeedSequence children keep their seeds, the stages above theirs
    "prior",
)


@dataclass
class SimulationSummary:
    """What one run wrote: rows per source, sizes of the planted world, wall time."""

    out_dir: Path
    persons: int
    seed: int
    days: int
    rows: dict[str, int] = field(default_factory=dict)
    participants: int = 0
    organizations: int = 0
    dens: int = 0
    seconds: float = 0.0
    finance: Any = None


def _finance() -> Any:
    """The fraud part's entry point, or None while it is not there."""
    return getattr(finance, "simulate_finance", None)


def _seizures(
    cfg: SimConfig,
    pop: Population,
    homes: Homes,
    trees: Trees,
    streams: dict[str, np.random.Generator],
    *,
    pidx: np.ndarray,
    dens: Dens,
    places: Places,
    lecture_mask: np.ndarray,
) -> pa.Table:
    """Seizure records of the earlier sweeps, then of this window's, numbered ``SZ0000001`` on."""
    earlier = prior_seizures(cfg, pop, trees, places, streams["prior"], pidx=pidx)
    this_year = f"〔{cfg.start.year}〕"
    now = sweep(
        cfg,
        pop,
        homes,
        trees,
        streams["sweeps"],
        pidx=pidx,
        dens=dens,
        places=places,
        lecture_mask=lecture_mask,
        case_offset=len({c for c in earlier.column("case_no").to_pylist() if this_year in c}),
    )
    seizures = pa.concat_tables([earlier, now], promote_options="permissive")
    ids = pa.array([f"SZ{k + 1:07d}" for k in range(seizures.num_rows)], pa.string())
    return seizures.set_column(seizures.schema.get_field_index("record_id"), "record_id", ids)


def simulate_city(
    out_dir: Path, persons: int, seed: int, days: int = 60, **options: Any
) -> SimulationSummary:
    """Write a city of ``persons`` people over ``days`` days (feed and ``truth/``) to ``out_dir``.

    ``options`` are fields of ``SimConfig`` (``fmt="csv"``, ``dirty=DirtyRates.clean()``,
    ``pings_per_day=...``, ``finance=False`` to leave out the fraud part).
    """
    cfg = SimConfig(persons=persons, seed=seed, days=days, **options)
    started = time.perf_counter()
    simulate_finance = _finance()
    if cfg.finance and simulate_finance is None:
        raise RuntimeError(
            "the fraud and money part of the simulator (tianluo.simulate.finance.simulate_finance) "
            "is not available; pass finance=False to simulate the city without it"
        )
    streams = dict(
        zip(
            STAGES,
            (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STAGES))),
            strict=True,
        )
    )
    target = max(cfg.population.min_participants, int(persons * cfg.population.participant_share))
    trees = build_trees(
        target,
        days,
        streams["trees"],
        same_province=cfg.pyramid.same_province_share,
        same_county=cfg.pyramid.same_county_share,
        shapes=cfg.pyramid.tree_shapes,
    )
    places = build_places(
        max(12, persons // cfg.population.persons_per_compound),
        trees.organisations,
        cfg.pyramid.lectures_per_week,
        streams["places"],
    )
    dens = build_dens(trees, places, cfg.pyramid, streams["dens"])
    pop, homes, pidx = build_population(cfg, trees, places, dens, streams["population"])
    visits = plan_visits(cfg, pop, homes, places, streams["visitors"], trees=trees)
    bits = (places.org_lecture_days.astype(np.int64) << np.arange(7)).sum(axis=1)
    lecture_mask = np.zeros(len(pop), dtype=np.int64)
    lecture_mask[pidx] = bits[trees.org]
    morning = np.zeros(len(pop), dtype=bool)
    morning[pidx] = places.org_morning[trees.org]
    seizures = _seizures(
        cfg,
        pop,
        homes,
        trees,
        streams,
        pidx=pidx,
        dens=dens,
        places=places,
        lecture_mask=lecture_mask,
    )
    sites = build_sites(places, dens, streams["gates"])
    out = Path(out_dir)
    with FeedWriter(out, fmt=cfg.fmt, dirty=cfg.dirty, seed=seed) as writer:
        writer.write("sites", sites.table)
        writer.write("seizures", seizures)
        records = streams["records"]
        writer.write("phones", phones_table(cfg, pop, records))
        writer.write(
            "rentals", rentals_table(cfg, pop, homes, trees, records, pidx=pidx, dens=dens)
        )
        money = recruit(cfg, pop, trees, pidx, streams["money"])
        writer.write("calls", money.calls)
        tips, tip_truth = tips_table(
            cfg, pop, homes, dens, streams["tips"], pidx=pidx, compound_names=places.compound_name
        )
        writer.write("reports", tips)
        finance_summary = None
        if cfg.finance and simulate_finance is not None:
            finance_summary = simulate_finance(
                pop, cfg, streams["finance"], writer, wires=money.wires
            )
        else:  # the participants' cards and transfers on their own
            write_alone(pop, streams["money"], writer, money.wires, start=cfg.start, days=cfg.days)
        sched = schedules(pop, lecture_mask, morning)
        person_venue = np.full(len(pop), -1)
        person_venue[pidx] = places.org_venue[trees.org]
        start = np.datetime64(cfg.start, "D")
        gates = access_chunks(
            pop,
            homes,
            sched,
            sites,
            streams["gates"],
            person_venue=person_venue,
            start=start,
            days=days,
            cfg=cfg.pyramid,
            visits=visits,
        )
        for table in gates:
            writer.write("access_events", table)
        pings = ping_chunks(
            pop,
            sched,
            streams["pings"],
            start=start,
            days=days,
            per_day=cfg.pings_per_day,
            batch=cfg.person_batch,
        )
        for table in pings:
            writer.write("pings", table)
        for name, table in truth_tables(
            cfg, pop, trees, dens, pidx=pidx, funds=money.funds
        ).items():
            writer.write_truth(name, table)
        writer.write_truth("fees", money.fees())
        writer.write_truth("tips", tip_truth)
        writer.write_truth("venue_visitors", visits.truth(pop, sites.venue_site))
    return SimulationSummary(
        out_dir=out,
        persons=len(pop),
        seed=seed,
        days=days,
        rows=dict(writer.rows),
        participants=len(trees),
        organizations=trees.organisations,
        dens=len(dens),
        seconds=time.perf_counter() - started,
        finance=finance_summary,
    )

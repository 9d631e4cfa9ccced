"""Citizens' and grid workers' tips (``reports``) about suspected dens, in Chinese.

A share of the dens is reported by a neighbour from the same compound, before
any raid; a share of all tips is about flats that are not dens (migrant
workers' shared flats, ordinary families), as real tips are.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tianluo.simulate.config import SimConfig
from tianluo.simulate.dens import Dens
from tianluo.simulate.population import Homes, Population
from tianluo.simulate.timefmt import iso_local

TEMPLATES = (
    "{address}住了{n}多个外地口音的年轻人，每天一早一起出门，晚上很晚回来，疑似传销窝点，请核查。",
    "举报：{address}经常有一群外地人进出，白天去听课，晚上在屋里喊口号，好像是搞“资本运作”的。",
    "我是{compound}的住户，{address}那套房子住了很多人，男女混住，天天开会，怀疑是传销。",
    "网格员反映：{address}出租屋人员密集，均为外省人员，无固定工作，疑似聚集型传销。",
    "{address}楼上这段时间来了好多外地人，说是来南宁做“国家项目”投资的，请警察查一下。",
)
FALSE_TEMPLATES = (
    "{address}住了好几个外地人，进进出出的，不知道是干什么的，请核查。",
    "举报{address}出租屋人员较多，疑似群租。",
)


def tips_table(
    cfg: SimConfig,
    pop: Population,
    homes: Homes,
    dens: Dens,
    rng: np.random.Generator,
    *,
    pidx: np.ndarray,
    compound_names: np.ndarray,
) -> tuple[pa.Table, pa.Table]:
    """The tips and their truth (den reported, or none)."""
    rows: list[dict[str, object]] = []
    truth: list[dict[str, object]] = []
    reported = np.flatnonzero(rng.random(len(dens)) < cfg.pyramid.tip_den_share)
    share = cfg.pyramid.false_tip_share
    false_n = round(len(reported) * share / max(1e-9, 1 - share))
    migrants = np.flatnonzero(pop.group == "migrant_worker")
    is_resident = pop.group == "resident"
    false_people = (
        rng.choice(migrants, size=min(false_n, len(migrants)), replace=False)
        if len(migrants)
        else np.array([], dtype=int)
    )
    items = [("den", int(d)) for d in reported] + [("other", int(p)) for p in false_people]
    for kind, ref in items:
        if kind == "den":
            compound, address, lat, lon = (
                int(dens.compound[ref]),
                str(dens.address[ref]),
                float(dens.lat[ref]),
                float(dens.lon[ref]),
            )
            members = dens.members(ref)
            subject = pop.name[pidx[members[0]]] if rng.random() < 0.3 else None
            text = TEMPLATES[int(rng.integers(len(TEMPLATES)))]
            n_people = len(members)
        else:
            compound, address, lat, lon = (
                int(homes.compound[ref]),
                str(homes.address[ref]),
                float(pop.home_lat[ref]),
                float(pop.home_lon[ref]),
            )
            subject = None
            text = FALSE_TEMPLATES[int(rng.integers(len(FALSE_TEMPLATES)))]
            n_people = 4
        neighbours = np.flatnonzero((homes.compound == compound) & is_resident)
        reporter = (
            pop.phone[neighbours[int(rng.integers(len(neighbours)))]]
            if len(neighbours) and rng.random() < 0.8
            else None
        )
        day = int(rng.integers(0, max(1, cfg.days // 3)))
        ts = np.datetime64(cfg.start, "s") + np.timedelta64(
            day * 86_400 + int(rng.integers(8 * 3600, 22 * 3600)), "s"
        )
        report_id = f"TIP{len(rows) + 1:07d}"
        rows.append(
            {
                "report_id": report_id,
                "ts": iso_local(np.array([ts]))[0].as_py(),
                "text": text.format(
                    address=address,
                    n=max(3, n_people - 2),
                    compound=compound_names[compound] if compound >= 0 else "",
                ),
                "reporter_phone": reporter,
                "lat": round(lat, 5),
                "lon": round(lon, 5),
                "subject_name": subject,
            }
        )
        truth.append(
            {"report_id": report_id, "den_id": f"DEN{ref + 1:05d}" if kind == "den" else ""}
        )
    order = rng.permutation(len(rows))
    return pa.Table.from_pylist([rows[i] for i in order]) if rows else pa.table(
        {"report_id": pa.array([], pa.string())}
    ), pa.Table.from_pylist([truth[i] for i in order]) if truth else pa.table(
        {"report_id": pa.array([], pa.string()), "den_id": pa.array([], pa.string())}
    )

"""Pyramid-selling alerts for the analysts' queue: leads with their evidence, not verdicts.

* ``pyramid_suspect``: a person scoring at least ``suspects.alert_min_score``;
* ``pyramid_den``: a den scoring at least ``dens.alert_min_score``;
* ``pyramid_organization``: an organisation, scored 1.0 when it meets the
  criminal threshold and by its size against the threshold otherwise.

``alert_id`` is ``<kind>:<subject>``, stable while the finding stands; an
organisation's subject is its organiser. ``created_at`` is the time of the run.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from tianluo.detectors.outputs import alert_rows
from tianluo.rules import Rules
from tianluo.workspace import Workspace


def pyramid_alerts(workspace: Workspace, rules: Rules, now: dt.datetime | None = None) -> pa.Table:
    """The alerts of the suspects, dens and organisations results of this run."""
    created = now or dt.datetime.now(dt.UTC)
    suspects = [
        s
        for s in pq.read_table(workspace.result_path("suspects")).to_pylist()
        if s["score"] >= rules.suspects.alert_min_score
    ]
    dens = [
        d
        for d in pq.read_table(workspace.result_path("dens")).to_pylist()
        if d["score"] >= rules.dens.alert_min_score
    ]
    threshold = rules.organizations
    orgs = pq.read_table(workspace.result_path("org_summary")).to_pylist()
    org_scores = [
        1.0
        if o["meets_criminal_threshold"]
        else min(0.99, o["members"] / threshold.threshold_members)
        for o in orgs
    ]
    org_reasons = [
        f"{o['members']} members in {o['levels']} levels "
        f"({'meets' if o['meets_criminal_threshold'] else 'does not meet'} the criminal threshold "
        f"of {threshold.threshold_members} members and {threshold.threshold_levels} levels); "
        f"organiser {o['top_id_number']}; fees collected {o['funds_collected']:,.0f} yuan"
        for o in orgs
    ]
    return pa.concat_tables(
        [
            alert_rows(
                "pyramid_suspect",
                subjects=[s["id_number"] for s in suspects],
                scores=[s["score"] for s in suspects],
                created_at=[created] * len(suspects),
                reasons=[s["reasons"] for s in suspects],
            ),
            alert_rows(
                "pyramid_den",
                subjects=[d["den_id"] for d in dens],
                scores=[d["score"] for d in dens],
                created_at=[created] * len(dens),
                reasons=[d["reasons"] for d in dens],
            ),
            alert_rows(
                "pyramid_organization",
                subjects=[o["top_id_number"] for o in orgs],
                scores=org_scores,
                created_at=[created] * len(orgs),
                reasons=org_reasons,
            ),
        ]
    )

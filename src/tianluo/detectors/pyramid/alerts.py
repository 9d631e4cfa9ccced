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

from tianluo.detectors.outputs import ALERT_SCHEMA
from tianluo.rules import Rules
from tianluo.workspace import Workspace


def pyramid_alerts(workspace: Workspace, rules: Rules, now: dt.datetime | None = None) -> pa.Table:
    """The alerts of the suspects, dens and organisations results of this run."""
    created = now or dt.datetime.now(dt.UTC)
    rows: list[dict[str, object]] = []
    suspects = pq.read_table(workspace.result_path("suspects")).to_pylist()
    for s in suspects:
        if s["score"] >= rules.suspects.alert_min_score:
            rows.append(_row("pyramid_suspect", s["id_number"], s["score"], s["reasons"], created))
    for d in pq.read_table(workspace.result_path("dens")).to_pylist():
        if d["score"] >= rules.dens.alert_min_score:
            rows.append(_row("pyramid_den", d["den_id"], d["score"], d["reasons"], created))
    threshold = rules.organizations
    for o in pq.read_table(workspace.result_path("org_summary")).to_pylist():
        meets = bool(o["meets_criminal_threshold"])
        score = 1.0 if meets else min(0.99, o["members"] / threshold.threshold_members)
        verdict = "meets" if meets else "does not meet"
        reasons = (
            f"{o['members']} members in {o['levels']} levels ({verdict} the criminal threshold "
            f"of {threshold.threshold_members} members and {threshold.threshold_levels} levels); "
            f"organiser {o['top_id_number']}; fees collected {o['funds_collected']:,.0f} yuan"
        )
        rows.append(_row("pyramid_organization", o["top_id_number"], score, reasons, created))
    return pa.Table.from_pylist(rows, schema=ALERT_SCHEMA)


def _row(
    kind: str, subject: str, score: float, reasons: str, created: dt.datetime
) -> dict[str, object]:
    return {
        "alert_id": f"{kind}:{subject}",
        "kind": kind,
        "subject": subject,
        "score": float(score),
        "created_at": created,
        "reasons": reasons,
    }

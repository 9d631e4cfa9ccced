"""An organisation's recruitment tree, from ``organizations`` and ``org_summary``."""

from __future__ import annotations

from typing import Any

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.errors import NotFound
from tianluo.service.privacy.masking import Masker


def summaries(results: ResultsStore) -> list[dict[str, Any]]:
    rows = results.rows("org_summary")
    return sorted(rows, key=lambda r: (-int(r["members"]), r["org_id"]))


def tree(results: ResultsStore, org_id: str, masker: Masker) -> dict[str, Any]:
    """The summary and the members nested under their uplines, organiser at the root."""
    summary = next((r for r in results.rows("org_summary") if r["org_id"] == org_id), None)
    members = [r for r in results.rows("organizations") if r["org_id"] == org_id]
    if summary is None and not members:
        raise NotFound(f"no organisation {org_id!r}")
    nodes: dict[str, dict[str, Any]] = {}
    for m in members:
        nodes[m["id_number"]] = {
            "person": masker.value(m["id_number"]),
            "ref": masker.ref(m["id_number"]),
            "level": m["level"],
            "role": m["role"],
            "downline": m.get("downline"),
            "evidence": masker.text(m.get("evidence")),
            "children": [],
        }
    roots: list[dict[str, Any]] = []
    for m in sorted(members, key=lambda r: (r["level"], r["id_number"])):
        parent = nodes.get(m["upline_id_number"] or "")
        (parent["children"] if parent else roots).append(nodes[m["id_number"]])
    public_summary = None
    if summary is not None:
        public_summary = {
            **summary,
            "top_id_number": masker.value(summary["top_id_number"]),
            "reasons": masker.text(summary.get("reasons")),
        }
    return {"org_id": org_id, "summary": public_summary, "tree": roots}

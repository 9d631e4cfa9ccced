"""The baseline every suspect detector must beat: the bare 云觅 residency rule.

It is computed afresh from the workspace's daily presence table
(``derived/presence_daily.parquet``, a file or Spark's directory of parts),
with the thresholds of the rules file in force, on the engine given (by
default the workspace's DuckDB).
"""

from __future__ import annotations

from tianluo.detectors.pyramid.residency_rule import residency_rule
from tianluo.engine import Engine, open_engine
from tianluo.rules.models import ResidencyRule
from tianluo.workspace import Workspace

PRESENCE_TABLE = "presence_daily"


def residency_baseline(
    workspace: Workspace, rule: ResidencyRule, engine: Engine | None = None
) -> dict[str, float] | None:
    """The rule's score for every out-of-province person, or None without a presence table."""
    path = workspace.derived_path(PRESENCE_TABLE)
    if not path.exists():
        return None
    own = engine is None
    engine = engine or open_engine(workspace, "duckdb")
    try:
        presence = engine.read_parquet(path, PRESENCE_TABLE)
        scored = engine.to_arrow(residency_rule(presence, rule)).to_pydict()
    finally:
        if own:
            engine.close()
    return {
        str(key): float(score)
        for key, score in zip(scored["id_number"], scored["score"], strict=True)
        if key is not None
    }

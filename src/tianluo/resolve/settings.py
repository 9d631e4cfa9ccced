"""Parameters of entity resolution, with the defaults the quality figures were measured on."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ResolveSettings(BaseModel):
    """How records are joined into persons."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Splink's pair probability assumes any two nodes are equally likely to match; after
    # blocking a record has only a few candidates, so true matches on a lone field (a
    # rare name, a phone) score 0.2-0.4: measured 93% right at 0.2-0.3 on simulated cities
    link_threshold: float = Field(
        default=0.2,
        gt=0,
        lt=1,
        description="two nodes are one person when the model's match probability reaches this",
    )
    edge_threshold: float = Field(
        default=0.05,
        gt=0,
        lt=1,
        description="pairs scored at least this are kept (explanations, screening strength)",
    )
    min_nodes_to_train: int = Field(
        default=2000, ge=10, description="fewer nodes than this: the prior m and u are used"
    )
    u_sample_pairs: float = Field(
        default=3e5, gt=0, description="random pairs sampled to estimate u probabilities"
    )
    seed: int = Field(default=7, description="seed of the random sampling (same data, same model)")
    duckdb_memory_limit: str = Field(
        default="4GB", description="memory DuckDB may use for Splink before spilling to disk"
    )

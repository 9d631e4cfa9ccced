"""Tianluo (天罗): fuse agencies' records to find pyramid-selling organisations and fraud.

The package is laid out as the flow of data (see docs/architecture.md):

    contract  -> what a feed and a result look like
    model     -> small value types (identity numbers, phones, regions)
    ingest    -> feed directory -> validated, append-only Parquet lake + quarantine
    engine    -> one detector, two engines (DuckDB, Spark) through Ibis
    detectors -> pure functions from lake tables to result tables
    results   -> result store and export in the contract's shapes
    cli       -> the thin `tianluo` command
"""

__version__ = "0.1.0"

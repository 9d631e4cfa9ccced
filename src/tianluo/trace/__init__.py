"""Fund trace: where a reported transfer's money is now, ranked for freezing (FIFO rule).

index = load_index(engine)            # once: every transfer of the lake, in memory
found = trace_funds(index, "TX...")   # milliseconds: holdings, hops, paths
"""

from tianluo.trace.attribute import (
    FundTrace,
    Holding,
    UnknownTransferError,
    to_yuan,
    trace_funds,
)
from tianluo.trace.index import TransferIndex, build_index, index_from_arrow
from tianluo.trace.lake import load_index, reported_transfers

__all__ = [
    "FundTrace",
    "Holding",
    "TransferIndex",
    "UnknownTransferError",
    "build_index",
    "index_from_arrow",
    "load_index",
    "reported_transfers",
    "to_yuan",
    "trace_funds",
]

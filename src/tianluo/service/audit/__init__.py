"""The audit log: append-only, hash-chained; what is written, and how it is verified."""

from tianluo.service.audit.chain import Actor, record
from tianluo.service.audit.verify import Verdict, verify_chain

__all__ = ["Actor", "Verdict", "record", "verify_chain"]

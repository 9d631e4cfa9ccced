"""Confirmed cases in the feed itself: what victims' reports name.

A victim's report names the number that called them (in its text) and the
transfers they made (``txn_id``); the receiving account of a reported transfer is
a mule account the victim paid. These are the labels a fraud centre has without
any investigation, and the only labels ``tianluo run`` learns from.
"""

from __future__ import annotations

import re
from collections import Counter

import pyarrow.compute as pc

from tianluo.engine import Engine
from tianluo.model.phone import normalise_mobile

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def numbers_named_in_reports(engine: Engine) -> Counter[str]:
    """Mobile numbers cited in reports' text (not the reporter's own), with how many reports."""
    if not engine.has_source("reports"):
        return Counter()
    reports = engine.source("reports")
    columns = ["text"] + (["reporter_phone"] if "reporter_phone" in reports.columns else [])
    table = engine.to_arrow(reports.filter(reports.text.notnull()).select(*columns))
    reporters = table["reporter_phone"].to_pylist() if "reporter_phone" in columns else []
    counts: Counter[str] = Counter()
    for i, text in enumerate(table["text"].to_pylist()):
        own = normalise_mobile(reporters[i]) if reporters and reporters[i] else None
        named = {m for m in _MOBILE.findall(str(text)) if m != own}
        counts.update(named)
    return counts


def accounts_paid_in_reports(engine: Engine, reported: list[str]) -> Counter[str]:
    """Receiving accounts of reported transfers, with how many reported transfers each got."""
    if not reported or not engine.has_source("transactions"):
        return Counter()
    transfers = engine.source("transactions")
    hits = transfers.filter(transfers.txn_id.isin(reported)).select("txn_id", "to_account")
    table = engine.to_arrow(hits.distinct())
    receivers = pc.drop_null(table["to_account"]).to_pylist()
    return Counter(str(a) for a in receivers if not str(a).startswith("CASH-"))

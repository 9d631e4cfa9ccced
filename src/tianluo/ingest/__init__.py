"""Ingest: a feed directory into the workspace's append-only lake, bad rows into quarantine."""

from tianluo.ingest.errors import FeedRefused, IngestError
from tianluo.ingest.load import load_feed
from tianluo.ingest.report import LoadReport, SourceReport, render

__all__ = ["FeedRefused", "IngestError", "LoadReport", "SourceReport", "load_feed", "render"]

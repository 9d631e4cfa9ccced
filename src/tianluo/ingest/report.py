"""The load report: per source, rows read, kept, quarantined by reason, duplicates skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


@dataclass
class SourceReport:
    """What one load did to one source."""

    source: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_kept: int = 0
    duplicates_in_feed: int = 0
    duplicates_already_loaded: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    quarantine_already_loaded: int = 0
    fields_cleared: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_quarantined(self) -> int:
        return sum(self.quarantined.values())

    @property
    def duplicates(self) -> int:
        return self.duplicates_in_feed + self.duplicates_already_loaded


@dataclass
class LoadReport:
    """What one ``tianluo ingest`` did."""

    load_id: str
    feed: str
    workspace: str
    loaded_at: str
    sources: list[SourceReport] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sources)

    @property
    def rows_kept(self) -> int:
        return sum(s.rows_kept for s in self.sources)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for source, item in zip(self.sources, data["sources"], strict=True):
            # asdict rebuilds a Counter from its items, which counts the pairs: copy them plainly
            item["quarantined"] = dict(source.quarantined)
            item["fields_cleared"] = dict(source.fields_cleared)
            item["rows_quarantined"] = source.rows_quarantined
        data["rows_read"] = self.rows_read
        data["rows_kept"] = self.rows_kept
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoadReport:
        sources = [
            SourceReport(
                source=s["source"],
                files=s["files"],
                rows_read=s["rows_read"],
                rows_kept=s["rows_kept"],
                duplicates_in_feed=s["duplicates_in_feed"],
                duplicates_already_loaded=s["duplicates_already_loaded"],
                quarantined=Counter(s["quarantined"]),
                quarantine_already_loaded=s.get("quarantine_already_loaded", 0),
                fields_cleared=Counter(s["fields_cleared"]),
                examples=s["examples"],
                seconds=s.get("seconds", 0.0),
            )
            for s in data["sources"]
        ]
        return cls(
            load_id=data["load_id"],
            feed=data["feed"],
            workspace=data["workspace"],
            loaded_at=data["loaded_at"],
            sources=sources,
            ignored=data.get("ignored", []),
            seconds=data.get("seconds", 0.0),
        )


def render(report: LoadReport, console: Console, examples: int = 3) -> None:
    """Print the load report as a table, with the first bad rows of each source."""
    table = Table(title=f"Load {report.load_id} from {Path(report.feed).name}")
    names = ("source", "read", "kept", "quarantined", "duplicates skipped", "fields cleared", "s")
    for name in names:
        table.add_column(name, justify="left" if name == "source" else "right")
    for s in report.sources:
        reasons = "\n".join(f"{n:,} {r}" for r, n in s.quarantined.most_common())
        cleared = "\n".join(f"{n:,} {r}" for r, n in s.fields_cleared.most_common())
        dups = f"{s.duplicates:,}"
        if s.duplicates_already_loaded:
            dups += f" ({s.duplicates_already_loaded:,} loaded before)"
        table.add_row(
            s.source,
            f"{s.rows_read:,}",
            f"{s.rows_kept:,}",
            f"{s.rows_quarantined:,}"
            + (
                f" ({s.quarantine_already_loaded:,} quarantined before)"
                if s.quarantine_already_loaded
                else ""
            )
            + (f"\n{reasons}" if reasons else ""),
            dups,
            cleared or "0",
            f"{s.seconds:.1f}",
        )
    table.add_row(
        "total",
        f"{report.rows_read:,}",
        f"{report.rows_kept:,}",
        "",
        "",
        "",
        f"{report.seconds:.1f}",
        style="bold",
    )
    console.print(table)
    for s in report.sources:
        for line in s.examples[:examples]:
            console.print(f"  [yellow]quarantined[/] {line}")
    for path in report.ignored:
        console.print(f"  [dim]ignored (not a contract source): {path}[/]")
    rate = report.rows_read / report.seconds if report.seconds else 0.0
    console.print(f"{report.rows_read:,} rows in {report.seconds:.1f} s ({rate:,.0f} rows/s)")

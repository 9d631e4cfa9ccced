"""Find the sources of a feed directory: a file or a directory of partitions per source."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tianluo.contract.sources import SOURCES

SUFFIXES = (".csv.gz", ".csv", ".parquet")


@dataclass(frozen=True, slots=True)
class SourceFiles:
    """The files of one source in a feed, in a stable order."""

    source: str
    files: tuple[Path, ...]


def file_format(path: Path) -> str:
    """'csv', 'csv.gz' or 'parquet' from the file name."""
    name = path.name.lower()
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix[1:]
    raise ValueError(f"{path}: not a CSV, CSV.gz or Parquet file")


def _strip(name: str) -> str | None:
    lower = name.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return None


def discover(feed_dir: Path) -> tuple[list[SourceFiles], list[Path]]:
    """The contract sources present in a feed, and the entries that are not sources.

    ``truth/`` (planted answers of a simulated feed) is never read here.
    """
    if not feed_dir.is_dir():
        raise FileNotFoundError(f"feed directory {feed_dir} does not exist")
    found: list[SourceFiles] = []
    ignored: list[Path] = []
    for entry in sorted(feed_dir.iterdir()):
        if entry.name.startswith(".") or entry.name == "truth":
            continue
        if entry.is_dir() and entry.name in SOURCES:
            parts = sorted(
                p for p in entry.rglob("*") if p.is_file() and _strip(p.name) is not None
            )
            if parts:
                found.append(SourceFiles(entry.name, tuple(parts)))
            continue
        stem = _strip(entry.name) if entry.is_file() else None
        if stem in SOURCES:
            found.append(SourceFiles(stem, (entry,)))
        else:
            ignored.append(entry)
    return _merge(found), ignored


def _merge(found: list[SourceFiles]) -> list[SourceFiles]:
    """One entry per source even when a feed has both ``pings.csv`` and ``pings/``."""
    merged: dict[str, list[Path]] = {}
    for item in found:
        merged.setdefault(item.source, []).extend(item.files)
    order = list(SOURCES)
    return [
        SourceFiles(name, tuple(sorted(files)))
        for name, files in sorted(merged.items(), key=lambda kv: order.index(kv[0]))
    ]

"""The layout of a workspace directory: lake, quarantine, load manifests, results.

W/
  tianluo.duckdb                         DuckDB database: views over the lake, engine scratch
  lake/<source>/load=<id>/part-*.parquet     validated rows with provenance (append-only)
  quarantine/<source>/load=<id>/part-*.parquet  refused rows: file, line, field, reason, raw
  loads/<id>.json                        one committed load and its report
  derived/<table>.parquet                intermediate tables of the detectors
  results/<result>.parquet               contract results
  staging/<id>/                          a load in flight; invisible until committed
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Workspace:
    """Paths inside one workspace directory."""

    root: Path

    @classmethod
    def at(cls, path: str | Path, *, create: bool = True) -> Workspace:
        root = Path(path).resolve()
        if create:
            root.mkdir(parents=True, exist_ok=True)
        elif not root.is_dir():
            raise FileNotFoundError(f"workspace {root} does not exist")
        return cls(root)

    @property
    def database(self) -> Path:
        return self.root / "tianluo.duckdb"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def loads(self) -> Path:
        return self.root / "loads"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def derived(self) -> Path:
        return self.root / "derived"

    def lake_dir(self, source: str) -> Path:
        return self.lake / source

    def lake_files(self, source: str) -> list[Path]:
        """The committed Parquet files of one source, oldest load first."""
        return sorted(self.lake_dir(source).glob("load=*/*.parquet"))

    def lake_glob(self, source: str) -> str:
        return str(self.lake_dir(source) / "load=*" / "*.parquet")

    def has_source(self, source: str) -> bool:
        return bool(self.lake_files(source))

    def quarantine_files(self, source: str | None = None) -> list[Path]:
        pattern = f"{source}/load=*/*.parquet" if source else "*/load=*/*.parquet"
        return sorted(self.quarantine.glob(pattern))

    def result_path(self, name: str) -> Path:
        return self.results / f"{name}.parquet"

    def derived_path(self, name: str) -> Path:
        return self.derived / f"{name}.parquet"

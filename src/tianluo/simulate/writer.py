"""Stream the rows of contract sources into a feed directory, damaged as configured.

Layout written (contract.md, "Feeds")::

    OUT_DIR/<source>/part-00000.parquet   (or .csv / .csv.gz), many parts per source
    OUT_DIR/truth/<name>.csv              planted answers, never damaged
    OUT_DIR/truth/dirty.json              damage rates and the exact counts made
    OUT_DIR/truth/person_keys.csv         every person-naming record and its true person

Every column of the contract is present in every part (optional columns empty
when a generator has nothing for them); timestamps and dates are text (ISO 8601),
coordinates and money are decimals. Rows are buffered per source and damaged per
flushed batch with a generator seeded by (seed, source), so the same seed and the
same order of writes give the same bytes.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tianluo.contract.sources import SOURCES, Kind, SourceSpec
from tianluo.simulate.config import DirtyRates
from tianluo.simulate.dirty import damage

FORMATS = ("parquet", "csv", "csv.gz")
PERSON_KEY_SOURCES = (  # the sources of the contract's person_keys result
    "seizures",
    "phones",
    "rentals",
    "access_events",
    "accounts",
    "defaulters",
    "bookings",
    "assets",
)
_ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.LAT: pa.float64(),
    Kind.LON: pa.float64(),
    Kind.MONEY: pa.float64(),
    Kind.NUMBER: pa.float64(),
    Kind.COUNT: pa.int64(),
}


def source_schema(spec: SourceSpec) -> pa.Schema:
    """The Arrow schema the simulator writes for one contract source."""
    return pa.schema(
        [pa.field(c.name, _ARROW_TYPES.get(c.kind, pa.string())) for c in spec.columns]
    )


class _Sink:
    """The open part file of one source; rolls to a new part every ``part_rows`` rows."""

    def __init__(self, folder: Path, fmt: str, schema: pa.Schema, part_rows: int) -> None:
        self.folder, self.fmt, self.schema, self.part_rows = folder, fmt, schema, part_rows
        self.part = -1
        self.in_part = 0
        self.writer: Any = None
        self.stream: Any = None
        folder.mkdir(parents=True, exist_ok=True)

    def _open(self) -> None:
        self.close()
        self.part += 1
        path = self.folder / f"part-{self.part:05d}.{self.fmt}"
        if self.fmt == "parquet":
            self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        else:
            codec = "gzip" if self.fmt == "csv.gz" else None
            self.stream = (
                pa.CompressedOutputStream(path, codec) if codec else pa.OSFile(str(path), "wb")
            )
            self.writer = pacsv.CSVWriter(self.stream, self.schema)
        self.in_part = 0

    def write(self, table: pa.Table) -> None:
        if self.writer is None or self.in_part >= self.part_rows:
            self._open()
        if table.num_rows:
            if self.fmt == "parquet":
                self.writer.write_table(table, row_group_size=1_000_000)
            else:
                self.writer.write_table(table)
        self.in_part += table.num_rows

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.stream is not None:
            self.stream.close()
        self.writer = self.stream = None


class FeedWriter:
    """Writes contract sources (damaged by ``dirty``) and truth tables (clean) to ``out_dir``."""

    def __init__(
        self,
        out_dir: Path,
        *,
        fmt: str = "parquet",
        dirty: DirtyRates | None = None,
        seed: int = 0,
        batch_rows: int = 1_000_000,
        part_rows: int = 20_000_000,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
        self.out_dir = Path(out_dir)
        self.fmt = fmt
        self.dirty = dirty if dirty is not None else DirtyRates()
        self.seed = seed
        self.batch_rows = batch_rows
        self.part_rows = part_rows
        self.rows: Counter[str] = Counter()  # rows written per source, damage included
        self.damage: dict[str, Counter[str]] = {}
        self._schemas: dict[str, pa.Schema] = {}
        self._pending: dict[str, list[pa.Table]] = {}
        self._pending_rows: Counter[str] = Counter()
        self._sinks: dict[str, _Sink] = {}
        self._rngs: dict[str, np.random.Generator] = {}
        self._closed = False
        self._person_truth: Any = None  # CSV writer of truth/person_keys.csv, opened on need
        self.out_dir.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> FeedWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def write(self, source: str, table: pa.Table) -> None:
        """Append rows to a contract source; columns are named as in the contract.

        Missing optional columns are added empty; extra columns are kept (the
        first write of a source fixes its extra columns).
        """
        spec = SOURCES.get(source)
        if spec is None:
            raise ValueError(f"{source!r} is not a source of the contract")
        table = self._conform(spec, table)
        self._write_person_truth(source, table)
        self._pending.setdefault(source, []).append(table)
        self._pending_rows[source] += table.num_rows
        if self._pending_rows[source] >= self.batch_rows:
            self._flush(source)

    def write_truth(self, name: str, table: pa.Table) -> None:
        """Write a truth table, clean, as ``truth/<name>.csv`` (replacing an earlier one)."""
        folder = self.out_dir / "truth"
        folder.mkdir(parents=True, exist_ok=True)
        pacsv.write_csv(table, folder / f"{name}.csv")

    def close(self) -> None:
        """Flush all, give every contract source at least an empty part, write dirty.json."""
        if self._closed:
            return
        for source in list(self._pending):
            self._flush(source)
        for name, spec in SOURCES.items():
            if name not in self._sinks:
                self._sink(name, source_schema(spec)).write(source_schema(spec).empty_table())
        for sink in self._sinks.values():
            sink.close()
        if self._person_truth is not None:
            self._person_truth.close()
        report = {
            "rates": {k: v for k, v in vars(self.dirty).items() if k != "exempt_sources"},
            "exempt_sources": list(self.dirty.exempt_sources),
            "note": (
                "id_* and phone_format are per value of an identity-number or mobile column "
                "(id_values, phone_values count the clean candidates); unparseable and "
                "duplicate are per row; rows includes the duplicates."
            ),
            "counts": {s: dict(sorted(c.items())) for s, c in sorted(self.damage.items())},
        }
        folder = self.out_dir / "truth"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "dirty.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        self._closed = True

    def _conform(self, spec: SourceSpec, table: pa.Table) -> pa.Table:
        schema = self._schemas.get(spec.name)
        if schema is None:
            base = source_schema(spec)
            extras = [f for f in table.schema if f.name not in base.names]
            schema = pa.schema([*base, *extras])
            self._schemas[spec.name] = schema
        unknown = set(table.column_names) - set(schema.names)
        if unknown:
            raise ValueError(f"{spec.name}: columns {sorted(unknown)} were not in its first write")
        columns = []
        for field in schema:
            if field.name in table.column_names:
                columns.append(table.column(field.name).cast(field.type))
            else:
                columns.append(pa.nulls(table.num_rows, field.type))
        return pa.Table.from_arrays(columns, schema=schema)

    def _flush(self, source: str) -> None:
        tables = self._pending.pop(source, [])
        self._pending_rows[source] = 0
        if not tables:
            return
        table = pa.concat_tables(tables).combine_chunks()
        rng = self._rngs.setdefault(
            source, np.random.default_rng([self.seed, zlib.crc32(source.encode())])
        )
        table, counts = damage(table, SOURCES[source], self.dirty, rng)
        self.damage.setdefault(source, Counter()).update(counts)
        self.rows[source] += table.num_rows
        self._sink(source, self._schemas[source]).write(table)

    def _write_person_truth(self, source: str, table: pa.Table) -> None:
        """Append ``truth/person_keys.csv``: each record naming a person by a clean number.

        The key is the person's identity number before any damage, so the resolver
        can be scored on the records whose number was later mistyped or blanked.
        Records that never carried a number (a gate pass seen by phone only) are left out.
        """
        spec = SOURCES[source]
        if source not in PERSON_KEY_SOURCES or spec.record_id is None:
            return
        number = table.column(spec.person_columns[0])
        named = pc.is_valid(number)
        truth = pa.table(
            {
                "source": pa.array([source] * table.num_rows, pa.string()),
                "record_id": table.column(spec.record_id).cast(pa.string()),
                "person_key": number.cast(pa.string()),
            }
        ).filter(named)
        if self._person_truth is None:
            folder = self.out_dir / "truth"
            folder.mkdir(parents=True, exist_ok=True)
            self._person_truth = pacsv.CSVWriter(folder / "person_keys.csv", truth.schema)
        self._person_truth.write_table(truth)

    def _sink(self, source: str, schema: pa.Schema) -> _Sink:
        sink = self._sinks.get(source)
        if sink is None:
            sink = _Sink(self.out_dir / source, self.fmt, schema, self.part_rows)
            self._sinks[source] = sink
        return sink

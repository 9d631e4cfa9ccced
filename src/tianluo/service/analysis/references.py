"""Person references (``p_…``) back to the identity number or phone they stand for."""

from __future__ import annotations

import threading

import pyarrow.compute as pc
import pyarrow.parquet as pq

from tianluo.service.analysis.results import ResultsStore
from tianluo.service.privacy.masking import person_ref

NAMING_COLUMNS = (
    ("suspects", "id_number"),
    ("organizations", "id_number"),
    ("alerts", "subject"),
    ("fraud_numbers", "phone"),
    ("person_keys", "person_key"),
)
"""Where the persons that answers refer to come from (``person_keys``: everyone resolved,
so that a profile's links to people outside the results open their profiles too)."""


class PersonRefs:
    """Every reference the results can produce, rebuilt when a result file changes."""

    def __init__(self, results: ResultsStore, secret: str) -> None:
        self._results = results
        self._key = secret.encode()
        self._version: tuple[float, ...] | None = None
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def resolve(self, key: str) -> str | None:
        """The identity number or phone behind ``key``: itself, or the person it refers to."""
        if not key.startswith("p_"):
            return key
        self._refresh()
        return self._values.get(key)

    def warm_in_background(self) -> threading.Thread:
        """Build the references now, off the request path: the first profile opened after a
        start then does not wait for them (about a second on a 20,000-person city)."""
        thread = threading.Thread(target=self._refresh, name="person-refs", daemon=True)
        thread.start()
        return thread

    def _refresh(self) -> None:
        version = self._results.version(*(name for name, _ in NAMING_COLUMNS))
        if version == self._version:
            return
        with self._lock:
            if version != self._version:  # another thread may have built them meanwhile
                self._values = self._build()
                self._version = version

    def _build(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, column in NAMING_COLUMNS:
            path = self._results.workspace.result_path(name)
            if not path.exists():
                continue
            # one column, its distinct values: person_keys has a row per record, not per person
            distinct = pc.unique(pq.read_table(path, columns=[column]).column(column))
            for value in distinct.to_pylist():
                if value:
                    values[person_ref(self._key, str(value))] = str(value)
        return values

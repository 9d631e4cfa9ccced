"""Rows of the ``phones`` source for the numbers the finance world creates.

Telemarketers' and couriers' work lines are years old, in their own name, in
one handset. Fraud rings' SIMs are days old, in the name of someone who sold
an identity card or of an identity that belongs to nobody in the city, and
move between handsets. Both kinds are collected here and written at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from tianluo.simulate.finance.books import NumberBook
from tianluo.simulate.finance.clock import Clock
from tianluo.simulate.finance.emit import Emitter
from tianluo.simulate.finance.ids import as_text, carriers_of


@dataclass
class Subscribers:
    """Accumulated real-name registrations (number index, holder, activation, handset)."""

    number: list[np.ndarray] = field(default_factory=list)
    id_number: list[np.ndarray] = field(default_factory=list)
    name: list[np.ndarray] = field(default_factory=list)
    activated: list[np.ndarray] = field(default_factory=list)
    imei: list[np.ndarray] = field(default_factory=list)

    def add(
        self,
        number: np.ndarray,
        id_number: np.ndarray,
        name: np.ndarray,
        activated: np.ndarray,
        imei: np.ndarray,
    ) -> None:
        self.number.append(np.asarray(number, dtype=np.int64))
        self.id_number.append(np.asarray(id_number, dtype=object))
        self.name.append(np.asarray(name, dtype=object))
        self.activated.append(np.asarray(activated, dtype=np.int64))
        self.imei.append(np.asarray(imei, dtype=np.int64))

    def write(self, numbers: NumberBook, clock: Clock, emit: Emitter) -> int:
        """Write every registration to ``phones``; the row count."""
        if not self.number:
            return 0
        idx = np.concatenate(self.number)
        text = numbers.numbers(idx)
        ints = np.asarray(text.to_numpy(zero_copy_only=False), dtype=np.int64)
        emit.write(
            "phones",
            {
                "phone": text,
                "id_number": pa.array(np.concatenate(self.id_number), pa.string()),
                "activated_at": clock.iso(np.concatenate(self.activated)),
                "name": pa.array(np.concatenate(self.name), pa.string()),
                "carrier": pa.array(carriers_of(ints), pa.string()),
                "imei": as_text(np.concatenate(self.imei)),
            },
        )
        return len(idx)

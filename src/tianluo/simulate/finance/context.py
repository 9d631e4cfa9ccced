"""What every generator of the finance world shares: people, window, registers, writer, dice."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tianluo.simulate.finance.books import AccountBook, NumberBook
from tianluo.simulate.finance.clock import Clock
from tianluo.simulate.finance.emit import Emitter
from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.people import People


@dataclass(frozen=True)
class Ctx:
    """The shared state passed to every generator (never a module global)."""

    people: People
    clock: Clock
    book: AccountBook
    numbers: NumberBook
    emit: Emitter
    rng: np.random.Generator
    p: FinanceParams

"""The money and telephone world of the simulated city: ordinary life, telecom fraud, mules.

``simulate_finance`` is the one entry point; ``fifo_trace`` is the reference
rule for where a reported transfer's money is. See README.md beside this file.
"""

from tianluo.simulate.finance.params import FinanceParams
from tianluo.simulate.finance.world import FinanceSummary, simulate_finance

__all__ = ["FinanceParams", "FinanceSummary", "simulate_finance"]

"""Every knob of the money-and-telecom world, with defaults an analyst can read and change.

Rates are per person and day unless said otherwise; delays are in minutes.
At 1,000,000 persons the defaults give roughly 15 million transfers, 40 million
call records and 3 million messages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FinanceParams:
    """The shape of ordinary life, of the fraud rings and of their money laundering."""

    # ordinary banking
    account_share: float = 0.92  # adults with a bank account here
    second_account_share: float = 0.25  # ... and a second one (savings, another bank)
    persons_per_employer: int = 60
    persons_per_merchant: int = 150
    shopping_per_day: float = 0.2  # payments to merchants
    family_per_day: float = 0.02  # transfers and red packets between acquaintances
    atm_per_day: float = 0.008  # cash withdrawals by ordinary people
    landlord_max_tenants: int = 25  # some landlords (agents) collect many rents: a hard negative

    # ordinary telecom
    contacts_local: int = 5  # acquaintances near home
    contacts_work: int = 4  # colleagues
    contacts_far: int = 2  # relatives and friends elsewhere (numbers outside the city)
    calls_per_day: float = 0.6
    answer_rate: float = 0.85
    callback_rate: float = 0.6  # a missed call between acquaintances is called back
    sms_per_day: float = 0.03
    away_call_days: int = 14  # people keep calling this long before coming and after leaving
    device_change_share: float = 0.03  # ordinary people who change handset in the window
    day_chunk: int = 5  # days of calls generated and written at once

    # hard negatives on the telephone
    persons_per_telemarketer: int = 20_000
    persons_per_courier: int = 10_000
    telemarketer_calls_per_day: tuple[int, int] = (60, 150)
    courier_calls_per_day: tuple[int, int] = (25, 60)
    call_centre_calls_per_day: int = 300  # per service number, at 1,000,000 persons

    # telecom fraud
    persons_per_ring: int = 40_000  # one calling operation (ring) per this many persons, at least 3
    victim_share: float = 0.006  # share of eligible adults defrauded in the window
    sims_per_victim: float = 0.6  # SIM cards a ring burns per victim (at least 8 per ring)
    devices_per_ring: tuple[int, int] = (3, 8)
    sim_calls_per_day: tuple[int, int] = (60, 160)
    sim_active_days: tuple[int, int] = (2, 7)
    sim_age_days: tuple[int, int] = (0, 20)  # days from activation to first fraud call
    fraud_answer_rate: float = 0.3
    fraud_callback_rate: float = 0.02
    fraud_sms_per_sim_day: float = 15.0
    borrowed_identity_share: float = 0.5  # fraud SIMs in real people's names (sold ID cards)

    # victims
    transfer_delay_min: tuple[int, int] = (5, 120)  # from the end of the hook call to transfer 1
    transfer_gap_min: tuple[int, int] = (10, 90)  # between a victim's further transfers
    max_transfers: int = 4
    report_share: float = 0.7  # victims who report
    report_delay_min: tuple[int, int] = (20, 300)  # after the last transfer
    late_report_share: float = 0.15  # ... of reporters who wait one to three days
    no_loss_reports_per_victim: float = 0.5  # people who report a fraud call without losing money

    # money mules and laundering
    mules_per_victim: float = 0.45  # level-1 (receiving) accounts per victim, at least 4 per ring
    mule_fee: tuple[float, float] = (0.01, 0.03)  # kept by a mule at each hop
    hop_delay_min: tuple[tuple[float, float], ...] = ((40.0, 0.8), (360.0, 0.7), (120.0, 0.6))
    # ^ median minutes and log-spread of the holding time at levels 1, 2, 3
    freeze_lag_min: tuple[float, float] = (30.0, 90.0)  # stop-payment after a report: L1, L2
    cash_out_share: tuple[float, float] = (0.80, 0.97)  # of what reaches level 3
    atm_max_yuan: int = 20_000  # one withdrawal at most
    direct_cash_share: float = 0.2  # level-2 pieces withdrawn without a third hop

    # registries
    internet_finance_firms_per_million: int = 150  # at least 6
    risky_firm_share: float = 0.5
    defaulter_share: float = 0.004
    trip_share: float = 0.03  # residents who fly or take the train in the window

"""A run's result row: its columns, in order, and its text as a CSV line and a JSON line.

The text of a row depends on nothing but its values (``repr`` of floats is exact and the same on
every machine), so the same run gives the same bytes wherever it ran.  Money is USD, prices USD.
"""

from __future__ import annotations

import csv
import io
import json

# where the crowd's margin went (USD; the first column is the sum of the next six, to the unit)
CROWD = ("crowd_lost_usd", "to_winning_traders_usd", "to_liquidity_pool_usd", "to_insurance_fund_usd",
         "to_fees_usd", "via_adl_usd", "socialised_usd")
COLUMNS = (
    "rulebook", "seed",
    *CROWD,
    "crowd_owed_usd",  # of crowd_lost_usd, what bankrupt traders still owe at the end (nobody paid it in)
    "socialised_charged_usd", "fee_pool_paid_usd", "unpaid_deficit_usd",  # the engine's running totals
    "insurance_fund_start_usd", "insurance_fund_min_usd", "insurance_fund_end_usd",
    "liquidations", "partial_liquidations", "adl_events", "adl_positions", "adl_btc",
    "price_start", "price_trough", "price_end",
)
PLAYER = ("player_equity_usd", "player_net_loss_usd", "player_liquidations", "player_score")
KEY = ("rulebook", "seed")


def columns(has_player: bool) -> tuple[str, ...]:
    return COLUMNS + (PLAYER if has_player else ())


def key(row: dict) -> tuple[str, int]:
    return row["rulebook"], row["seed"]


def json_line(row: dict) -> str:
    return json.dumps(row, separators=(",", ":")) + "\n"


def csv_line(row: dict, cols) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([row[c] for c in cols])
    return buf.getvalue()


def csv_header(cols) -> str:
    return ",".join(cols) + "\n"

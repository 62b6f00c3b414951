"""One run of a study: a pure function of (spec, rulebook, seed) to its result row.

The run is the same headless simulation as ``liqgame simulate`` (same script path, same report);
the row adds where the crowd's margin went (:func:`liqgame.engine.crowd_losses`).
"""

from __future__ import annotations

from ..engine import GameConfig, crowd_balances, crowd_losses, lots_to_btc, units_to_usd
from ..session import make_game
from ..simulate import simulate
from .rows import columns
from .spec import StudySpec


def run_one(spec: StudySpec, rulebook: str, seed: int) -> dict:
    """The result row of one run (columns as :func:`rows.columns` lists them)."""
    game = make_game(GameConfig(seed=seed, scenario=spec.scenario, rulebook=rulebook, bots=spec.bots,
                                starting_balance=spec.balance))
    opening = crowd_balances(game)  # the journal starts here: the crowd's lived-in book at tick 0
    report = simulate(game, spec.action_log(), spec.ticks, check_every_tick=False)
    if not report["conservation"]["exact"]:
        raise AssertionError(f"{rulebook} seed {seed}: money was not conserved")
    crowd = crowd_losses(game, opening)
    fund, price, stats = report["insurance_fund"], report["price"], game.stats()
    row = {
        "rulebook": rulebook, "seed": seed,
        "crowd_lost_usd": units_to_usd(crowd.lost),
        "to_winning_traders_usd": units_to_usd(crowd.to_winning_traders),
        "to_liquidity_pool_usd": units_to_usd(crowd.to_liquidity_pool),
        "to_insurance_fund_usd": units_to_usd(crowd.to_insurance_fund),
        "to_fees_usd": units_to_usd(crowd.to_fees),
        "via_adl_usd": units_to_usd(crowd.via_adl),
        "socialised_usd": units_to_usd(crowd.socialised),
        "crowd_owed_usd": units_to_usd(crowd.owed),
        "socialised_charged_usd": report["socialised_loss"],
        "fee_pool_paid_usd": report["fee_pool"],
        "unpaid_deficit_usd": report["unpaid_deficit"],
        "insurance_fund_start_usd": fund["start"], "insurance_fund_min_usd": fund["min"],
        "insurance_fund_end_usd": fund["end"],
        "liquidations": report["liquidations"], "partial_liquidations": report["partial_liquidations"],
        "adl_events": report["adl_events"], "adl_positions": report["adl_positions"],
        "adl_btc": lots_to_btc(stats.adl_lots),
        "price_start": price["start"], "price_trough": price["min"], "price_end": price["end"],
    }
    if spec.has_player:
        p = report["players"][0]
        row.update(player_equity_usd=p["equity"], player_net_loss_usd=p["where_it_went"]["net_loss_usd"],
                   player_liquidations=p["liquidations"], player_score=p["score"])
    return {c: row[c] for c in columns(spec.has_player)}

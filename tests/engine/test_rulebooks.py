"""One hand-built liquidation with a shortfall, under each rulebook: where does the money go?

Alice is long 1 BTC at 20x (bankrupt 5 % below entry), Bob short 1 BTC at 10x.  The index
gaps down 6 % in one second, so Alice's position is liquidated beyond its bankruptcy price:
someone must pay the gap.
"""


from liqgame.engine import actions as A
from liqgame.engine.ledger import Cause

from .helpers import assert_conserved, custom_game, move_index


def crash(rulebook, fund=None, pool=None):
    g = custom_game(rulebook=rulebook, fund=fund, pool=pool)
    assert g.apply(A.PlaceOrder(player=0, side="long", qty=1, leverage=20)).ok
    assert g.apply(A.PlaceOrder(player=1, side="short", qty=1, leverage=10)).ok
    fund0 = g.venue.ledger.insurance_fund
    move_index(g, 0.94)
    events = g.step()
    assert_conserved(g)
    return g, events, fund0


def kinds(events):
    return [e.kind for e in events]


def test_insurance_first_fund_pays_the_gap():
    g, events, fund0 = crash("insurance-first")
    liq = next(e for e in events if e.kind == "Liquidation")
    assert liq.player == 1 and not liq.partial  # beyond bankruptcy: no partial step, liquidated whole
    assert g.equity(0) >= 0 and g.venue.books[0].qty[1] == 0
    assert g.venue.ledger.insurance_fund < fund0  # filled worse than bankruptcy: the fund paid
    assert "ADLEvent" not in kinds(events)
    flows = g.explain(0).by_category
    assert dict(flows)["insurance fund"] < 0  # alice received an insurance payout (her margin was < 0)
    assert g.venue.books[0].qty[2] == -1000  # bob untouched


def test_insurance_first_empty_fund_deleverages_the_winner():
    g, events, fund0 = crash("insurance-first", fund=0)
    adl = [e for e in events if e.kind == "ADLEvent"]
    assert adl and adl[0].player == 2 and adl[0].side == "short"
    assert g.venue.books[0].qty[2] == 0  # bob's profitable short was closed at alice's bankruptcy price
    assert g.venue.ledger.insurance_fund >= 0
    assert g.equity(0) >= 0


def test_socialised_loss_charges_every_open_position():
    g, events, fund0 = crash("socialised-loss", fund=0)
    soc = [e for e in events if e.kind == "SocialisedLoss"]
    assert soc and soc[0].amount > 0
    assert g.venue.ledger.insurance_fund == 0
    bob = dict(((c, grp), v) for (c, grp), v in g.venue.ledger.human_flows[2].items())
    assert any(c == Cause.SOCIALISED_LOSS and v > 0 for (c, grp), v in bob.items())
    assert g.venue.books[0].qty[2] == -1000  # bob keeps his position but pays a share


def test_pool_backstop_takes_over_position_and_margin():
    g, events, fund0 = crash("pool-backstop")
    assert g.venue.ledger.insurance_fund == fund0  # the fund is not used
    flows = g.venue.ledger.human_flows[1]
    assert any(c == Cause.POOL_TAKEOVER for (c, grp) in flows)
    assert g.equity(0) >= 0


def test_no_backstop_leaves_the_trader_owing():
    g, events, fund0 = crash("no-backstop")
    assert g.equity(0) < 10_000 * 10_000
    led = g.venue.ledger
    assert led.margin[0, 1] == 0 and g.venue.books[0].qty[1] == 0
    # alice's isolated loss exceeded her margin: the deficit is a debt on her wallet, nothing from any fund
    lost = 10_000 * 10_000 - g.equity(0)
    assert lost > 1_200 * 10_000 * 1.05
    assert g.venue.ledger.insurance_fund == fund0
    assert "insurance payout" not in [f.cause for f in g.explain(0).flows]


def test_same_crash_gives_different_explained_flows_per_rulebook():
    seen = {}
    for rb in ("insurance-first", "pool-backstop", "socialised-loss", "no-backstop"):
        g, _, _ = crash(rb, fund=0 if rb != "pool-backstop" else None)
        flows = []
        for p in (0, 1):
            ex = g.explain(p)
            assert sum(f.amount for f in ex.flows) == ex.net_loss
            flows += [(p, f.destination, f.cause) for f in ex.flows]
        seen[rb] = tuple(flows)
    assert len(set(seen.values())) == 4


def test_owing_shown_when_balance_negative():
    g = custom_game(rulebook="no-backstop", players=("alice",))
    g.apply(A.SetMarginMode(mode="cross"))
    assert g.apply(A.PlaceOrder(side="long", qty=7, leverage=50)).ok
    move_index(g, 0.80)
    g.step()
    assert g.equity(0) < 0
    assert "debt" in g.explain(0).narrative


def test_pool_backstop_with_an_exhausted_pool_deleverages():
    g, events, fund0 = crash("pool-backstop", pool=0)
    adl = [e for e in events if e.kind == "ADLEvent"]
    assert adl and adl[0].player == 2  # bob's winning short takes the bankrupt long at its bankruptcy price
    assert g.venue.books[0].qty.sum() == 0
    assert g.venue.ledger.insurance_fund == fund0

import numpy as np
import pytest
from hypothesis import given, strategies as st

from liqgame.engine.money import MoneyError, fee_units, notional, split_pro_rata, to_lots, to_ticks, to_units


def test_lot_times_tick_is_one_unit():
    assert notional(to_lots("0.001"), to_ticks("0.1")) == 1
    assert notional(to_lots(1), to_ticks(60000)) == to_units(60000)


@pytest.mark.parametrize("bad", [0.0015, "abc", None, float("nan"), float("inf"), True, [1]])
def test_sizes_off_the_lot_are_refused(bad):
    with pytest.raises(MoneyError):
        to_lots(bad)


def test_prices_off_tick_and_amounts_finer_than_unit_are_refused():
    with pytest.raises(MoneyError):
        to_ticks(60000.05)
    with pytest.raises(MoneyError):
        to_units(0.00001)
    assert to_units(0.0001) == 1


def test_fee_rounds_up():
    assert fee_units(1, 500) == 1
    assert fee_units(2_000_000, 500) == 1000


@given(st.integers(-10**15, 10**15), st.lists(st.integers(0, 10**9), min_size=1, max_size=50))
def test_split_pro_rata_is_exact(total, weights):
    w = np.array(weights)
    if w.sum() == 0 and total != 0:
        with pytest.raises(ValueError):
            split_pro_rata(total, w)
        return
    shares = split_pro_rata(total, w)
    if total == 0:
        assert not shares.any()
        return
    assert int(shares.sum()) == total
    assert np.all(shares[w == 0] == 0)
    # every share is within one unit of its exact pro-rata value
    exact = np.array([total * x / w.sum() for x in weights])
    assert np.all(np.abs(shares - exact) <= 1.0 + 1e-6 * np.abs(exact))

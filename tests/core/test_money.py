from decimal import Decimal, FloatOperation, localcontext

import pytest

from allied.core.errors import DomainError
from allied.core.money import clean_money, format_money, from_minor, percent_of, round_money, split, to_minor

D = Decimal


def test_split_adds_up_exactly_and_gives_leftover_cents_by_largest_remainder():
    assert split(D("100.00"), [1, 1, 1], "USD") == [D("33.34"), D("33.33"), D("33.33")]
    assert split(D("0.05"), [D("50"), D("50")], "USD") == [D("0.03"), D("0.02")]  # a tie goes to the first listed
    assert split(D("10.00"), [D("70"), D("20"), D("10")], "USD") == [D("7.00"), D("2.00"), D("1.00")]
    assert split(D("-0.05"), [1, 1], "USD") == [D("-0.03"), D("-0.02")]
    assert split(D("100"), [1, 2], "JPY") == [D("33"), D("67")]
    for total in ("0.01", "99.99", "123456.78"):
        for weights in ([1, 2, 3], [D("33.3"), D("33.3"), D("33.4")], [7]):
            assert sum(split(D(total), weights, "USD")) == D(total)


def test_rounding_is_half_up_to_the_minor_unit():
    assert round_money(D("0.005"), "USD") == D("0.01")
    assert round_money(D("0.0049"), "USD") == D("0.00")
    assert round_money(D("-0.005"), "USD") == D("-0.01")
    assert round_money(D("0.0005"), "KWD") == D("0.001")
    assert percent_of(D("1234.56"), D("7.5"), "USD") == D("92.59")


def test_minor_units_round_trip():
    assert to_minor(D("12.34"), "USD") == 1234
    assert from_minor(1234, "USD") == D("12.34")
    assert to_minor(D("5"), "JPY") == 5
    with pytest.raises(TypeError):
        to_minor(12.34, "USD")
    with pytest.raises(TypeError):
        from_minor(12.0, "USD")


def test_clean_money_names_the_problem():
    assert clean_money("1,250.50", "USD") == D("1250.50")
    with pytest.raises(DomainError, match="floating-point"):
        clean_money(1.5, "USD")
    with pytest.raises(DomainError, match="decimal place"):
        clean_money("1.5", "JPY")
    with pytest.raises(DomainError, match="negative"):
        clean_money("-3", "USD")
    with pytest.raises(DomainError) as err:
        clean_money("abc", "USD", field="budget")
    assert err.value.field == "budget"


def test_float_mixing_is_trapped_in_the_test_suite():
    with pytest.raises(FloatOperation):
        D("1.10") < 1.2  # noqa: B015
    with localcontext() as ctx:
        ctx.traps[FloatOperation] = False
        assert D("1") < 2.0


def test_money_is_formatted_the_same_everywhere():
    assert format_money(D("1234.5"), "USD") == "1,234.50 USD"
    assert format_money(D("1234"), "JPY") == "1,234 JPY"

import math

import pytest
import torch

from backprop.compare import compare, significant


@pytest.mark.parametrize("value, text", [
    (-553375024.0, "-5.5338e+08"),
    (0.0, "0.0000e+00"),
    (-0.0, "0.0000e+00"),
    (1.23456e-7, "1.2346e-07"),
    (math.inf, "inf"),
    (-math.inf, "-inf"),
    (math.nan, "nan"),
])
def test_significant(value, text):
    assert significant(value) == text


def test_identical_tensors_are_bitwise():
    a = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
    result = compare("W1", a, a.clone())
    assert result.agree and result.bitwise and result.differ == 0
    assert result.max_abs_error == 0 and result.max_rel_error == 0 and result.shape == (4, 5)


def test_negative_zero_agrees_but_is_not_bitwise():
    result = compare("b", torch.tensor([0.0, 1.0]), torch.tensor([-0.0, 1.0]))
    assert result.agree and not result.bitwise


def test_differences_are_counted_at_the_digit_asked():
    a = torch.tensor([1.00000, 2.0, 3.0], dtype=torch.float64)
    b = torch.tensor([1.0001, 2.0, 3.1], dtype=torch.float64)
    five, four = compare("x", a, b), compare("x", a, b, digits=4)
    assert five.differ == 2 and not five.agree
    assert four.differ == 1
    assert five.max_abs_error == pytest.approx(0.1)
    assert five.max_rel_error == pytest.approx(0.1 / 3.1)


def test_nonfinite_values_are_reported_not_crashed():
    a = torch.tensor([math.inf, math.nan, 1.0, 2.0])
    b = torch.tensor([math.inf, math.nan, 1.0, math.inf])
    result = compare("g", a, b)
    assert result.nonfinite == 3
    assert result.differ == 1            # inf vs 2.0; nan vs nan and inf vs inf print alike
    assert result.max_abs_error == 0.0   # over the entries finite in both
    assert not result.agree              # inf and nan have no digits to agree on
    same = compare("g", a, a.clone())
    assert same.bitwise and same.differ == 0 and not same.agree


def test_dtypes_compare_by_value():
    a = torch.tensor([0.1], dtype=torch.float32)
    result = compare("w", a, a.double())
    assert not result.bitwise and result.agree


def test_shapes_must_match():
    with pytest.raises(ValueError, match="shapes"):
        compare("W1", torch.zeros(2, 3), torch.zeros(3, 2))


def test_vectorized_count_matches_string_formatting():
    from backprop.compare import count_differ

    g = torch.Generator().manual_seed(3)
    base = torch.randn(20000, generator=g, dtype=torch.float64) * 10.0 ** torch.randint(
        -30, 30, (20000,), generator=g)
    # neighbours at every distance: 1 ulp, around the 5th and 6th digit, far; and ties
    scale = 10.0 ** -torch.randint(3, 17, (20000,), generator=g).double()
    other = base * (1 + scale * torch.randn(20000, generator=g, dtype=torch.float64))
    ties = torch.tensor([1.00005, 1.00015, 9.99995, 9.99994999, 123.455, -2.50005e-7, 0.0,
                         9.7589070725050001e-04], dtype=torch.float64)
    subnormal = torch.tensor([5e-324, 8.59075e-310, 2.2e-308, 1e308], dtype=torch.float64)
    a = torch.cat([base, ties, subnormal])
    b = torch.cat([other, ties.nextafter(torch.tensor(10.0, dtype=torch.float64)),
                   subnormal * (1 + 1e-6)])
    for digits in range(1, 18):
        expected = sum(significant(x, digits) != significant(y, digits)
                       for x, y in zip(a.tolist(), b.tolist()))
        assert count_differ(a, b, digits) == expected, digits
        assert expected > 0

"""IEEE -> IBM System/370 double conversion.

Expected words come from outside the code under test: published encodings (the
IBM hexadecimal floating-point article's -118.625 example, the format's largest and
smallest normalised numbers) and an independent decoder written below from the format
definition (sign bit, excess-64 base-16 exponent, 56-bit fraction 0.f), evaluated with
exact rational arithmetic.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdisc_dm.io.ibm_float import IBM_MAX, IBM_MIN_NORMAL, convert_ieee_to_ibm, ieee_to_ibm


def decode_ibm(word: bytes) -> Fraction | None:
    """Independent decoder: value of one 8-byte IBM double; None for SAS missing '.'."""
    assert len(word) == 8
    if word[0] == 0x2E and word[1:] == bytes(7):
        return None
    sign = -1 if word[0] & 0x80 else 1
    exponent = (word[0] & 0x7F) - 64
    fraction = Fraction(int.from_bytes(word[1:], "big"), 2**56)
    return sign * fraction * Fraction(16) ** exponent


def words_of(values) -> list[bytes]:
    raw = ieee_to_ibm(np.asarray(values, dtype=np.float64)).tobytes()
    return [raw[i : i + 8] for i in range(0, len(raw), 8)]


@pytest.mark.parametrize(
    ("value", "expected_hex"),
    [
        (1.0, "4110000000000000"),  # 1 = 0x.1 * 16**1
        (-118.625, "c276a00000000000"),  # the classic worked example of the IBM format
        (0.5, "4080000000000000"),
        (16.0, "4210000000000000"),
        (0.0, "0000000000000000"),
        (-0.0, "0000000000000000"),  # SAS has one zero
        (float("nan"), "2e00000000000000"),  # SAS ordinary missing "."
    ],
)
def test_published_encodings(value, expected_hex):
    assert words_of([value])[0].hex() == expected_hex


def test_range_ends_match_the_format_limits():
    # largest IBM double 0x7FFFFFFFFFFFFFFF = (1 - 16**-14) * 16**63; its nearest IEEE double
    # (1 - 2**-53) * 2**252 is the largest double below 16**63 and converts exactly
    largest_ieee_below = math.nextafter(IBM_MAX, 0.0)
    word = words_of([largest_ieee_below])[0]
    assert word[0] == 0x7F
    assert decode_ibm(word) == Fraction(largest_ieee_below)
    # smallest normalised IBM double 0x0010000000000000 = 16**-65
    assert words_of([IBM_MIN_NORMAL])[0].hex() == "0010000000000000"
    assert IBM_MIN_NORMAL == pytest.approx(5.397605346934028e-79, rel=1e-15)
    assert IBM_MAX == pytest.approx(7.2370055773322621e75, rel=1e-15)


def test_overflow_and_infinity_are_reported_not_written():
    values = np.array([1e75, 1e76, -1e76, np.inf, -np.inf, 7.2e75])
    conv = convert_ieee_to_ibm(values)
    assert conv.overflow.tolist() == [1, 2, 3, 4]
    assert decode_ibm(conv.words[0:1].tobytes()) == Fraction(1e75)  # 1e75 < 16**63 still fits
    assert decode_ibm(conv.words[5:6].tobytes()) == Fraction(7.2e75)
    with pytest.raises(ValueError, match="outside the IBM double range"):
        ieee_to_ibm(values)


def test_underflow_is_reported_and_written_as_zero():
    values = np.array([1e-300, -1e-300, 5e-324, 5.3e-79, 5.4e-79, 1e-78])
    conv = convert_ieee_to_ibm(values)
    assert conv.underflow.tolist() == [0, 1, 2, 3]
    raw = conv.words.tobytes()
    assert raw[:32] == bytes(32)
    assert decode_ibm(raw[32:40]) == Fraction(5.4e-79)
    assert decode_ibm(raw[40:48]) == Fraction(1e-78)


def test_integers_up_to_two_to_the_53_are_exact():
    values = [2.0**53, 2.0**53 - 1, -(2.0**53), 123456789012345.0, 1.0, 255.0, 4096.0]
    for value, word in zip(values, words_of(values)):
        assert decode_ibm(word) == Fraction(value)


in_range = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda x: x == 0.0 or IBM_MIN_NORMAL <= abs(x) < IBM_MAX
)


@settings(max_examples=500, deadline=None)
@given(st.lists(in_range, min_size=1, max_size=20))
def test_in_range_values_convert_exactly_and_normalised(values):
    for value, word in zip(values, words_of(values)):
        assert decode_ibm(word) == Fraction(value)
        if value != 0.0:
            # normalised: the first hexadecimal digit of the fraction is not zero
            assert word[1] >> 4 != 0


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)))
def test_decimal_fractions_round_trip_through_the_decoder(value):
    # values as clinical data carries them (0.1, 12.345): IEEE -> IBM -> exact decode gives the same double
    assert float(decode_ibm(words_of([value])[0])) == value

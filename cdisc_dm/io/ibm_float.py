"""IEEE 754 doubles to IBM System/370 double precision and back, by array arithmetic.

SAS transport (XPORT) version 5 stores every numeric value as an 8-byte IBM
hexadecimal floating-point number: 1 sign bit, a 7-bit base-16 exponent in
excess-64 notation and a 56-bit fraction ``0.f`` normalised so that its first
hexadecimal digit is not zero; the value is ``(-1)**s * 0.f * 16**(e - 64)``.
Missing numeric values are not numbers at all: SAS writes the missing-value
code as the first byte (``.`` = 0x2E for the ordinary missing value) followed
by seven zero bytes.

Because an IEEE double has a 53-bit significand and the IBM fraction holds 56
bits, every IEEE double inside the IBM range converts *exactly* (the base-16
normalisation costs at most 3 leading bits). The only losses are at the range
ends, and they are handled explicitly:

* ``|x| >= 16**63`` (about 7.237e75) cannot be represented: the caller gets the
  positions back and must raise (the XPT writer raises ``OutputError``);
  infinities are treated the same way.
* ``0 < |x| < 16**-65`` (about 5.398e-79, which includes IEEE subnormals)
  underflows: it is written as zero (SAS does the same when it writes a
  transport file on an IEEE machine). The positions are reported too.
* ``-0.0`` is written as ``+0`` (all zero bytes); SAS has a single zero.

Example::

    >>> ieee_to_ibm(np.array([1.0, -118.625, np.nan])).tobytes().hex(" ", 8)
    '4110000000000000 c276a00000000000 2e00000000000000'
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ieee_to_ibm", "ibm_to_ieee", "IbmConversion", "convert_ieee_to_ibm", "IBM_MAX", "IBM_MIN_NORMAL",
           "SAS_MISSING"]

#: the largest magnitude an IBM double can hold is just under 16**63
IBM_MAX = float(16.0**63)
#: the smallest normalised IBM double: 1/16 * 16**-64
IBM_MIN_NORMAL = float(16.0**-65)
#: big-endian bytes of SAS's ordinary missing value "."
SAS_MISSING = np.uint64(0x2E00000000000000)

_MANTISSA_MASK = np.uint64((1 << 52) - 1)
_HIDDEN_BIT = np.uint64(1 << 52)
_FRACTION_MASK = np.uint64((1 << 56) - 1)
# first byte of the SAS missing values ".", "._" and ".A"-".Z" (the other seven bytes are zero, TS-140)
_MISSING_FIRST = np.array([0x2E, 0x5F, *range(0x41, 0x5B)], dtype=np.uint64)


@dataclass(frozen=True)
class IbmConversion:
    """The converted words plus the positions that could not be converted exactly."""

    words: np.ndarray  # big-endian uint64 ('>u8'), one per input value
    overflow: np.ndarray  # int positions of values with |x| >= 16**63 or infinite
    underflow: np.ndarray  # int positions of non-zero values written as zero


def convert_ieee_to_ibm(values: np.ndarray) -> IbmConversion:
    """Convert float64 values to IBM doubles; NaN becomes the SAS missing value ``.``.

    Overflowing positions are returned (their words are left as missing) so that the
    caller can name the offending row; underflowing positions are returned and written as 0.
    """
    x = np.ascontiguousarray(values, dtype=np.float64)
    bits = x.view(np.uint64)
    sign = bits >> np.uint64(63)
    biased = ((bits >> np.uint64(52)) & np.uint64(0x7FF)).astype(np.int64)
    mant53 = (bits & _MANTISSA_MASK) | _HIDDEN_BIT

    # x = m * 2**e2 with 0.5 <= m < 1 for a normal IEEE double: e2 = biased - 1022.
    e2 = biased - 1022
    # The IBM exponent q is the smallest integer with 16**q > |x|, i.e. ceil(e2 / 4);
    # the fraction is then m * 2**(e2 - 4q), which lies in [1/16, 1).
    q = -((-e2) // 4)
    shift = (3 + e2 - 4 * q).astype(np.uint64)  # 0..3: the fraction*2**56 is mant53 << shift
    frac56 = mant53 << shift
    exponent = q + 64

    nan = np.isnan(x)
    zero = (x == 0.0)
    # biased == 0 are IEEE zeros/subnormals; both are below the IBM range or zero.
    under = ~nan & ~zero & ((biased == 0) | (exponent < 0))
    over = ~nan & ((biased == 0x7FF) | (exponent > 127))  # infinities and |x| >= 16**63

    safe_exp = np.clip(exponent, 0, 127).astype(np.uint64)
    words = (sign << np.uint64(63)) | (safe_exp << np.uint64(56)) | frac56
    words[zero | under] = np.uint64(0)
    words[nan | over] = SAS_MISSING
    return IbmConversion(
        words=words.astype(">u8"),
        overflow=np.flatnonzero(over),
        underflow=np.flatnonzero(under),
    )


def ieee_to_ibm(values: np.ndarray) -> np.ndarray:
    """Big-endian IBM double words for ``values``; raises ValueError on overflow.

    >>> ieee_to_ibm(np.array([0.1])).tobytes().hex()
    '401999999999999a'
    """
    conv = convert_ieee_to_ibm(values)
    if conv.overflow.size:
        first = int(conv.overflow[0])
        raise ValueError(f"value {values[first]!r} at position {first} is outside the IBM double range (|x| < 16**63)")
    return conv.words


def ibm_to_ieee(words: np.ndarray) -> np.ndarray | None:
    """float64 values of IBM doubles given as uint64 words (big-endian byte order read as one number).

    Every SAS missing value (``.``, ``._``, ``.A``-``.Z``: that byte first, seven zero bytes) becomes
    NaN. Returns None when a fraction has more than 53 significant bits: an IEEE double cannot hold
    it exactly and the rounding is the reference reader's (pyreadstat) business, not ours.

    >>> ibm_to_ieee(np.frombuffer(bytes.fromhex("4110000000000000 c276a00000000000 4100000000000000"), ">u8"))
    array([   1.   , -118.625,      nan])
    """
    u = np.asarray(words).astype(np.uint64)
    sign = (u >> np.uint64(63)).astype(bool)
    exponent = ((u >> np.uint64(56)) & np.uint64(0x7F)).astype(np.int64)
    fraction = u & _FRACTION_MASK
    as_float = fraction.astype(np.float64)
    # every value our writer produced has at most 53 significant bits, so this conversion is exact
    # and so is ldexp by the binary exponent; a 54-56-bit fraction from a foreign file would round
    if (as_float.astype(np.uint64) != fraction).any():
        return None
    value = np.ldexp(as_float, (4 * (exponent - 64) - 56).astype(np.int32))
    np.negative(value, out=value, where=sign)
    zero = np.flatnonzero(fraction == 0)
    value[zero[np.isin(u[zero] >> np.uint64(56), _MISSING_FIRST)]] = np.nan
    return value

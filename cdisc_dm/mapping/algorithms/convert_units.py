"""``convert_units``: a result or range limit in original units to standard units.

SDTMIG 3.4 section 6.3.5.5 (LB) assumptions: --ORRES/--ORRESU keep the result as collected,
--STRESC holds the result in a standard format and unit, --STRESN its numeric form, and
--STNRLO/--STNRHI the reference range in the standard unit. The factor to go from the collected
unit to the test's standard unit is read from tables kept as data, never from code:

* ``specs/units/factors.csv`` — facts of measurement, each with its published source: unit
  identities and prefixes valid for any analyte (IU/L = U/L, g/dL x 10 = g/L,
  10^3/uL = 10^9/L) and analyte-specific molar factors (creatinine, bilirubin: mg/dL to umol/L);
  a factor also converts in reverse (1/factor);
* the standard unit of each test is a study decision, in the spec's test table (``lb_tests.csv``).

Results that are not plain numbers follow the LB assumptions: a censored result such as
``<0.50`` or ``>3000`` keeps its operator in --STRESC (the limit converted) and leaves --STRESN
empty; qualitative results are put in standard text (``NEG`` -> ``NEGATIVE``). Data problems are
Issues naming file, raw row and value, never exceptions: a unit with no factor to the standard
unit (MAP-UNIT-UNKNOWN), a non-numeric result for a numeric test (MAP-RESULT-NOTNUM).

Example::

    LBSTRESN: {convert_units: {value: LBORRES, unit: LBORRESU, test: LBTESTCD, to: LBSTRESU, type: _RESTYPE}}
    LBSTRESC: {convert_units: {value: LBORRES, unit: LBORRESU, test: LBTESTCD, to: LBSTRESU, type: _RESTYPE, output: text, report: false}}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._tables import FACTORS_FILE, map_distinct, norm_unit, unit_factors
from ._text import clean_text

__all__ = ["ConvertUnitsParams", "convert_units", "parse_results", "conversion_factors", "format_numbers", "DEFAULT_TEXT"]

# Qualitative results in standard text (SDTMIG 3.4 LB assumption: --STRESC in a standard format)
DEFAULT_TEXT = {"NEG": "NEGATIVE", "NEGATIVE": "NEGATIVE", "POS": "POSITIVE", "POSITIVE": "POSITIVE"}
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
DECIMALS = 6  # converted values are rounded here to drop binary floating-point noise (13.2 x 10 = 132.00000000000003)


@dataclass(frozen=True)
class ConvertUnitsParams:
    value: Ref = field(metadata={"doc": "the result or range limit as collected (e.g. LBORRES, lab.REFLOW)"})
    unit: Ref = field(metadata={"doc": "the collected unit (e.g. LBORRESU)"})
    test: Ref = field(metadata={"doc": "the test code, for analyte-specific factors (e.g. LBTESTCD)"})
    to: Ref = field(metadata={"doc": "the standard unit (e.g. LBSTRESU)"})
    output: Literal["number", "text"] = field(default="number", metadata={"doc": "number (--STRESN, --STNRLO/HI) or text (--STRESC)"})
    type: Ref | None = field(default=None, metadata={"doc": "the test's result type, NUM or CHAR (numeric expected when null)"})
    factors: str = field(default=FACTORS_FILE, metadata={"doc": "the factor table under specs/"})
    text: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TEXT), metadata={"doc": "qualitative results -> standard text"})
    report: bool = field(default=True, metadata={"doc": "report unknown units and non-numeric results as Issues"})


def parse_results(values: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """(operator '', '<', '<=', '>', '>=' or missing for text; the number; cleaned text).

    >>> op, num, _ = parse_results(pd.Series(["12.5", "<0.50", ">3000", "NEG", None]))
    >>> op.tolist(), num.tolist()
    (['', '<', '>', nan, nan], [12.5, 0.5, 3000.0, nan, nan])
    """
    # results repeat a lot (units, "NEG", common values): parse each distinct text once
    values = pd.Series(values)
    codes, uniques = pd.factorize(values if values.dtype != object else values.astype("str"), use_na_sentinel=True)
    u_text = clean_text(pd.Series(np.asarray(uniques, dtype=object), dtype="str"))
    parts = u_text.str.extract(rf"^\s*(<=|>=|<|>)?\s*({_NUMBER})\s*$")
    u_num = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    u_op = parts[0].where(parts[1].notna()).astype("str")
    u_op = u_op.where(u_op.notna() | parts[1].isna(), "")
    has = codes >= 0
    take = np.where(has, codes, 0)
    number = np.where(has, u_num[take] if len(u_num) else np.nan, np.nan)
    # spread the distinct values back with an array take (no per-record Python objects)
    def spread(u: pd.Series) -> pd.Series:
        if not len(u):
            return pd.Series(np.nan, index=values.index, dtype="str")
        out = u.astype("str").take(take)
        out.index = values.index
        return out.where(has) if not has.all() else out

    op, text = spread(u_op), spread(u_text)
    return op, number, text


def conversion_factors(tests: pd.Series, units: pd.Series, to_units: pd.Series, table: pd.DataFrame) -> np.ndarray:
    """Factor per record from ``units`` to ``to_units`` for each test; NaN where none is known.

    Order of precedence: same unit (1); the analyte's own factor; a factor valid for any
    analyte; either of those in reverse (1/factor). Both units missing gives 1 (a unit-less
    result such as a ratio); one missing gives NaN.

    >>> t = pd.DataFrame({"analyte": ["CREAT", None], "from_unit": ["mg/dL", "g/dL"], "to_unit": ["umol/L", "g/L"], "factor": [88.42, 10.0]})
    >>> conversion_factors(pd.Series(["CREAT", "HGB"]), pd.Series(["mg/dL", "g/dL"]), pd.Series(["umol/L", "g/L"]), t).tolist()
    [88.42, 10.0]
    """
    lookup: dict[tuple[str, str, str], float] = {}
    t_an = table["analyte"].astype("str").str.strip().str.upper().fillna("")
    t_from, t_to = norm_unit(table["from_unit"]), norm_unit(table["to_unit"])
    for a, f, to, x in zip(t_an, t_from, t_to, table["factor"].astype("float64")):
        lookup.setdefault((a, f, to), x)
    for a, f, to, x in zip(t_an, t_from, t_to, table["factor"].astype("float64")):
        lookup.setdefault((a, to, f), 1.0 / x)
    # one resolution per distinct (test, unit, standard unit), not per record: factorize each
    # column, combine the codes into one integer key, resolve the few distinct keys
    parts = [pd.factorize(pd.Series(v).astype("str"), use_na_sentinel=True) for v in (tests, units, to_units)]
    sizes = [len(u) + 1 for _, u in parts]
    combined = ((parts[0][0] + 1) * sizes[1] + (parts[1][0] + 1)) * sizes[2] + (parts[2][0] + 1)
    codes, uniq = pd.factorize(combined)

    def level(i: int, digit: np.ndarray, norm) -> np.ndarray:
        values = np.array([None] + list(norm(pd.Series(np.asarray(parts[i][1], dtype=object), dtype="str")).to_numpy(dtype=object, na_value=None)), dtype=object)
        return values[digit]

    uniq = np.asarray(uniq, dtype="int64")
    u_a = level(0, uniq // (sizes[1] * sizes[2]), lambda x: clean_text(x).str.upper())
    u_f = level(1, (uniq // sizes[2]) % sizes[1], norm_unit)
    u_t = level(2, uniq % sizes[2], norm_unit)
    factors = np.full(len(uniq), np.nan)
    for i, (a, f, to) in enumerate(zip(u_a, u_f, u_t)):
        if f is None and to is None:
            factors[i] = 1.0
        elif f is None or to is None:
            continue
        elif f == to:
            factors[i] = 1.0
        else:
            factors[i] = lookup.get((a or "", f, to), lookup.get(("", f, to), np.nan))
    return factors[codes] if len(factors) else np.full(len(codes), np.nan)


def format_numbers(values: np.ndarray) -> pd.Series:
    """Numbers as text without float noise or a trailing '.0' (132.0 -> '132', 79.578 -> '79.578')."""
    codes, uniq = pd.factorize(np.round(np.asarray(values, dtype="float64"), DECIMALS), use_na_sentinel=True)
    if not len(uniq):
        return pd.Series(np.nan, index=range(len(codes)), dtype="str")
    u_text = pd.Series(uniq, dtype="float64").astype("str").str.replace(r"\.0$", "", regex=True)
    has = codes >= 0
    out = u_text.take(np.where(has, codes, 0)).reset_index(drop=True)
    return out.where(has) if not has.all() else out


@register("convert_units", ConvertUnitsParams, origin="Derived",
          method="{value} converted from {unit} to the standard unit {to} with the factor for {test} and unit "
                 "(specs/{factors}; same unit: 1); censored results (<x, >x) keep the operator in text and have no number.")
def convert_units(ctx: Context, p: ConvertUnitsParams) -> pd.Series:
    """{value} in the standard unit {to}."""
    frame = ctx.frame
    op, number, text = parse_results(frame[p.value])
    to = frame[p.to]
    factor = conversion_factors(frame[p.test], frame[p.unit], to, unit_factors(p.factors))
    converted = np.round(number * factor, DECIMALS)
    numeric_test = (np.ones(len(frame), bool) if p.type is None
                    else map_distinct(frame[p.type], lambda u: clean_text(u).str.upper()).ne("CHAR").fillna(True).to_numpy(dtype=bool))
    has_number = ~np.isnan(number)
    if p.report:
        mask = ctx.mask if ctx.mask is not None else np.ones(len(frame), bool)
        # a record whose test is unknown is already reported (MAP-TABLE-UNMATCHED): no second finding
        mask = mask & frame[p.test].notna().to_numpy()
        unknown = has_number & np.isnan(factor) & numeric_test & mask
        if unknown.any():
            test = clean_text(frame[p.test]).fillna("?")
            target = clean_text(to).fillna("(none)")
            unit = clean_text(frame[p.unit]).fillna("(blank)")
            for (t, u), _ in pd.DataFrame({"t": test[unknown], "u": target[unknown]}).groupby(["t", "u"], sort=True):
                sel = unknown & (test == t).to_numpy() & (target == u).to_numpy()
                ctx.issues_by_value(
                    "MAP-UNIT-UNKNOWN",
                    f"unit {{value!r}} of test {t} has no conversion factor to the standard unit {u} "
                    f"(specs/{p.factors}) ({{count}} records, raw rows {{rows}}); standard result left empty",
                    sel, unit)
        notnum = text.notna().to_numpy() & ~has_number & numeric_test & mask
        ctx.issues_by_value(
            "MAP-RESULT-NOTNUM",
            f"{p.value} {{value!r}} is not a number but the test is numeric ({{count}} records, raw rows {{rows}}); "
            f"kept as text in the standard result, numeric result left empty",
            notnum, text)
    if p.output == "number":
        return pd.Series(np.where(op.eq("").fillna(False).to_numpy(), converted, np.nan), index=frame.index)
    num_text = format_numbers(converted)
    num_text.index = frame.index
    table = {k.upper(): v for k, v in p.text.items()}

    def standard(u: pd.Series) -> pd.Series:
        norm = u.str.upper().str.replace(r"\s+", " ", regex=True)
        return norm.map(table).fillna(norm)

    qualitative = map_distinct(text, standard)
    out = qualitative.where(op.isna(), op.fillna("") + num_text)
    # a number whose unit cannot be converted has no standard text either (it would mislabel the unit)
    out = out.mask(has_number & np.isnan(converted))
    return out.astype("str")

"""String operators: regular expressions, prefixes/suffixes, substrings, lengths.

``matches_regex`` follows CORE's reference: the pattern must match at the START of the value
(Python ``re.match``); anchor with ``$`` for a full match. Empty values never match a regex and
never "fail to match" one either (``not_matches_regex`` is False on empty values), because an
empty value is the business of ``empty``/``non_empty`` conditions.

Example::

    - name: --TESTCD
      operator: not_matches_regex
      value: ^[A-Z_][A-Z0-9_]{0,7}$
"""
from __future__ import annotations

import re

import pandas as pd

from ..context import EvalContext
from ..rule import Condition
from ..values import as_text, broadcast, to_number
from ._registry import operator


def _text(ctx: EvalContext, cond: Condition) -> pd.Series:
    return as_text(ctx.target(cond))


def _pattern(cond: Condition) -> str:
    return str(cond.value)


def _match(text: pd.Series, pattern: str) -> pd.Series:
    rx = re.compile(pattern)
    uniq = pd.unique(text)
    hits = {u: bool(rx.match(u)) if u != "" else False for u in uniq}
    return text.map(hits).astype(bool)


@operator("matches_regex")
def matches_regex(ctx, cond):
    t = _text(ctx, cond)
    return _match(t, _pattern(cond))


@operator("not_matches_regex")
def not_matches_regex(ctx, cond):
    t = _text(ctx, cond)
    return ~_match(t, _pattern(cond)) & (t != "")


def _part(t: pd.Series, cond: Condition, side: str) -> pd.Series:
    n = cond.param(side)
    if n is None:
        return t
    n = int(n)
    return t.str[:n] if side == "prefix" else t.str[-n:]


@operator("prefix_matches_regex")
def prefix_matches_regex(ctx, cond):
    t = _text(ctx, cond)
    return _match(_part(t, cond, "prefix"), _pattern(cond))


@operator("not_prefix_matches_regex")
def not_prefix_matches_regex(ctx, cond):
    t = _text(ctx, cond)
    return ~_match(_part(t, cond, "prefix"), _pattern(cond)) & (t != "")


@operator("suffix_matches_regex")
def suffix_matches_regex(ctx, cond):
    t = _text(ctx, cond)
    return _match(_part(t, cond, "suffix"), _pattern(cond))


@operator("not_suffix_matches_regex")
def not_suffix_matches_regex(ctx, cond):
    t = _text(ctx, cond)
    return ~_match(_part(t, cond, "suffix"), _pattern(cond)) & (t != "")


def _value_text(ctx: EvalContext, cond: Condition, index: pd.Index) -> pd.Series:
    c = ctx.comparator(cond)
    if isinstance(c, pd.Series):
        return as_text(c)
    return broadcast("" if c is None else str(c), index)


def _prefix_cmp(ctx, cond, side):
    t = _text(ctx, cond)
    v = _value_text(ctx, cond, t.index)
    n = cond.param(side)
    if n is None:
        n = int(v.str.len().max() or 0)
    part = t.str[: int(n)] if side == "prefix" else t.str[-int(n):]
    vpart = v.str[: int(n)] if side == "prefix" else v.str[-int(n):]
    return (part == vpart) & (t != "")


@operator("prefix_equal_to")
def prefix_equal_to(ctx, cond):
    return _prefix_cmp(ctx, cond, "prefix")


@operator("prefix_not_equal_to")
def prefix_not_equal_to(ctx, cond):
    t = _text(ctx, cond)
    return ~_prefix_cmp(ctx, cond, "prefix") & (t != "")


@operator("suffix_equal_to")
def suffix_equal_to(ctx, cond):
    return _prefix_cmp(ctx, cond, "suffix")


@operator("suffix_not_equal_to")
def suffix_not_equal_to(ctx, cond):
    t = _text(ctx, cond)
    return ~_prefix_cmp(ctx, cond, "suffix") & (t != "")


def _affix_test(ctx, cond, method: str) -> pd.Series:
    t = _text(ctx, cond)
    c = ctx.comparator(cond)
    if not isinstance(c, pd.Series):  # one literal: vectorized string method
        want = "" if c is None else str(c)
        return getattr(t.str, method)(want) & (want != "") if want else pd.Series(False, index=t.index)
    v = as_text(c)
    return pd.Series([getattr(a, method)(b) and b != "" for a, b in zip(t, v)], index=t.index, dtype=bool)


@operator("starts_with")
def starts_with(ctx, cond):
    return _affix_test(ctx, cond, "startswith")


@operator("ends_with")
def ends_with(ctx, cond):
    return _affix_test(ctx, cond, "endswith")


def _contains(ctx: EvalContext, cond: Condition, case_insensitive: bool = False) -> pd.Series:
    """``value`` is an element of the target's list (list-valued columns) or a substring of its text."""
    t = ctx.target(cond)
    c = ctx.comparator(cond)
    if t.dtype == object and len(t) and all(isinstance(x, (list, set, tuple, frozenset)) for x in t):
        if isinstance(c, pd.Series):
            vals = list(c)
        else:
            vals = [c] * len(t)
        if case_insensitive:
            return pd.Series([str(v).upper() in {str(x).upper() for x in items} for items, v in zip(t, vals)], index=t.index, dtype=bool)
        return pd.Series([v in items for items, v in zip(t, vals)], index=t.index, dtype=bool)
    tt = as_text(t)
    if case_insensitive:
        tt = tt.str.upper()
    if not isinstance(c, pd.Series):  # one literal: a vectorized substring test
        want = "" if c is None else str(c)
        want = want.upper() if case_insensitive else want
        return tt.str.contains(want, regex=False) if want else pd.Series(False, index=t.index)
    vv = as_text(c).str.upper() if case_insensitive else as_text(c)
    return pd.Series([b != "" and b in a for a, b in zip(tt, vv)], index=t.index, dtype=bool)


@operator("contains")
def contains(ctx, cond):
    return _contains(ctx, cond)


@operator("does_not_contain")
def does_not_contain(ctx, cond):
    return ~_contains(ctx, cond)


@operator("contains_case_insensitive")
def contains_case_insensitive(ctx, cond):
    return _contains(ctx, cond, True)


@operator("does_not_contain_case_insensitive")
def does_not_contain_case_insensitive(ctx, cond):
    return ~_contains(ctx, cond, True)


def _length_operand(ctx: EvalContext, cond: Condition, index) -> pd.Series:
    c = ctx.comparator(cond)
    if isinstance(c, pd.Series):
        return to_number(c) if pd.api.types.is_numeric_dtype(c) else as_text(c).str.len().astype(float)
    return pd.Series(float(c), index=index)


def _lengths(ctx: EvalContext, cond: Condition) -> pd.Series:
    t = ctx.target(cond)
    return as_text(t).str.len().astype(float)


@operator("longer_than")
def longer_than(ctx, cond):
    n = _lengths(ctx, cond)
    return n > _length_operand(ctx, cond, n.index)


@operator("longer_than_or_equal_to")
def longer_than_or_equal_to(ctx, cond):
    n = _lengths(ctx, cond)
    return n >= _length_operand(ctx, cond, n.index)


@operator("shorter_than")
def shorter_than(ctx, cond):
    n = _lengths(ctx, cond)
    return n < _length_operand(ctx, cond, n.index)


@operator("shorter_than_or_equal_to")
def shorter_than_or_equal_to(ctx, cond):
    n = _lengths(ctx, cond)
    return n <= _length_operand(ctx, cond, n.index)


@operator("has_equal_length")
def has_equal_length(ctx, cond):
    n = _lengths(ctx, cond)
    other = as_text(ctx.series(cond.value)).str.len().astype(float)
    return n == other


@operator("has_not_equal_length")
def has_not_equal_length(ctx, cond):
    return ~has_equal_length(ctx, cond)


def _string_part(ctx: EvalContext, cond: Condition) -> pd.Series:
    """``equals_string_part``: the target equals the regex group 1 of ``value`` (a column or dataset_name)."""
    t = _text(ctx, cond)
    src = cond.value
    if src == "dataset_name":
        source = broadcast(ctx.dataset.name, t.index)
    else:
        source = as_text(ctx.series(src))
    rx = re.compile(str(cond.param("regex", "(.*)")))
    parts = source.map(lambda s: (m.group(1) if m.groups() else m.group(0)) if (m := rx.match(s)) else None)
    return pd.Series([p is not None and a == p for a, p in zip(t, parts)], index=t.index, dtype=bool)


@operator("equals_string_part")
def equals_string_part(ctx, cond):
    return _string_part(ctx, cond)


@operator("does_not_equal_string_part")
def does_not_equal_string_part(ctx, cond):
    t = _text(ctx, cond)
    return ~_string_part(ctx, cond) & (t != "")


def _split_equal(ctx, cond):
    t = _text(ctx, cond)
    sep = str(cond.param("separator", "/"))
    parts = t.str.split(sep, n=1, expand=True)
    if parts.shape[1] < 2:
        return pd.Series(False, index=t.index), pd.Series(False, index=t.index)
    has = parts[1].notna()
    eq = parts[0].str.len() == parts[1].str.len()
    return has & eq, has & ~eq


@operator("split_parts_have_equal_length")
def split_parts_have_equal_length(ctx, cond):
    return _split_equal(ctx, cond)[0]


@operator("split_parts_have_unequal_length")
def split_parts_have_unequal_length(ctx, cond):
    return _split_equal(ctx, cond)[1]


"""Indexed ADaM variable names (the ADaMIG 1.3 naming conventions for indexed variables).

ADaMIG writes numbered variables with lower-case placeholders: ``xx`` and ``zz`` are two
digits (01-99), ``y`` and ``w`` one digit (1-9), e.g. ``TRTxxP`` -> ``TRT01P``,
``TRxxPGy`` -> ``TR01PG1``. The label carries the same placeholder as a word
("Planned Treatment for Period xx").

Example::

    expand_pattern(meta_trtxxp, {"xx": "02"}).label   # 'Planned Treatment for Period 02'
"""
from __future__ import annotations

import itertools
import re
from dataclasses import replace
from functools import lru_cache

from .metadata import VariableMeta

__all__ = ["is_pattern", "placeholders", "pattern_regex", "expand_pattern", "default_expansions", "match_pattern"]

_TOKEN = re.compile(r"xx|zz|y|w")
_DIGITS = {"xx": r"(\d{2})", "zz": r"(\d{2})", "y": r"([1-9])", "w": r"([1-9])"}
DEFAULT_VALUES = {"xx": ("01", "02"), "zz": ("01", "02"), "y": ("1", "2"), "w": ("1", "2")}


def is_pattern(name: str) -> bool:
    return any(c.islower() for c in name)


def placeholders(name: str) -> list[str]:
    return _TOKEN.findall(name)


@lru_cache(maxsize=None)
def pattern_regex(name: str) -> re.Pattern:
    parts = []
    pos = 0
    for m in _TOKEN.finditer(name):
        parts.append(re.escape(name[pos : m.start()]))
        parts.append(_DIGITS[m.group(0)])
        pos = m.end()
    parts.append(re.escape(name[pos:]))
    return re.compile("^" + "".join(parts) + "$")


def expand_pattern(meta: VariableMeta, values: dict[str, str], name: str | None = None) -> VariableMeta:
    """The concrete variable of ``meta`` (a pattern) for the placeholder ``values``."""
    concrete = name or _TOKEN.sub(lambda m: values[m.group(0)], meta.name)
    label = meta.label
    for token, value in values.items():
        label = re.sub(rf"\b{token}\b", value, label)
    return replace(meta, name=concrete, label=label, pattern=meta.name)


def default_expansions(meta: VariableMeta) -> list[VariableMeta]:
    """``meta`` expanded for the first two indexes of each placeholder (01/02, 1/2)."""
    tokens = placeholders(meta.name)
    out = []
    for combo in itertools.product(*(DEFAULT_VALUES[t] for t in tokens)):
        out.append(expand_pattern(meta, dict(zip(tokens, combo))))
    return out


def match_pattern(patterns: tuple[VariableMeta, ...], name: str) -> VariableMeta | None:
    """The concrete metadata of ``name`` if it instantiates one of ``patterns``."""
    for meta in patterns:
        match = pattern_regex(meta.name).match(name)
        if match:
            tokens = placeholders(meta.name)
            values: dict[str, str] = {}
            for token, value in zip(tokens, match.groups()):
                if values.setdefault(token, value) != value:
                    break  # the same placeholder twice with different digits
            else:
                return expand_pattern(meta, values, name=name)
    return None

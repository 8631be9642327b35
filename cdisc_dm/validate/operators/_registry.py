"""The operator registry: name -> function(ctx, condition) -> boolean Series."""
from __future__ import annotations

from typing import Callable

import pandas as pd

from ..execution_errors import UnknownOperator

__all__ = ["OPERATORS", "operator", "complement", "get_operator"]

OperatorFn = Callable[..., pd.Series]
OPERATORS: dict[str, OperatorFn] = {}


def operator(*names: str):
    """Register a function under one or more operator names."""

    def deco(fn: OperatorFn) -> OperatorFn:
        for n in names:
            if n in OPERATORS:
                raise ValueError(f"operator {n} registered twice")
            OPERATORS[n] = fn
        return fn

    return deco


def complement(name: str, of: str) -> None:
    """Register ``name`` as the logical complement of the operator ``of``."""
    base = OPERATORS[of]

    def fn(ctx, cond):
        return ~base(ctx, cond).astype(bool)

    fn.__name__ = name
    fn.__doc__ = f"Complement of ``{of}``."
    OPERATORS[name] = fn


def get_operator(name: str) -> OperatorFn:
    try:
        return OPERATORS[name]
    except KeyError:
        raise UnknownOperator(name) from None

"""The operation registry: name -> function(ctx, operation) -> Series | value."""
from __future__ import annotations

from typing import Any, Callable

from ..execution_errors import UnknownOperation

__all__ = ["OPERATIONS", "operation", "get_operation"]

OPERATIONS: dict[str, Callable[..., Any]] = {}


def operation(*names: str):
    def deco(fn):
        for n in names:
            if n in OPERATIONS:
                raise ValueError(f"operation {n} registered twice")
            OPERATIONS[n] = fn
        return fn

    return deco


def get_operation(name: str):
    try:
        return OPERATIONS[name]
    except KeyError:
        raise UnknownOperation(name) from None

"""``function``: a named Python function of the study (``mappings/<study>/functions.py``).

For the few derivations the catalog cannot express. The file is loaded by path with importlib;
nothing in a spec is ever evaluated as code. A study function takes the record frame and the
spec's ``args`` and returns one value per record; its docstring becomes the Define method.

Example::

    AGE: {function: {name: age_at, args: {birth: BRTHDTC, reference: RFICDTC}}}

with, in functions.py::

    def age_at(frame, birth, reference):
        '''Age in completed years at the reference date.'''
        ...
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..context import Context
from ..registry import register


@dataclass(frozen=True)
class FunctionParams:
    __shorthand__ = "name"
    name: str = field(metadata={"doc": "the function's name in the study's functions.py"})
    args: dict[str, Any] = field(default_factory=dict, metadata={"doc": "keyword arguments (column names or constants)"})


@register("function", FunctionParams, origin="Derived", method="Study function {name}.")
def function(ctx: Context, p: FunctionParams) -> pd.Series:
    """Run the study function {name}."""
    fn = ctx.functions[p.name]
    out = fn(ctx.frame, **p.args)
    if not isinstance(out, pd.Series) or len(out) != len(ctx.frame):
        raise TypeError(f"study function {p.name} must return a pandas Series with one value per record")
    out.index = ctx.frame.index
    return out

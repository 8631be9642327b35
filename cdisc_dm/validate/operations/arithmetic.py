"""Arithmetic on variables: ``arithmetic`` evaluates a small expression per record, vectorized.

The check language compares a variable with one value; ADaM derivations such as CHG = AVAL - BASE
or PCHG = 100 * CHG / BASE (ADaMIG 1.3 section 3.3.5) need the right-hand side computed first.
The expression allows numbers, variable names (``--`` prefixes and ``$id`` results too),
``+ - * /``, unary minus and parentheses; anything else is a RuleError-like execution error.
A missing operand or a division by zero gives a missing result (the check then does not fire).

Example::

    - operator: arithmetic
      expression: 100 * CHG / BASE
      id: $pchg_expected        # a float column; compare with `not_equal_to` (1e-9 relative tolerance)
"""
from __future__ import annotations

import ast
import operator as op_

import numpy as np
import pandas as pd

from ..context import EvalContext
from ..execution_errors import RuleExecutionError
from ..rule import Operation
from ..values import to_number
from ._registry import operation

_BINARY = {ast.Add: op_.add, ast.Sub: op_.sub, ast.Mult: op_.mul, ast.Div: op_.truediv}
_NAME_MARK = "__v"  # "--" and "$" are not Python: names are swapped for placeholders before parsing


def _tokens(expression: str) -> tuple[str, list[str]]:
    """Replace each variable name by a placeholder; return the Python-parsable text and the names."""
    import re

    names: list[str] = []

    def sub(m):
        names.append(m.group(0))
        return f"{_NAME_MARK}{len(names) - 1}"

    return re.sub(r"\$?(?:--)?[A-Za-z_][A-Za-z0-9_.]*", sub, expression), names


def _eval(node: ast.AST, ctx: EvalContext, names: list[str]):
    if isinstance(node, ast.Expression):
        return _eval(node.body, ctx, names)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, ctx, names), _eval(node.right, ctx, names))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _eval(node.operand, ctx, names)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id.startswith(_NAME_MARK):
        return to_number(ctx.series(names[int(node.id[len(_NAME_MARK):])])).astype("float64")
    raise RuleExecutionError(f"arithmetic: unsupported element {ast.dump(node)[:60]} (allowed: numbers, names, + - * /, parentheses)")


@operation("arithmetic")
def arithmetic(ctx: EvalContext, op: Operation) -> pd.Series:
    """``expression`` evaluated on every record (float; NaN where an operand is missing or /0)."""
    expression = op.param("expression")
    if not isinstance(expression, str) or not expression.strip():
        raise RuleExecutionError(f"operation {op.id}: arithmetic needs an `expression`")
    text, names = _tokens(expression)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise RuleExecutionError(f"operation {op.id}: cannot parse expression {expression!r}: {exc.msg}") from None
    with np.errstate(divide="ignore", invalid="ignore"):
        out = _eval(tree, ctx, names)
    if not isinstance(out, pd.Series):
        out = pd.Series(out, index=ctx.frame.index, dtype="float64")
    return out.where(np.isfinite(out.to_numpy(dtype="float64")))

"""Check operators, registered by the name CORE rules use.

Each family lives in its own module (comparison, strings, dates, existence, membership,
uniqueness, ordering). An operator takes the evaluation context and one condition and returns a
boolean Series aligned with the frame: True where the condition holds, i.e. where the rule
would report the record. ``not_*`` complements are registered next to their operator.

Example::

    from cdisc_dm.validate.operators import get_operator
    mask = get_operator("equal_to")(ctx, Condition("equal_to", name="AESER", value="Y"))
"""
from __future__ import annotations

from ._registry import OPERATORS, get_operator, operator, complement

from . import comparison, dates, existence, membership, ordering, strings, uniqueness  # noqa: F401,E402  (register)

__all__ = ["OPERATORS", "get_operator", "operator", "complement"]

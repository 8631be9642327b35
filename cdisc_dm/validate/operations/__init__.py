"""Rule Operations (``$id`` values a check refers to), registered by CORE's operator names.

An operation returns either a Series aligned with the evaluated frame (it becomes the column
``$id``) or a scalar/list/dict kept in ``ctx.values``.

Example::

    Operations:
      - operator: distinct
        domain: TV
        name: VISITNUM
        id: $tv_visitnum       # a list of TV's VISITNUM values
"""
from __future__ import annotations

from ._registry import OPERATIONS, get_operation, operation

from . import arithmetic, character_values, codelists, dataset_values, epochs, metadata, parent_records, variable_codelists  # noqa: F401,E402  (register)

__all__ = ["OPERATIONS", "get_operation", "operation"]

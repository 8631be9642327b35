"""What an operator sees while a rule runs on one dataset: the frame, the study, operation results.

Operators never parse YAML or read files: they ask the context for the target column
(``ctx.target(cond)``) and the comparator (``ctx.comparator(cond)``), with CORE's conventions:

- ``--`` in a name stands for the dataset's domain prefix (``--SEQ`` -> ``AESEQ``);
- ``$id`` refers to an operation result (a column merged onto the frame, or a scalar/list);
- ``value`` names a column when one of that name exists, unless ``value_is_literal: true``;
- ``DM.RFSTDTC`` names a column of a matched dataset (``RFSTDTC`` when no clash).

A name the dataset does not have raises :class:`ColumnMissing`; the engine then skips that
dataset for the rule (CORE reports "column not found" the same way: not a finding).

Example::

    ctx.target(Condition("equal_to", name="--OCCUR", value="N"))  # frame["AEOCCUR"]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .rule import Condition, Rule
from .study_data import StudyData, StudyDataset
from .values import column_series, distinct_objects

__all__ = ["EvalContext", "ColumnMissing", "NotApplicable"]


class ColumnMissing(Exception):
    """A check names a variable the dataset does not have."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class NotApplicable(Exception):
    """The rule cannot apply to this dataset (e.g. an operation's domain is absent)."""


@dataclass
class EvalContext:
    frame: pd.DataFrame
    dataset: StudyDataset
    study: StudyData
    rule: Rule
    values: dict[str, Any] = field(default_factory=dict)  # operation results that are not columns
    standard: str = "SDTMIG 3.4"
    ct: Any = None
    base: bool = False  # the frame has exactly the dataset's records in order (no join, no subset)
    groups: dict[str, tuple] = field(default_factory=dict)  # $id -> (code per record, objects) of list columns

    # -- names ---------------------------------------------------------------------------
    def expand(self, name: str) -> str:
        """Replace CORE's ``--`` placeholder by the domain prefix."""
        if isinstance(name, str) and "--" in name:
            return name.replace("--", self.dataset.prefix, 1)
        return name

    def column(self, name: Any) -> str | None:
        """The frame column a name refers to, or None."""
        if not isinstance(name, str):
            return None
        if name in self.frame.columns:
            return name
        full = self.expand(name)
        if full in self.frame.columns:
            return full
        if "." in full:
            ds, _, var = full.partition(".")
            if var in self.frame.columns and ds.isalnum():
                return var
        return None

    # -- operands ------------------------------------------------------------------------
    def target(self, cond: Condition) -> pd.Series:
        """The values the condition tests (``name``); ColumnMissing when absent."""
        return self.series(cond.name)

    def series(self, name: Any) -> pd.Series:
        if isinstance(name, str) and name.startswith("$"):
            value = self.ref(name)
            if isinstance(value, pd.Series):
                return value
            return pd.Series([value] * len(self.frame), index=self.frame.index, dtype=object)
        col = self.column(name)
        if col is None:
            raise ColumnMissing(self.expand(str(name)))
        if self.base and col in self.dataset.frame.columns:
            # the record order is the dataset's own: derived views (dates parsed, text, emptiness)
            # are cached for the run under this column's key (see values.cached)
            return column_series((self.study.token, self.dataset.name, col), lambda: self.frame[col])
        return self.frame[col]

    def ref(self, name: str) -> Any:
        if name in self.frame.columns:
            return self.frame[name]
        if name in self.values:
            return self.values[name]
        raise ColumnMissing(name)

    def comparator(self, cond: Condition, *, allow_column: bool = True) -> Any:
        """``value`` resolved: an operation result, a column (Series), a list or a literal."""
        v = cond.value
        if cond.param("value_is_literal"):
            return v
        if isinstance(v, str):
            if v.startswith("$"):
                return self.ref(v)
            if allow_column:
                col = self.column(v)
                if col is not None:
                    return self.series(col)
                head = v.split(".", 1)[0]
                if "." in v and head.isalnum() and head.isupper() and (head in self.study.datasets or head in self.study.domains()):
                    # DM.RFSTDTC style reference to a variable the matched records lack: a missing
                    # value (CORE reports it "Not in dataset" and compares with null)
                    return None
            return v
        if isinstance(v, list):
            return [self.ref(x) if isinstance(x, str) and x.startswith("$") else x for x in v]
        return v

    def groups_of(self, name: Any, s: pd.Series) -> tuple[np.ndarray, list]:
        """(code per record, distinct objects) of a column of per-group lists.

        A grouped operation's result comes with its codes (kept when the engine stored it);
        otherwise, e.g. on a subset of the records, the objects are told apart by identity.
        """
        got = self.groups.get(name) if isinstance(name, str) else None
        if got is not None and len(got[0]) == len(self.frame) and s.index.equals(self.frame.index):
            return got
        return distinct_objects(s)

    def names(self, value: Any) -> list[str]:
        """A list of variable names from a parameter (a name, a list, or a ``$id`` holding a list)."""
        if value is None:
            return []
        if isinstance(value, str):
            if value.startswith("$"):
                got = self.ref(value)
                if isinstance(got, pd.Series):
                    got = got.iloc[0] if len(got) else []
                return [self.expand(x) for x in (list(got) if isinstance(got, (list, tuple, set)) else [got])]
            return [self.expand(value)]
        out: list[str] = []
        for x in value:
            out.extend(self.names(x))
        return out

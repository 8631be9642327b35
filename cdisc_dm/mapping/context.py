"""What an algorithm sees while it runs: the record frame and the study around it.

The record frame holds one row per output record with the raw columns of every source under
``alias.COLUMN``, the record's own raw row under ``rec.COLUMN``, melt attributes under
``test.ATTR``, and the target variables computed so far under their names. Algorithms read
columns with :meth:`Context.column` and report data problems with :meth:`Context.issues_by_value`
(never by raising: data findings are Issues, SpecErrors are for the spec).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..report import Issue, Report

__all__ = ["Context", "ROW_COLUMN", "FILE_COLUMN", "FORM_COLUMN"]

ROW_COLUMN = "_row"  # 1-based record number of the record's raw row in its file
FILE_COLUMN = "_file"  # the raw file the record came from
FORM_COLUMN = "_form"  # the raw form


@dataclass
class Context:
    frame: pd.DataFrame
    dataset: str
    spec_file: str
    report: Report
    study: Any = None
    ct: Any = None
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    reference: pd.DataFrame | None = None  # DM's USUBJID, RFSTDTC, RFXSTDTC, ... for --DY, EPOCH, LOBXFL
    se: pd.DataFrame | None = None  # subject elements (SE), for EPOCH
    sources: dict[str, pd.DataFrame] = field(default_factory=dict)  # every source, filtered, prefixed
    functions: dict[str, Callable] = field(default_factory=dict)
    sort: tuple[str, ...] = ()
    target: str = ""  # the variable being computed
    spec_line: str = ""  # file:line of the step running now
    mask: np.ndarray | None = None  # the records the current step may fill
    cache: dict = field(default_factory=dict)  # results algorithms share within one dataset (VISITNUM and VISIT)
    run_cache: dict | None = None  # results shared by every dataset of one run (SE's parsed dates)

    def column(self, ref: str) -> pd.Series:
        return self.frame[ref]

    def empty(self, dtype: str | None = "object") -> pd.Series:
        return pd.Series(pd.NA, index=self.frame.index, dtype=dtype)

    def issues_by_value(
        self,
        code: str,
        message: str,
        bad: np.ndarray,
        values: pd.Series,
        *,
        severity: str = "error",
        frame: pd.DataFrame | None = None,
        max_rows: int = 10,
    ) -> None:
        """One Issue per distinct bad value, with its count and the raw rows where it occurs.

        ``message`` may use ``{value}``, ``{count}`` and ``{rows}``.
        """
        frame = self.frame if frame is None else frame
        bad = np.asarray(bad, dtype=bool)
        if not bad.any():
            return
        sub = pd.DataFrame(
            {
                "value": values[bad].astype("string").fillna("").to_numpy(dtype=object),
                "row": frame.loc[bad, ROW_COLUMN].to_numpy() if ROW_COLUMN in frame else np.arange(len(frame))[bad] + 1,
                "file": frame.loc[bad, FILE_COLUMN].to_numpy(dtype=object) if FILE_COLUMN in frame else "",
            }
        )
        for (value, file), grp in sub.groupby(["value", "file"], sort=True):
            rows = sorted(int(r) for r in grp["row"])
            shown = ", ".join(map(str, rows[:max_rows])) + (f" and {len(rows) - max_rows} more" if len(rows) > max_rows else "")
            self.report.add(
                Issue(
                    code=code,
                    message=message.format(value=value, count=len(rows), rows=shown),
                    severity=severity,  # type: ignore[arg-type]
                    file=str(file) or None,
                    dataset=self.dataset,
                    row=rows[0],
                    variable=self.target,
                    value=value,
                    spec=self.spec_line,
                )
            )

"""The nine EDC system columns every form starts with, and the record counter of log forms.

    >>> import numpy as np
    >>> from cdisc_dm.synth.edc_page import record_position
    >>> record_position(np.array([0, 0, 1, 1, 1])).tolist()
    [1, 2, 1, 2, 3]
"""
from __future__ import annotations

import numpy as np

from .dictionary import form_def
from .population import Population
from .textfmt import format_int

__all__ = ["system_columns", "record_position", "LOG_FOLDER", "LOG_INSTANCE"]

LOG_FOLDER = "LOG"
LOG_INSTANCE = "Logs"


def record_position(group: np.ndarray) -> np.ndarray:
    """1..n within runs of equal ``group`` values (the array must be sorted by group)."""
    group = np.asarray(group)
    n = len(group)
    if n == 0:
        return np.zeros(0, np.int64)
    change = np.r_[True, group[1:] != group[:-1]]
    starts = np.flatnonzero(change)
    return np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1


def system_columns(form: str, studyid: str, pop: Population, subj: np.ndarray, folder, folder_seq,
                   instance, page_repeat=None, record=None) -> dict[str, np.ndarray]:
    n = len(subj)

    def arr(v, fill):
        if v is None:
            return np.full(n, fill, dtype=object)
        if np.isscalar(v):
            return np.full(n, v, dtype=object)
        return np.asarray(v, dtype=object)

    return {
        "project": np.full(n, studyid, dtype=object),
        "SiteNumber": pop.siteid[subj],
        "Subject": pop.subject[subj],
        "Folder": arr(folder, ""),
        "FolderSeq": format_int(np.broadcast_to(np.asarray(folder_seq), (n,))) if not np.isscalar(folder_seq) else np.full(n, str(folder_seq), dtype=object),
        "InstanceName": arr(instance, ""),
        "DataPageName": np.full(n, form_def(form).label, dtype=object),
        "PageRepeatNumber": np.full(n, "1", dtype=object) if page_repeat is None else format_int(page_repeat),
        "RecordPosition": np.full(n, "1", dtype=object) if record is None else format_int(record),
    }

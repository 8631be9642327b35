"""SUPP-- datasets: non-standard variables of a parent domain as one record per value.

SDTMIG 3.4 section 8.4: a supplemental qualifier record names its parent record by RDOMAIN,
USUBJID, IDVAR and IDVARVAL (IDVAR is --SEQ for a domain with a sequence number; for DM, a
one-record-per-subject domain, IDVAR and IDVARVAL are blank), and carries QNAM, QLABEL, QVAL,
QORIG and QEVAL. Records with no value are not written.

Example::

    supp = build_suppqual(ae_frame, "AE", [SuppColumn("AESPID2", "AETRTEM", "Treatment Emergent Flag", "Derived")])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SuppColumn", "build_suppqual", "SUPP_COLUMNS"]

SUPP_COLUMNS = ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG", "QEVAL"]


@dataclass(frozen=True)
class SuppColumn:
    column: str  # the column of the parent frame holding the values
    qnam: str
    qlabel: str
    qorig: str
    qeval: str | None = None
    idvar: str | None = None  # default: --SEQ when the parent has it, else none (DM)


def _format_idvarval(values: pd.Series) -> pd.Series:
    num = pd.to_numeric(values, errors="coerce")
    whole = num.notna() & (num == np.floor(num))
    text = values.astype("str")
    return text.where(~whole, num.astype("Int64").astype("str")).astype("str")


def build_suppqual(parent: pd.DataFrame, domain: str, columns: list[SuppColumn]) -> tuple[pd.DataFrame, np.ndarray]:
    """The SUPP-- frame for ``parent`` and, per SUPP record, the position of its parent record."""
    seq = f"{domain}SEQ"
    parts, positions = [], []
    for c in columns:
        values = parent[c.column]
        has = values.notna().to_numpy()
        if values.dtype == object or str(values.dtype) == "str":
            has = has & (values.astype("str").str.strip() != "").fillna(False).to_numpy(dtype=bool)
        if not has.any():
            continue
        idvar = c.idvar or (seq if seq in parent.columns else None)
        sub = parent.loc[has]
        qval = sub[c.column]
        if pd.api.types.is_float_dtype(qval):
            qval = _format_idvarval(qval)
        parts.append(pd.DataFrame({
            "STUDYID": sub["STUDYID"].to_numpy(),
            "RDOMAIN": domain,
            "USUBJID": sub["USUBJID"].to_numpy(),
            "IDVAR": idvar if idvar else np.nan,
            "IDVARVAL": _format_idvarval(sub[idvar]).to_numpy() if idvar else np.nan,
            "QNAM": c.qnam,
            "QLABEL": c.qlabel,
            "QVAL": qval.astype("str").to_numpy(),
            "QORIG": c.qorig,
            "QEVAL": c.qeval if c.qeval else np.nan,
        }))
        positions.append(np.flatnonzero(has))
    if not parts:
        return pd.DataFrame({k: pd.Series(dtype="str") for k in SUPP_COLUMNS}), np.array([], dtype=int)
    frame = pd.concat(parts, ignore_index=True).astype("str")
    pos = np.concatenate(positions)
    # SDTMIG 8.4.1 does not fix an order; sort by subject, parent record and QNAM for stable output
    key_num = pd.to_numeric(frame["IDVARVAL"], errors="coerce")
    order = pd.DataFrame({"u": frame["USUBJID"], "n": key_num, "v": frame["IDVARVAL"], "q": frame["QNAM"]}).sort_values(
        ["u", "n", "v", "q"], kind="mergesort", na_position="first").index.to_numpy()
    return frame.iloc[order].reset_index(drop=True), pos[order]

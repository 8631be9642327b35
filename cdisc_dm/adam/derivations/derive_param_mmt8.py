"""MMT-8 total score (0-150) as a new BDS parameter, with DTYPE when a side was imputed.

Construction (IMACS core set; DOMAIN.md, "MMT-8"): eight muscle groups graded 0-10 on the Kendall
scale; the bilateral total adds neck flexors once and the seven other groups on both sides:
10 + 7 x 2 x 10 = 150 (unilateral total 0-80). Higher is stronger.

Imputation (SPONSOR DECISION, no published rule was found; documented in docs/adam.md): when one
side of a bilateral group is missing and the other side is present, the missing side takes the
other side's grade, provided no more than ``max_imputed`` items (default 2) need imputing at that
visit; neck flexors (tested once) are never imputed. Otherwise the total is missing and no record is
created (``keep_nas=True`` keeps it with missing AVAL). Imputed totals carry DTYPE =
``dtype_value`` ("CONTRLAT", a sponsor term added to the extensible DTYPE codelist C81224).
Grades outside 0-10 are treated as missing (they are reported by the QS conformance checks).

Example::

    >>> import pandas as pd
    >>> codes = list(MMT8_ITEMS)
    >>> qs = pd.DataFrame({"USUBJID": ["1"] * 15, "AVISITN": [0.0] * 15, "PARAMCD": codes, "AVAL": [10.0] * 14 + [None]})
    >>> out = derive_param_mmt8(qs, ["USUBJID", "AVISITN"])
    >>> out.loc[out["PARAMCD"] == "MMT8", ["AVAL", "DTYPE"]].values.tolist()
    [[150.0, 'CONTRLAT']]
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._params import append_param_rows, pivot_items
from ._frame import STR_DTYPE
from .assert_data import DerivationError, as_list, assert_data_has_vars

__all__ = ["derive_param_mmt8", "compute_mmt8", "MMT8_ITEMS"]

#: default item codes (sponsor-defined: no CDISC terminology exists for the Kendall MMT-8) -> (group, side)
MMT8_ITEMS: dict[str, tuple[str, str | None]] = {
    "NECKFLX": ("NECK FLEXORS", None),
    "DELTL": ("DELTOID", "L"), "DELTR": ("DELTOID", "R"),
    "BICEPL": ("BICEPS", "L"), "BICEPR": ("BICEPS", "R"),
    "WRISTL": ("WRIST EXTENSORS", "L"), "WRISTR": ("WRIST EXTENSORS", "R"),
    "GLMAXL": ("GLUTEUS MAXIMUS", "L"), "GLMAXR": ("GLUTEUS MAXIMUS", "R"),
    "GLMEDL": ("GLUTEUS MEDIUS", "L"), "GLMEDR": ("GLUTEUS MEDIUS", "R"),
    "QUADL": ("QUADRICEPS", "L"), "QUADR": ("QUADRICEPS", "R"),
    "ANKDFL": ("ANKLE DORSIFLEXORS", "L"), "ANKDFR": ("ANKLE DORSIFLEXORS", "R"),
}


def _check_items(items: Mapping[str, tuple[str, str | None]]) -> list[tuple[int, int]]:
    """Validate the item map (1 unilateral + 7 pairs) and return the column pairs (left, right)."""
    codes = list(items)
    groups: dict[str, dict[str | None, int]] = {}
    for i, (group, side) in enumerate(items.values()):
        groups.setdefault(group, {})[side] = i
    single = [g for g, s in groups.items() if set(s) == {None}]
    pairs = [(s["L"], s["R"]) for g, s in groups.items() if set(s) == {"L", "R"}]
    if len(codes) != 15 or len(single) != 1 or len(pairs) != 7:
        raise DerivationError(
            "derive_param_mmt8: items must map 15 codes to 8 groups (one tested once, seven with sides L and R); "
            f"got {len(codes)} codes, {len(single)} single and {len(pairs)} paired groups")
    return pairs


def compute_mmt8(values: np.ndarray, pairs: Sequence[tuple[int, int]], max_imputed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """(total, imputed count) per row of a [rows x 15] grade matrix; NaN total when not computable."""
    v = np.where((values >= 0) & (values <= 10), values, np.nan)
    filled = v.copy()
    for left, right in pairs:  # seven muscle-group pairs: a loop over columns
        filled[:, left] = np.where(np.isnan(v[:, left]), v[:, right], v[:, left])
        filled[:, right] = np.where(np.isnan(v[:, right]), v[:, left], v[:, right])
    n_imputed = (np.isnan(v) & ~np.isnan(filled)).sum(axis=1)
    complete = ~np.isnan(filled).any(axis=1) & (n_imputed <= max_imputed)
    total = np.where(complete, np.nansum(filled, axis=1), np.nan)
    return total, np.where(complete, n_imputed, 0)


def derive_param_mmt8(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str],
    set_values_to: Mapping[str, object] | None = None,
    *,
    items: Mapping[str, tuple[str, str | None]] = MMT8_ITEMS,
    max_imputed: int = 2,
    dtype_value: str = "CONTRLAT",
    keep_nas: bool = False,
) -> pd.DataFrame:
    """Append one MMT-8 total record per by-group that has any item record."""
    fn = "derive_param_mmt8"
    by = as_list(by_vars)
    assert_data_has_vars(dataset, by + ["PARAMCD", "AVAL"], fn=fn)
    pairs = _check_items(items)
    keys, values = pivot_items(dataset, by, list(items), fn=fn)
    total, n_imp = compute_mmt8(values, pairs, max_imputed)
    keep = np.ones(len(keys), dtype=bool) if keep_nas else ~np.isnan(total)
    dtype = pd.Series(np.where(n_imp > 0, dtype_value, None), dtype=STR_DTYPE)
    values_to = {"PARAMCD": "MMT8", "PARAM": "MMT-8 Total Score (0-150)"} | dict(set_values_to or {})
    return append_param_rows(dataset, keys.loc[keep].reset_index(drop=True),
                             {"AVAL": total[keep], "DTYPE": dtype[keep].to_numpy()}, values_to)


derive_param_mmt8.method = (
    "MMT-8 total = neck flexors + left and right grades of deltoid, biceps, wrist extensors, gluteus maximus, "
    "gluteus medius, quadriceps and ankle dorsiflexors (0-150); a missing side takes the other side's grade when "
    "at most 2 items are missing (DTYPE = CONTRLAT), otherwise missing."
)
compute_mmt8.method = derive_param_mmt8.method

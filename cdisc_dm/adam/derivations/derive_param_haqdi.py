"""HAQ disability index (HAQ-DI) as a new BDS parameter from its 20 items and the aids/help answers.

Scoring (Stanford HAQ, Bruce & Fries, Clin Exp Rheumatol 2005;23(Suppl 39):S14-S18, and the ARAMIS
"HAQ Instructions", revised June 2009):

1. each of the 8 categories (dressing & grooming, arising, eating, walking, hygiene, reach, grip,
   activities) takes the highest (worst) score of its items (0-3);
2. if an aid or device is used, or help from another person is needed, for a category, a category
   score of 0 or 1 is raised to 2 (a score of 2 or 3 is unchanged); an aid without any answered
   item in the category does not create a score;
3. the index is the sum of the category scores divided by the number of categories answered (0-3),
   and is not computed when fewer than 6 of the 8 categories are answered.

Rule 3's minimum of 6 categories is the ARAMIS instruction; the retrieved excerpts of that document
(searched while writing this) confirmed rules 1-2 and division by the number answered, but the
6-category passage itself could not be read, so it stays a parameter (``min_categories``).

``items`` maps item PARAMCD -> category; ``aids`` maps aid/help PARAMCD -> category, with AVAL 1 =
used/needed, 0 = not. Example::

    >>> import pandas as pd
    >>> items = {f"I{c}": c for c in "ABCDEFGH"}
    >>> qs = pd.DataFrame({"USUBJID": ["1"] * 9, "PARAMCD": list(items) + ["AIDA"], "AVAL": [1, 0, 0, 3, 0, 0, 0, 0, 1.0]})
    >>> out = derive_param_haqdi(qs, ["USUBJID"], items=items, aids={"AIDA": "A"})
    >>> out.loc[out["PARAMCD"] == "HAQDI", "AVAL"].tolist()   # (2 + 0 + 0 + 3 + 0 + 0 + 0 + 0) / 8
    [0.625]
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._params import append_param_rows, pivot_items
from .assert_data import DerivationError, as_list, assert_data_has_vars

__all__ = ["derive_param_haqdi", "compute_haqdi", "HAQ_CATEGORIES"]

#: the 8 HAQ-DI categories and their number of items (20 in all)
HAQ_CATEGORIES: dict[str, int] = {
    "DRESSING AND GROOMING": 2, "ARISING": 2, "EATING": 3, "WALKING": 2,
    "HYGIENE": 3, "REACH": 2, "GRIP": 3, "ACTIVITIES": 3,
}


def compute_haqdi(item_scores: np.ndarray, item_cat: np.ndarray, aid_used: np.ndarray, aid_cat: np.ndarray,
                  categories: Sequence[str], min_categories: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """(index, categories answered) from [rows x items] scores and [rows x aids] 0/1 answers."""
    n = item_scores.shape[0]
    cat_scores = np.full((n, len(categories)), np.nan)
    scores = np.where((item_scores >= 0) & (item_scores <= 3), item_scores, np.nan)
    for j, cat in enumerate(categories):  # eight categories: a loop over columns
        cols = item_cat == cat
        if cols.any():
            block = scores[:, cols]
            answered = ~np.isnan(block).all(axis=1)
            cat_scores[:, j] = np.where(answered, np.nanmax(np.where(np.isnan(block), -1, block), axis=1), np.nan)
        acols = aid_cat == cat
        if acols.any():
            aided = (aid_used[:, acols] == 1).any(axis=1)
            raise_to_2 = aided & (cat_scores[:, j] < 2)
            cat_scores[:, j] = np.where(raise_to_2, 2.0, cat_scores[:, j])
    answered = (~np.isnan(cat_scores)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        index = np.where(answered >= min_categories, np.nansum(cat_scores, axis=1) / np.maximum(answered, 1), np.nan)
    return index, answered


def derive_param_haqdi(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str],
    set_values_to: Mapping[str, object] | None = None,
    *,
    items: Mapping[str, str],
    aids: Mapping[str, str] | None = None,
    min_categories: int = 6,
    keep_nas: bool = False,
) -> pd.DataFrame:
    """Append one HAQ-DI record per by-group with item records (AVAL = index 0-3)."""
    fn = "derive_param_haqdi"
    by = as_list(by_vars)
    aids = dict(aids or {})
    assert_data_has_vars(dataset, by + ["PARAMCD", "AVAL"], fn=fn)
    categories = sorted(set(items.values()) | set(aids.values()))
    unknown = set(aids.values()) - set(items.values())
    if unknown:
        raise DerivationError(f"{fn}: aids refer to categories without items: {sorted(unknown)}")
    if len(set(items.values())) < min_categories:
        raise DerivationError(f"{fn}: items cover {len(set(items.values()))} categories, fewer than min_categories={min_categories}")
    codes = list(items) + list(aids)
    keys, values = pivot_items(dataset, by, codes, fn=fn)
    item_scores = values[:, : len(items)]
    aid_used = values[:, len(items):]
    # a group with only aid answers has no answered category: not a HAQ-DI record
    index, answered = compute_haqdi(item_scores, np.array(list(items.values())), aid_used,
                                    np.array(list(aids.values()), dtype=object), categories, min_categories)
    has_items = ~np.isnan(item_scores).all(axis=1)
    keep = has_items if keep_nas else has_items & ~np.isnan(index)
    values_to = {"PARAMCD": "HAQDI", "PARAM": "HAQ Disability Index (0-3)"} | dict(set_values_to or {})
    return append_param_rows(dataset, keys.loc[keep].reset_index(drop=True), {"AVAL": index[keep]}, values_to)


derive_param_haqdi.method = (
    "HAQ-DI = mean of the 8 category scores (each the worst of its items, raised from 0/1 to 2 when an aid, device "
    "or help was used), over the answered categories; missing when fewer than 6 categories are answered."
)
compute_haqdi.method = derive_param_haqdi.method

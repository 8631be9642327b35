"""HAQ-DI: worst item per category, aids/help raise 0/1 to 2, mean of answered categories, >= 6 needed."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cdisc_dm.adam.derivations import derive_param_haqdi

# 20 items in 8 categories (2, 2, 3, 2, 3, 2, 3, 3), sponsor codes for the test
CATS = ["DRESS", "ARISE", "EAT", "WALK", "HYGN", "REACH", "GRIP", "ACTIV"]
SIZES = [2, 2, 3, 2, 3, 2, 3, 3]
ITEMS = {f"{c}{i}": c for c, n in zip(CATS, SIZES) for i in range(1, n + 1)}
AIDS = {f"AID{c}": c for c in CATS[:7]} | {f"HELP{c}": c for c in CATS}


def _subject(subj, scores, aids=()):
    d = pd.DataFrame({"USUBJID": subj, "PARAMCD": list(ITEMS), "AVAL": scores})
    a = pd.DataFrame({"USUBJID": subj, "PARAMCD": list(AIDS), "AVAL": [1.0 if k in aids else 0.0 for k in AIDS]})
    return pd.concat([d, a], ignore_index=True)


def _index(out, subj):
    v = out.loc[(out["PARAMCD"] == "HAQDI") & (out["USUBJID"] == subj), "AVAL"]
    return v.iloc[0] if len(v) else None


def test_scoring_rules():
    #            DRESS  ARISE  EAT      WALK   HYGN     REACH  GRIP     ACTIV
    a = [0, 1] + [2, 0] + [0, 0, 1] + [3, 3] + [1, 1, 0] + [0, 0] + [2, 2, 2] + [1, 0, 0]
    qs = pd.concat([
        # A: worst per category 1, 2, 1, 3, 1, 0, 2, 1 -> 11 / 8 = 1.375
        _subject("A", a),
        # B: same answers + aid for dressing (1 -> 2) and help for walking (3 stays 3) and reach (0 -> 2)
        #    2, 2, 1, 3, 1, 2, 2, 1 = 14 / 8 = 1.75
        _subject("B", a, aids={"AIDDRESS", "HELPWALK", "HELPREACH"}),
        # C: EAT and GRIP unanswered (6 answered): 1 + 2 + 3 + 1 + 0 + 1 = 8 / 6 = 1.3333
        _subject("C", [0, 1, 2, 0, None, None, None, 3, 3, 1, 1, 0, 0, 0, None, None, None, 1, 0, 0]),
        # D: three categories unanswered (5 answered) -> not computed, even with an aid for one of them
        _subject("D", [0, 1, 2, 0, None, None, None, 3, 3, 1, 1, 0, 0, 0, None, None, None, None, None, None],
                 aids={"AIDEAT"}),
        # E: one item answered in a category is enough to answer it; aid raises it (EAT 0 -> 2)
        _subject("E", [0, 0, 0, 0, 0, None, None, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], aids={"AIDEAT"}),
    ], ignore_index=True)
    out = derive_param_haqdi(qs, ["USUBJID"], items=ITEMS, aids=AIDS)
    assert _index(out, "A") == 1.375
    assert _index(out, "B") == 1.75
    assert np.isclose(_index(out, "C"), 8 / 6)
    assert _index(out, "D") is None
    assert _index(out, "E") == 0.25  # 2 / 8

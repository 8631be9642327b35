"""DTYPE CONTRLAT (MMT-8 side imputation) is a declared sponsor extension of the extensible CDISC DTYPE."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.resources import study_dir
from cdisc_dm.standards import load_ct

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "ct-2025-09-26" / "ADaM_CT_2025-09-26.csv"


def test_contrlat_is_an_extended_term_of_the_study_ct():
    cl = load_ct(extra=study_dir("il2dm") / "ct").codelist("DTYPE")
    assert cl.extensible and cl.code == "C81224"
    term = next(t for t in cl.terms if t.value == "CONTRLAT")
    assert term.extended
    # the CDISC-only CT does not have it: it is a sponsor term
    assert "CONTRLAT" not in {t.value for t in load_ct().codelist("DTYPE").terms}


def test_contrlat_is_not_a_cdisc_dtype_term_under_another_name():
    if not REFERENCE.is_file():
        pytest.skip("the ADaM CT reference file is not available")
    with open(REFERENCE, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if len(r) > 4 and r[1] == "C81224"]
    values = {r[4] for r in rows}
    assert "CONTRLAT" not in values and len(values) > 20
    assert not any("contralateral" in " ".join(r).lower() for r in rows)


def test_the_adqs_spec_writes_an_extended_term_when_a_side_is_imputed():
    from cdisc_dm.adam.registry import REGISTRY
    from cdisc_dm.adam.spec import load_adam_plan

    # the MMT-8 step exactly as the IL-2 ADQS spec calls it
    step = next(s for s in load_adam_plan("il2dm").dataset("ADQS").pipeline.steps if s.call == "derive_param_mmt8")
    args = {k: ({c: tuple(v) for c, v in a.items()} if k == "items" else a) for k, a in step.args.items()}
    items = list(args["items"])
    values = [np.nan if i == 1 else 8.0 for i in range(len(items))]  # one side of one group missing
    qs = pd.DataFrame({"USUBJID": ["1"] * len(items), "AVISITN": [0.0] * len(items), "PARAMCD": items, "AVAL": values})
    qs = qs.assign(**{c: 0.0 for c in (args.get("by_vars") or []) if c not in qs.columns})
    out = REGISTRY["derive_param_mmt8"](qs, **args)
    dtype = out.loc[out["AVAL"].notna() & out["PARAMCD"].ne(items[0]) & ~out["PARAMCD"].isin(items), "DTYPE"].dropna().unique().tolist()
    cl = load_ct(extra=study_dir("il2dm") / "ct").codelist("DTYPE")
    assert dtype and set(dtype) <= {t.value for t in cl.terms if t.extended}

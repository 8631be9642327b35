"""Every raw 'ongoing' answer, in each spelling the EDC delivers, becomes --ENRTPT = ONGOING."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.convert import convert
from cdisc_dm.synth import synthesize


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("ongo") / "raw"
    synthesize(raw, subjects=60, seed=3)
    return raw, convert(raw, "il2dm")


@pytest.mark.parametrize("form,flag,domain", [("AE", "AEONGO", "AE"), ("CM", "CMONGO", "CM")])
def test_each_ongoing_raw_record_is_ongoing_in_sdtm(run, form, flag, domain):
    raw, result = run
    data = pd.read_csv(raw / "edc" / f"{form}.csv", dtype=str, keep_default_na=False)
    yes = data[flag].str.strip().str.upper().isin(["YES", "Y"])
    assert yes.any(), "the fixture must contain ongoing records"
    out = result.package[domain].data
    assert int(out[f"{domain}ENRTPT"].eq("ONGOING").sum()) == int(yes.sum())

"""Property: a define built from any package describes that package truthfully (the check finds
nothing), and its declared lengths and digits are the tightest ones that hold the values."""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st

from cdisc_dm.dataset import Package, Variable
from cdisc_dm.io.define import build_define, infer_data_type, write_define
from cdisc_dm.io.define_check import check_define_against_data
from cdisc_dm.standards import build_dataset

from define_fixtures import CREATED


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=30), st.integers(0, 4))
def test_float_digits_and_length_are_the_tightest(ints, places):
    values = pd.Series([i / 10**places for i in ints])
    dtype, length, digits = infer_data_type(Variable("X", "X", "Num"), values)
    # expected from the decimal text of each value, worked out independently of the implementation
    texts_ = [f"{abs(v):.{places}f}".rstrip("0").rstrip(".") if places else f"{abs(int(v))}" for v in values]
    decimals = [len(t.split(".")[1]) if "." in t else 0 for t in texts_]
    int_part = [len(t.split(".")[0]) for t in texts_]
    if max(decimals) == 0:
        assert (dtype, length, digits) == ("integer", max(int_part), None)
    else:
        assert (dtype, digits) == ("float", max(decimals))
        assert length == max(i + d for i, d in zip(int_part, decimals))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=st.lists(st.text(alphabet="ABCDEFGH ", min_size=1, max_size=40).filter(lambda s: s.strip() == s and s),
                      min_size=1, max_size=8),
       stresn=st.lists(st.integers(0, 10**5), min_size=1, max_size=8))
def test_define_of_any_package_passes_its_own_check(terms, stresn, ct, tmp_path_factory):
    n = min(len(terms), len(stresn))
    frame = pd.DataFrame({
        "STUDYID": pd.Series(["S"] * n, dtype=object), "DOMAIN": pd.Series(["LB"] * n, dtype=object),
        "USUBJID": pd.Series([f"S-{i}" for i in range(n)], dtype=object), "LBSEQ": [1.0] * n,
        "LBTESTCD": pd.Series(["CK"] * n, dtype=object), "LBTEST": pd.Series(terms[:n], dtype=object),
        "LBSTRESN": [v / 100 for v in stresn[:n]],
    })
    pkg = Package(standard="SDTMIG 3.4")
    pkg.add(build_dataset("LB", frame, overrides={"LBTEST": {"codelist": None}}))
    path = write_define(build_define(pkg, study={"studyid": "S"}, ct=ct, created=CREATED),
                        tmp_path_factory.mktemp("prop") / "define.xml")
    assert [str(i) for i in check_define_against_data(path, pkg, ct=ct) if i.severity == "error"] == []

"""HAQ-DI in QS: every item of every HAQ page of a synthetic 30-subject export, checked record by record.

Expected values are computed here from the raw ``edc/HAQ.csv`` (read with plain pandas, not the
product's readers), from the export's data dictionary (the CRF's own labels) and from published facts
about the instrument (the Stanford HAQ-DI: 20 questions in a fixed order, four response boxes scored
0-3, the aids/devices assigned to categories), never from the mapping's output.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

synth = pytest.importorskip("cdisc_dm.synth")

TESTS_CSV = Path(__file__).resolve().parents[2] / "mappings" / "il2dm" / "sdtm" / "qs_haq_tests.csv"
SYSTEM = ["project", "SiteNumber", "Subject", "Folder", "FolderSeq", "InstanceName", "DataPageName",
          "PageRepeatNumber", "RecordPosition"]

# The 20 HAQ-DI questions in the instrument's published order (Fries et al. 1980; Stanford HAQ form):
# a distinctive phrase of each, as the CRF label words it.
HAQ_ORDER = ["dress yourself", "shampoo", "straight chair", "out of bed", "cut your meat", "full cup",
             "milk carton", "walk outdoors", "five steps", "wash and dry", "tub bath", "toilet",
             "5-pound", "pick up clothing", "car doors", "open jars", "faucets", "errands",
             "out of a car", "chores"]
# The eight categories, as the CRF label prefixes them ("Dressing and grooming: ...").
CATEGORIES = ["DRESSING AND GROOMING", "ARISING", "EATING", "WALKING", "HYGIENE", "REACH", "GRIP", "ACTIVITIES"]
# Response boxes of a HAQ-DI question (Stanford HAQ form) and their scores.
RESPONSES = {"0": "Without ANY difficulty", "1": "With SOME difficulty", "2": "With MUCH difficulty", "3": "UNABLE to do"}
# Aids and devices -> the category they adjust (Stanford HAQ scoring instructions); "other" adjusts none.
AID_CATEGORY = {"cane": "WALKING", "walker": "WALKING", "crutches": "WALKING", "wheelchair": "WALKING",
                "dressing": "DRESSING AND GROOMING", "utensils": "EATING", "chair": "ARISING",
                "toilet seat": "HYGIENE", "bathtub seat": "HYGIENE", "bathtub bar": "HYGIENE",
                "in bathroom": "HYGIENE", "for reach": "REACH", "jar opener": "GRIP"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Synthesize 30 subjects and convert them; return the raw folder and the conversion result."""
    from cdisc_dm.convert import convert

    raw = tmp_path_factory.mktemp("qsraw") / "raw"
    synth.synthesize(raw, subjects=30, seed=11)
    return raw, convert(raw, "il2dm")


@pytest.fixture(scope="module")
def dictionary(run) -> dict[str, dict]:
    raw, _ = run
    forms = json.loads((raw / "data_dictionary.json").read_text(encoding="utf-8"))["forms"]
    haq = next(f for f in forms if f["form"] == "HAQ")
    # the clinical fields of the page, without the page date (which becomes QSDTC, not a record)
    return {c["name"]: c for c in haq["columns"] if not c["system"] and c["type"] != "date"}


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    with open(TESTS_CSV, encoding="utf-8", newline="") as fh:
        return {row["column"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def qs(run) -> pd.DataFrame:
    """QS joined to its lineage: each record with the raw form and raw row it came from."""
    _, result = run
    data = result.package["QS"].data.reset_index(drop=True)
    lin = result.lineage[result.lineage["dataset"] == "QS"].sort_values("record").reset_index(drop=True)
    assert len(lin) == len(data)
    return data.assign(_form=lin["form"].to_numpy(), _row=lin["row"].astype(int).to_numpy())


def _items(dictionary) -> list[str]:
    return [n for n, c in dictionary.items() if c["values"] == ["0", "1", "2", "3"]]


def _flags(dictionary) -> list[str]:
    return [n for n, c in dictionary.items() if c["values"] == ["0", "1"]]


def test_the_crf_has_the_instrument_shape(dictionary):
    """20 scored questions, 8 categories; the tests below rely on the dictionary describing them."""
    items = _items(dictionary)
    assert len(items) == 20
    cats = {dictionary[n]["label"].split(":")[0].upper() for n in items}
    assert cats == set(CATEGORIES)
    assert len(_flags(dictionary)) == 14 + 8  # 13 named aids + "other", help for each of the 8 categories


def test_item_codes_follow_the_instrument_order_and_categories(dictionary, table):
    """QSTESTCD HAQ02nn numbers the questions in the published order; QSSCAT is the CRF's category."""
    for name in _items(dictionary):
        label = dictionary[name]["label"].lower()
        position = [i for i, phrase in enumerate(HAQ_ORDER) if phrase in label]
        assert len(position) == 1, (name, label)
        assert table[name]["QSTESTCD"] == f"HAQ02{position[0] + 1:02d}", name
        assert table[name]["QSSCAT"] == label.split(":")[0].upper(), name


def test_aids_and_help_are_assigned_to_their_category(dictionary, table):
    for name in _flags(dictionary):
        label = dictionary[name]["label"].lower()
        if label.startswith("help from another person:"):
            expected = label.split(":", 1)[1].strip().upper()
        else:
            words = label.split("(")[0]
            hits = {cat for key, cat in AID_CATEGORY.items() if re.search(rf"\b{re.escape(key)}\b", words)}
            expected = hits.pop() if len(hits) == 1 else "AIDS OR DEVICES"
        assert table[name]["QSSCAT"] == expected, (name, label)
    codes = [row["QSTESTCD"] for row in table.values()]
    assert len(set(codes)) == len(codes) == len(dictionary)  # one code per CRF field, none shared


def test_no_error_issues(run):
    _, result = run
    errors = [i for i in result.report if i.severity == "error"]
    assert errors == []
    qs_issues = [i for i in result.report if getattr(i, "dataset", None) == "QS"]
    assert qs_issues == []


def test_every_raw_haq_field_has_exactly_one_record_with_its_result(run, dictionary, table, qs):
    raw, _ = run
    haq = pd.read_csv(raw / "edc" / "HAQ.csv", dtype=str, keep_default_na=False)
    haq["_row"] = range(1, len(haq) + 1)
    fields = [n for n in dictionary]
    long = haq.melt(id_vars=["_row", "Subject"], value_vars=fields, var_name="column", value_name="value")
    long["value"] = long["value"].str.strip()
    long = long[long["value"] != ""]
    long["QSTESTCD"] = long["column"].map({n: table[n]["QSTESTCD"] for n in fields})
    items, flags = set(_items(dictionary)), set(_flags(dictionary))
    is_item, is_flag = long["column"].isin(items), long["column"].isin(flags)
    long["QSORRES"] = long["value"].where(~is_item, long["value"].map(RESPONSES))
    long["QSORRES"] = long["QSORRES"].where(~is_flag, long["value"].map({"0": "N", "1": "Y"}))
    long["QSSTRESN"] = pd.to_numeric(long["value"].where(is_item), errors="coerce")

    got = qs[qs["_form"] == "HAQ"]
    # exactly one QS record per (raw row, field): nothing lost, nothing doubled
    assert not got.duplicated(["_row", "QSTESTCD"]).any()
    assert len(got) == len(long)
    merged = long.merge(got, on=["_row", "QSTESTCD"], how="outer", suffixes=("_exp", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][["_row", "QSTESTCD"]].head()
    assert (merged["USUBJID"] == "IL2DM-PKU-301-" + merged["Subject"]).all()
    assert (merged["QSORRES"] == merged["QSORRES_exp"]).all()
    num_exp, num = merged["QSSTRESN_exp"], pd.to_numeric(merged["QSSTRESN"])
    assert ((num_exp == num) | (num_exp.isna() & num.isna())).all()


def test_item_scores_and_flag_values(qs, dictionary, table):
    got = qs[qs["_form"] == "HAQ"]
    item_codes = {table[n]["QSTESTCD"] for n in _items(dictionary)}
    flag_codes = {table[n]["QSTESTCD"] for n in _flags(dictionary)}
    items, flags = got[got["QSTESTCD"].isin(item_codes)], got[got["QSTESTCD"].isin(flag_codes)]
    assert len(items) and len(flags)
    assert set(pd.to_numeric(items["QSSTRESN"])) <= {0, 1, 2, 3}
    assert (items["QSSTRESC"] == pd.to_numeric(items["QSSTRESN"]).astype(int).astype(str)).all()
    assert set(flags["QSORRES"]) <= {"Y", "N"} and (flags["QSSTRESC"] == flags["QSORRES"]).all()
    assert pd.to_numeric(flags["QSSTRESN"]).isna().all()
    assert set(got["QSCAT"]) == {"HAQ-DI WITHOUT VAS"}


def test_dates_study_days_and_visits(run, qs):
    raw, result = run
    haq = pd.read_csv(raw / "edc" / "HAQ.csv", dtype=str, keep_default_na=False)
    got = qs[qs["_form"] == "HAQ"]
    raw_date = haq["HAQDAT"].iloc[got["_row"].to_numpy() - 1].str.strip().to_numpy()
    parsed = pd.Series(pd.NaT, index=range(len(raw_date)), dtype="datetime64[ns]")
    for fmt in ("%d %b %Y", "%Y-%m-%d", "%d/%m/%Y"):
        parsed = parsed.fillna(pd.Series(pd.to_datetime(raw_date, format=fmt, errors="coerce")))
    expected = parsed.dt.strftime("%Y-%m-%d").fillna("").to_numpy()
    assert (got["QSDTC"].fillna("").to_numpy() == expected).all()
    # study day against DM.RFSTDTC, no day 0 (SDTMIG 3.4 section 4.4.4)
    dm = result.package["DM"].data.set_index("USUBJID")["RFSTDTC"]
    ref = pd.to_datetime(got["USUBJID"].map(dm), errors="coerce")
    delta = (pd.to_datetime(got["QSDTC"], errors="coerce") - ref).dt.days
    want = delta.where(delta < 0, delta + 1)
    dy = pd.to_numeric(got["QSDY"])
    assert ((dy == want) | (dy.isna() & want.isna())).all()
    # planned folders carry the schedule's visit number; unscheduled ones sit between planned visits
    from cdisc_dm.study import load_study

    study = load_study("il2dm")
    folder = haq["Folder"].iloc[got["_row"].to_numpy() - 1].to_numpy()
    planned = folder != "UNS"
    want_num = [study.visit_by_folder(f).visitnum for f in folder[planned]]
    assert (pd.to_numeric(got["VISITNUM"]).to_numpy()[planned] == want_num).all()
    assert got["EPOCH"].notna().all() and set(got["EPOCH"]) <= set(study.epochs)


def test_baseline_flag_is_the_last_assessment_on_or_before_first_dose(run, qs):
    _, result = run
    got = qs[qs["_form"] == "HAQ"].copy()
    rfx = result.package["DM"].data.set_index("USUBJID")["RFXSTDTC"].str[:10]
    got["_first"] = got["USUBJID"].map(rfx)
    pre = got[got["QSDTC"].notna() & got["_first"].notna() & (got["QSDTC"] <= got["_first"])]
    last = pre.groupby(["USUBJID", "QSTESTCD"])["QSDTC"].transform("max")
    want = pre.index[(pre["QSDTC"] == last).to_numpy()]
    flagged = got.index[got["QSLOBXFL"] == "Y"]
    # one baseline per subject and item; ties on the same date would be a data issue, not expected here
    assert set(flagged) == set(want)
    assert not got.loc[flagged].duplicated(["USUBJID", "QSTESTCD"]).any()


def test_qs_keys_are_unique_and_other_questionnaires_still_map(qs):
    assert not qs.duplicated(["STUDYID", "USUBJID", "QSCAT", "QSTESTCD", "VISITNUM"]).any()
    assert {"MMT-8", "MYOSITIS ACTIVITY VAS", "HAQ-DI WITHOUT VAS"} <= set(qs["QSCAT"])
    assert set(qs["_form"]) == {"HAQ", "MMT8", "VAS"}
    mmt = qs[qs["_form"] == "MMT8"]
    assert (pd.to_numeric(mmt["QSSTRESN"]).astype("Int64").astype(str) == mmt["QSORRES"]).all()
    assert all(re.fullmatch(r"HAQ02\d\d", c) for c in qs.loc[qs["_form"] == "HAQ", "QSTESTCD"])


def test_haq_codes_and_category_are_terms_of_the_study_ct(qs):
    """Every HAQ QSTESTCD/QSTEST/QSCAT written is a term of the study CT (sponsor placeholder or CDISC
    subset), and the unconfirmed ones are flagged as such rather than passed off as CDISC terms."""
    from cdisc_dm.standards import load_ct

    ct = load_ct(extra=Path(__file__).resolve().parents[2] / "mappings" / "il2dm" / "ct")
    got = qs[qs["_form"] == "HAQ"]
    tc, tn = ct.codelist("HAQDITC"), ct.codelist("HAQDITN")
    assert set(got["QSTESTCD"]) <= {t.value for t in tc.terms}
    assert set(got["QSTEST"]) <= {t.value for t in tn.terms}
    pairs = {(t.value, t.decode) for t in tc.terms}
    assert set(zip(got["QSTESTCD"], got["QSTEST"])) <= pairs
    assert tc.unverified and tn.unverified and tc.code is None
    qscat = {t.value: t for t in ct.codelist("QSCAT").terms}
    assert qscat["HAQ-DI WITHOUT VAS"].unverified


def test_a_code_outside_the_scale_is_an_issue_naming_file_row_and_value(run, tmp_path):
    """A box code the CRF does not have (4 for a question, 2 for an aid) is reported, never scored."""
    import shutil

    from cdisc_dm.convert import convert

    raw, _ = run
    bad = shutil.copytree(raw, tmp_path / "raw")
    haq = pd.read_csv(bad / "edc" / "HAQ.csv", dtype=str, keep_default_na=False)
    row = int(haq.index[haq["HAQDR1"].ne("") & haq["HAQAIDCN"].ne("")][0])
    haq.loc[row, "HAQDR1"], haq.loc[row, "HAQAIDCN"] = "4", "2"
    haq.to_csv(bad / "edc" / "HAQ.csv", index=False)
    result = convert(bad, "il2dm")
    issues = [i for i in result.report if i.code in ("MAP-TABLE-UNMATCHED", "MAP-LOOKUP-UNMATCHED")]
    assert {(i.code, i.value) for i in issues} == {("MAP-TABLE-UNMATCHED", "4"), ("MAP-LOOKUP-UNMATCHED", "2")}
    for i in issues:
        assert i.file.endswith("HAQ.csv") and int(i.row) == row + 1 and i.variable == "QSORRES"
    qs = result.package["QS"].data
    subject = "IL2DM-PKU-301-" + haq.loc[row, "Subject"]
    recs = qs[(qs["USUBJID"] == subject) & qs["QSTESTCD"].isin(["HAQ0201", "HAQ0221"])]
    odd = recs[recs["QSORRES"].isin(["4", "2"])]
    assert len(odd) == 2 and odd["QSSTRESN"].isna().all()

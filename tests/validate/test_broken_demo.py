"""Issue 9 acceptance: a deliberately broken copy of the demo output is caught, each break by
the right rule, in all three report formats (validation.json, validation.html, validation.xlsx).

The demo (20 subjects) runs once per test session (pytest-xdist workers share it). One copy of
its SDTM package gets five independent breaks, one copy of its ADaM gets one; each copy is
validated once and its reports written once. The expected dataset and record of every break is the one this test broke (the row
it chose), never something read back from the validator:

- (a) AE.AETERM dropped: a Required SDTMIG variable (SDTMIG 3.4 section 4.1.5) -> CDM-SD-0001 on AE;
- (b) one DM.SEX = "FEMALE": not a term of the non-extensible codelist SEX (C66731) -> CDM-CT-0001;
- (c) one ADQS.CHG off by one: CHG = AVAL - BASE (ADaMIG 1.3 section 3.3.4) -> CDM-AD-0013;
- (d) one SUPPDM record moved to a subject that is not in DM (SDTMIG 3.4 section 8.4) -> CDM-XD-0001
  (subject not in DM), and CDM-XD-0009 (a blank IDVAR points at the subject's DM record, section 8.4.1);
- (d2) one SUPPEX IDVARVAL pointing at no EXSEQ of its subject -> CDM-XD-0009;
- (e) define.xml Length of IT.DM.USUBJID shrunk below the data's values -> CDM-DF-0003.

The validator reads the ``.xpt`` of a dataset when both ``.xpt`` and ``.json`` exist (the quicker
format to read), so each broken dataset is rewritten in both formats (and the two are compared).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import openpyxl
import pytest
from lxml import etree, html

from cdisc_dm.dataset import Dataset
from cdisc_dm.io import read_dataset_json, read_xpt_dataset, write_dataset_json, write_xpt
from cdisc_dm.validate import validate
from cdisc_dm.validate.reports import write_reports

STARTED = "2000-01-01T00:00:00"
FORMATS = ("json", "html", "xlsx")
DEFINE_NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}


@dataclass(frozen=True)
class Break:
    case: str
    rule: str
    dataset: str
    row: int | None  # 1-based record; None for a dataset-level finding
    variable: str  # the variable the finding must name


def _rewrite(folder: Path, name: str, change) -> None:
    """Apply ``change(Dataset) -> Dataset`` to both files of a dataset, keeping their headers."""
    stem = name.lower()
    ds = change(read_xpt_dataset(folder / f"{stem}.xpt"))
    write_xpt(ds, folder / f"{stem}.xpt", creation_datetime=STARTED)
    ds = read_dataset_json(folder / f"{stem}.json")
    head = ds.data.attrs["dataset_json"]
    ds = change(ds)
    write_dataset_json(ds, folder / f"{stem}.json", study_oid=head["studyOID"],
                       metadata_version_oid=head["metaDataVersionOID"],
                       creation_datetime=head["datasetJSONCreationDateTime"])


def _with_variable(ds: Dataset, name: str, **changes) -> list:
    return [v.with_(**changes) if v.name == name else v for v in ds.variables]


def _pick_row(frame, mask) -> int:
    """1-based record number of a record where ``mask`` holds: the middle one, so that a validator
    that reports the first (or last) record of a dataset cannot pass by accident."""
    hits = mask.to_numpy().nonzero()[0]
    assert len(hits) >= 3, "the demo has too few records to break"
    return int(hits[len(hits) // 2]) + 1


def _break_sdtm(run: Path, work: Path) -> list[Break]:
    """One copy of the demo's SDTM with breaks (a), (b), (d), (d2), (e); validated with its define."""
    sdtm = work / "sdtm-broken"
    shutil.copytree(run / "sdtm", sdtm)
    dm = read_dataset_json(sdtm / "dm.json").data
    supp = read_dataset_json(sdtm / "suppdm.json").data
    breaks = []

    # (a) AE without AETERM (Req)
    def drop_aeterm(ds):
        return Dataset(**{**ds.__dict__, "data": ds.data.drop(columns=["AETERM"]),
                          "variables": [v for v in ds.variables if v.name != "AETERM"]})
    _rewrite(sdtm, "AE", drop_aeterm)
    breaks.append(Break("a-missing-required", "CDM-SD-0001", "AE", None, "AETERM"))

    # (b) a female subject's SEX spelt out instead of the CT submission value "F"
    sex_row = _pick_row(dm, dm["SEX"] == "F")

    def female(ds):
        data = ds.data.copy()
        data.loc[data.index[sex_row - 1], "SEX"] = "FEMALE"
        return Dataset(**{**ds.__dict__, "data": data, "variables": _with_variable(ds, "SEX", length=6)})
    _rewrite(sdtm, "DM", female)
    breaks.append(Break("b-term-outside-codelist", "CDM-CT-0001", "DM", sex_row, "SEX"))

    # (d) a SUPPDM record whose subject has no DM record (same length as a real USUBJID). SUPPDM
    # leaves IDVAR/IDVARVAL blank (SDTMIG 3.4 section 8.4.1: the parent is the subject's DM record),
    # so both the subject check CDM-XD-0001 and the parent check CDM-XD-0009 report it; see the case d-supp-without-dm-parent.
    orphan_row = _pick_row(supp, supp["USUBJID"] != "")
    real = str(supp["USUBJID"].iloc[orphan_row - 1])
    orphan = real[:-4] + "9999"
    assert orphan not in set(dm["USUBJID"])

    def orphaned(ds):
        data = ds.data.copy()
        data.loc[data.index[orphan_row - 1], "USUBJID"] = orphan
        return Dataset(**{**ds.__dict__, "data": data})
    _rewrite(sdtm, "SUPPDM", orphaned)
    breaks.append(Break("d-supp-without-parent", "CDM-XD-0001", "SUPPDM", orphan_row, "USUBJID"))
    breaks.append(Break("d-supp-without-dm-parent", "CDM-XD-0009", "SUPPDM", orphan_row, "USUBJID"))

    # (d2) a SUPPEX record whose IDVAR/IDVARVAL (EXSEQ) points at no EX record of its subject
    suppex = read_dataset_json(sdtm / "suppex.json").data
    ex = read_dataset_json(sdtm / "ex.json").data
    idvar_row = _pick_row(suppex, suppex["IDVAR"] == "EXSEQ")
    subject = suppex["USUBJID"].iloc[idvar_row - 1]
    missing_seq = str(int(ex["EXSEQ"].max()) + 100)
    assert float(missing_seq) not in set(ex.loc[ex["USUBJID"] == subject, "EXSEQ"])

    def dangling(ds):
        data = ds.data.copy()
        data.loc[data.index[idvar_row - 1], "IDVARVAL"] = missing_seq
        width = max(ds.variable("IDVARVAL").length or 0, len(missing_seq))
        return Dataset(**{**ds.__dict__, "data": data, "variables": _with_variable(ds, "IDVARVAL", length=width)})
    _rewrite(sdtm, "SUPPEX", dangling)
    breaks.append(Break("d2-supp-idvarval-without-parent", "CDM-XD-0009", "SUPPEX", idvar_row, "IDVARVAL"))

    # (e) define.xml declares USUBJID shorter than every USUBJID of the data
    tree = etree.parse(str(sdtm / "define.xml"))
    (item,) = tree.xpath("//odm:ItemDef[@OID='IT.DM.USUBJID']", namespaces=DEFINE_NS)
    longest = int(dm["USUBJID"].str.len().max())
    item.set("Length", str(longest - 5))
    tree.write(str(sdtm / "define.xml"), xml_declaration=True, encoding="UTF-8")
    breaks.append(Break("e-define-length", "CDM-DF-0003", "DM", None, "USUBJID"))

    result = validate(sdtm, define=sdtm / "define.xml", started=STARTED)
    write_reports(result, work / "sdtm-reports", FORMATS)
    return breaks


def _break_adam(run: Path, work: Path) -> list[Break]:
    """The demo's ADaM with one ADQS.CHG off by one (c). The pipeline derives ADaM into run/adam
    (with its define.xml) and validates it; without that stage, cdisc_dm.derive makes it here."""
    adam = work / "adam-broken"
    if (run / "adam" / "adqs.json").is_file():
        shutil.copytree(run / "adam", adam)
    else:
        from cdisc_dm.derive import derive

        derive(run, "il2dm", work / "adam-derived", created=STARTED)
        write_reports(validate(work / "adam-derived" / "adam", standard="adamig-1.3", started=STARTED),
                      work / "adam-clean-reports", ("json",))
        shutil.copytree(work / "adam-derived" / "adam", adam)
    adqs = read_dataset_json(adam / "adqs.json").data
    row = _pick_row(adqs, adqs["CHG"].notna() & adqs["AVAL"].notna() & adqs["BASE"].notna())
    # the derivation got it right before the break: CHG = AVAL - BASE on that record
    rec = adqs.iloc[row - 1]
    assert rec["CHG"] == pytest.approx(rec["AVAL"] - rec["BASE"])

    def off_by_one(ds):
        data = ds.data.copy()
        data.loc[data.index[row - 1], "CHG"] = data["CHG"].iloc[row - 1] + 1
        return Dataset(**{**ds.__dict__, "data": data})
    _rewrite(adam, "ADQS", off_by_one)
    define = adam / "define.xml"
    write_reports(validate(adam, standard="adamig-1.3", started=STARTED, define=define if define.is_file() else None),
                  work / "adam-reports", FORMATS)
    return [Break("c-chg-off-by-one", "CDM-AD-0013", "ADQS", row, "CHG")]


@contextmanager
def _exclusive(lock: Path):
    """Hold an exclusive lock on ``lock`` (POSIX); elsewhere no lock, so each worker builds its own."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[Break]]:
    """Run the demo, break and validate its copies ONCE per test session: under pytest-xdist the
    workers share the session's temporary folder and the first one builds while the others wait
    (the whole build takes most of this file's time)."""
    from cdisc_dm.pipeline import demo

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") and os.name == "posix" else base
    root = root / "broken_demo"
    root.mkdir(exist_ok=True)
    with _exclusive(root / ".lock"):
        done = root / "done.json"
        if not done.exists():
            work = Path(tempfile.mkdtemp(dir=root))  # a failed build leaves nothing a retry would trip on
            demo(work / "run", subjects=20, seed=5)
            breaks = _break_sdtm(work / "run", work) + _break_adam(work / "run", work)
            done.write_text(json.dumps({"work": str(work), "breaks": [asdict(b) for b in breaks]}), encoding="utf-8")
        state = json.loads(done.read_text(encoding="utf-8"))
    return Path(state["work"]), [Break(**b) for b in state["breaks"]]


CASES = ["a-missing-required", "b-term-outside-codelist", "c-chg-off-by-one", "d-supp-without-parent",
         "d-supp-without-dm-parent", "d2-supp-idvarval-without-parent", "e-define-length"]


def _case(built, case):
    work, breaks = built
    (brk,) = [b for b in breaks if b.case == case]
    return work / ("adam-reports" if brk.dataset.startswith("AD") else "sdtm-reports"), brk


def _names(variables: dict) -> set[str]:
    """Variable names a finding points at: its output variables, and for a missing-variable
    finding ($required_variables / $expected_variables next to $dataset_variables) the listed
    names the dataset does not have."""
    present = set(variables.get("$dataset_variables") or ())
    out = set()
    for key, value in variables.items():
        if key == "$dataset_variables":
            continue
        if key.startswith("$") and isinstance(value, list):
            out.update(str(v) for v in value if str(v) not in present)
        else:
            out.add(key)
    return out


@pytest.mark.parametrize("case", CASES)
def test_json_report_names_rule_dataset_and_record(built, case):
    reports, brk = _case(built, case)
    _, breaks = built
    doc = json.loads((reports / "validation.json").read_text(encoding="utf-8"))
    (rule,) = [r for r in doc["rules"] if r["rule_id"] == brk.rule]
    assert rule["status"] == "failed"
    hits = [f for f in rule["findings"] if f["dataset"] == brk.dataset and f["row"] == brk.row
            and brk.variable in _names(f["variables"])]
    assert hits, f"{brk.rule} did not report {brk.dataset} row {brk.row} ({brk.variable}): {rule['findings'][:5]}"
    if brk.row is not None:
        # a record-level break is reported on that record only (and on the other breaks the same
        # rule catches: CDM-XD-0009 reports both the SUPPDM and the SUPPEX orphan); the rest is clean
        same_rule = {(b.dataset, b.row) for b in breaks if b.rule == brk.rule and b.row is not None}
        assert {(f["dataset"], f["row"]) for f in rule["findings"]} == same_rule


@pytest.mark.parametrize("case", CASES)
def test_html_report_lists_finding_under_rule(built, case):
    reports, brk = _case(built, case)
    page = html.parse(str(reports / "validation.html"))
    articles = page.xpath(f"//article[@id='rule-{brk.rule}']")
    assert len(articles) == 1, f"no section for {brk.rule} in validation.html"
    (table,) = articles[0].xpath(".//table[contains(@class,'findings')]")
    head = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    cells = [[td.text_content().strip() for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
    want_row = "dataset" if brk.row is None else str(brk.row)  # the page writes "dataset" for dataset-level findings

    def names_variable(c):
        if brk.variable in head:  # the variable's value column (the last of that name; USUBJID is also a key column)
            return c[len(head) - 1 - head[::-1].index(brk.variable)] != ""
        # a missing-variable finding: the name is listed among the required ones, not among the present ones
        lists = {h: json.loads(v) for h, v in zip(head, c) if h.startswith("$") and v.startswith("[")}
        present = set(lists.pop("$dataset_variables", ()))
        return any(brk.variable in names and brk.variable not in present for names in lists.values())
    hits = [c for c in cells if c[0] == brk.dataset and c[1] == want_row and names_variable(c)]
    assert hits, f"{brk.rule}: no HTML finding row for {brk.dataset} row {want_row!r}: {cells[:5]}"


@pytest.mark.parametrize("case", CASES)
def test_xlsx_issue_details_has_the_finding(built, case):
    reports, brk = _case(built, case)
    wb = openpyxl.load_workbook(reports / "validation.xlsx", read_only=True)
    ws = wb["Issue Details"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    at = {name: head.index(name) for name in ("Rule ID", "Dataset", "Row", "Variables", "Values")}
    hits = [r for r in rows[1:] if r[at["Rule ID"]] == brk.rule and r[at["Dataset"]] == brk.dataset
            and (r[at["Row"]] == brk.row or (brk.row is None and r[at["Row"]] in (None, "")))
            and brk.variable in f"{r[at['Variables']]} {r[at['Values']]}"]
    wb.close()
    assert hits, f"{brk.rule}: no 'Issue Details' row for {brk.dataset} row {brk.row}"


def _clean_report(work: Path, package: str) -> dict:
    """The pipeline's own validation.json of the unbroken package: reports/<package>/ (reports/
    for an SDTM-only pipeline); for ADaM made by this test, adam-clean-reports/."""
    for path in (work / "run" / "reports" / package / "validation.json",
                 work / "run" / "reports" / "validation.json" if package == "sdtm" else work / "adam-clean-reports" / "validation.json"):
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise AssertionError(f"no validation.json of the clean {package} package under {work}")


def _error_counts(doc: dict) -> dict[str, int]:
    return {r["rule_id"]: len(r["findings"]) for r in doc["rules"] if r["status"] == "failed" and r["severity"] == "error"}


def test_clean_demo_has_no_error_findings(built):
    """The unbroken demo package (the pipeline's own validation.json): zero error-severity
    findings, no rule in execution error, and none of the rules above fire on what the breaks
    touched (so each finding above comes from its break)."""
    work, breaks = built
    doc = _clean_report(work, "sdtm")
    assert _error_counts(doc) == {}, f"the clean demo has error findings: {_error_counts(doc)}"
    assert not [r["rule_id"] for r in doc["rules"] if r["status"] == "error"], "a rule failed to run on the clean demo"
    assert doc["define"], "the demo was validated without its define.xml, so the CDM-DF rules did not run"
    by_id = {r["rule_id"]: r for r in doc["rules"]}
    for brk in breaks:
        if brk.dataset.startswith("AD"):
            continue
        assert not [f for f in by_id[brk.rule]["findings"] if f["dataset"] == brk.dataset and brk.variable in _names(f["variables"])]


def test_clean_adam_has_no_error_findings(built):
    work, _ = built
    doc = _clean_report(work, "adam")
    assert _error_counts(doc) == {}, f"the clean demo ADaM has error findings: {_error_counts(doc)}"
    assert "CDM-AD-0013" in {r["rule_id"] for r in doc["rules"] if r["status"] == "passed"}


def test_broken_xpt_and_json_agree(built):
    """Both files of each broken dataset carry the break (a validator reading the .xpt sees it too)."""
    work, breaks = built
    for brk in breaks:
        folder = work / ("adam-broken" if brk.dataset.startswith("AD") else "sdtm-broken")
        xpt = read_xpt_dataset(folder / f"{brk.dataset.lower()}.xpt").data
        js = read_dataset_json(folder / f"{brk.dataset.lower()}.json").data
        assert list(xpt.columns) == list(js.columns) and len(xpt) == len(js), brk.case
        if brk.row is not None:
            a, b = xpt[brk.variable].iloc[brk.row - 1], js[brk.variable].iloc[brk.row - 1]
            assert a == b or float(a) == pytest.approx(float(b)), (brk.case, a, b)
    ae = read_xpt_dataset(work / "sdtm-broken" / "ae.xpt").data
    assert "AETERM" not in ae.columns

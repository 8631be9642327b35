"""The built-in study definition: it loads, it holds every criterion of the seed, its terms are CDISC CT."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdisc_dm.resources import study_dir
from cdisc_dm.standards import load_ct
from cdisc_dm.study import Criterion, Study, load_study

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = REPO / ".." / "shared" / "seed"


@pytest.fixture(scope="module")
def study() -> Study:
    return load_study("il2dm")


def test_builtin_study_loads_by_name_folder_and_file(study):
    folder = study_dir("il2dm")
    assert load_study(folder) == study
    assert load_study(folder / "study.yaml") == study
    assert study.path == (folder / "study.yaml").resolve()


def test_contract_shape(study):
    # The facts the registry record states (seed: phase 3, 240 patients, ages 18 to 75, 2 groups).
    assert study.phase == "PHASE III TRIAL"
    assert study.planned_subjects == 240
    assert (study.min_age, study.max_age) == (18, 75)
    assert study.sponsor == "Peking University"
    assert {a.armcd for a in study.arms} == {"IL2", "PBO"}
    assert study.country == "CHN" and all(s.country == "CHN" for s in study.sites)
    assert 8 <= len(study.sites) <= 12 and len({s.siteid for s in study.sites}) == len(study.sites)
    assert study.epochs == ["SCREENING", "BLINDED TREATMENT", "OPEN LABEL TREATMENT", "FOLLOW-UP"]
    assert [v.visitnum for v in study.visits] == sorted(v.visitnum for v in study.visits)
    assert study.visit_by_folder("W12") is study.visit(study.visit_by_folder("W12").visitnum)
    with pytest.raises(KeyError, match="UNS"):
        study.visit_by_folder("UNS")


def test_study_is_immutable(study):
    with pytest.raises(AttributeError):
        study.studyid = "OTHER"  # type: ignore[misc]


def test_treatment_facts_of_the_seed(study):
    # Seed: "One million IU of IL-2 was injected subcutaneously once every other day".
    il2 = study.treatment("IL2")
    assert (il2.dose, il2.dose_unit, il2.route, il2.frequency) == (1.0, "10^6 IU", "SUBCUTANEOUS", "QOD")
    # Both arms end with 12 weeks of open-label IL-2; the blinded period is IL-2 or placebo.
    blinded = {a.armcd: study.element(a.elements[1]).ex_treatment for a in study.arms}
    assert blinded == {"IL2": "INTERLEUKIN-2", "PBO": "PLACEBO"}
    assert {study.element(a.elements[2]).etcd for a in study.arms} == {"IL2OL"}


def test_every_choice_is_documented_as_a_sponsor_decision(study):
    where = {d.where for d in study.decisions}
    for needed in ("study", "sites", "visits"):  # STUDYID, the site list, the visit schedule
        assert needed in where, f"no sponsor_decision recorded for {needed}"
    assert all(d.location.line and d.text for d in study.decisions)


def test_terms_are_in_the_shipped_cdisc_ct(study):
    ct = load_ct()

    def codes(name: str) -> dict[str, str | None]:
        return {t.value: t.code for t in ct.codelist(name).terms}

    epoch = codes("EPOCH")
    for term in study.epoch_terms:
        assert epoch.get(term.epoch) == term.code, term
    for t in study.treatments:
        assert t.route in codes("ROUTE")
        assert t.frequency in codes("FREQ")
        assert t.dose_unit in codes("UNIT")
        assert t.dosage_form in codes("FRM")


# ---------------------------------------------------------------------------------------
# Every criterion of the seed text. The topics below were listed by hand from the seed
# (one per numbered item, compound items split into their parts); each must match exactly
# one criterion, and every criterion must be claimed by a topic.
# ---------------------------------------------------------------------------------------
SEED_TOPICS = {
    "INCLUSION": {
        1: [("age 18-75", ["18", "75", "age"])],
        2: [("diagnosis", ["bohan", "eular"]), ("active disease", ["active", "mmt-8", "vas"])],
        3: [("glucocorticoid dose", ["glucocorticoid", "0.5 mg/kg"]),
            ("no new immunosuppressant", ["immunosuppressant", "12 weeks"])],
        4: [("informed consent", ["informed consent"])],
        5: [("contraception", ["contraception"])],
    },
    "EXCLUSION": {
        1: [("iv glucocorticoid", ["intravenous glucocorticoid", "1 mg/kg"])],
        2: [("heart failure", ["heart failure", "nyha"]), ("renal", ["creatinine clearance", "30"]),
            ("liver", ["liver", "bilirubin"]), ("hemoglobin", ["hemoglobin", "80"]),
            ("platelets", ["platelet", "60"])],
        3: [("other connective tissue disease", ["connective tissue"]), ("tumour", ["tumo"])],
        4: [("allergy", ["allerg"])],
        5: [("infection", ["acute or chronic infection", "epstein-barr"]),
            ("hospitalized/iv antibiotics", ["hospitali", "antibiotic", "2 months"]),
            ("tuberculosis history", ["history of active tuberculosis"])],
        6: [("hepatitis serology", ["hepatitis b surface antigen", "hepatitis c"])],
        7: [("mental illness", ["mental"])],
    },
}


def _seed_items(text: str, heading: str, next_heading: str) -> list[int]:
    section = text.split(heading, 1)[1].split(next_heading, 1)[0]
    # Top-level items are indented by exactly two spaces ("  1. Age ..."); the abnormal CSM
    # list under inclusion 2 is indented further and belongs to that item.
    return [int(m.group(1)) for m in re.finditer(r"^ {2}(\d+)\. ", section, flags=re.MULTILINE)]


def test_seed_numbered_items_match_the_hand_listed_topics():
    seeds = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not seeds:
        pytest.skip("../shared/seed is not available")
    text = seeds[0].read_text(encoding="utf-8")
    inclusion = _seed_items(text, "Inclusion criteria", "Exclusion criteria")
    exclusion = _seed_items(text, "Exclusion criteria", "Trial design")
    assert inclusion == list(range(1, 6)) == sorted(SEED_TOPICS["INCLUSION"])
    assert exclusion == list(range(1, 8)) == sorted(SEED_TOPICS["EXCLUSION"])


def _matches(criterion: Criterion, keywords: list[str]) -> bool:
    text = criterion.text.lower()
    return all(k in text for k in keywords)


def test_every_seed_criterion_is_present_exactly_once(study):
    claimed: set[str] = set()
    for category, items in SEED_TOPICS.items():
        pool = [c for c in study.criteria if c.category == category]
        for item, topics in items.items():
            for topic, keywords in topics:
                hits = [c.code for c in pool if _matches(c, keywords)]
                assert len(hits) == 1, f"{category} {item} ({topic}): matched {hits}"
                claimed.update(hits)
    unclaimed = {c.code for c in study.criteria} - claimed
    assert not unclaimed, f"criteria not traceable to the seed: {sorted(unclaimed)}"


def test_active_disease_definition_keeps_the_core_set_measures(study):
    active = [c for c in study.criteria if _matches(c, ["active", "mmt-8"])][0]
    text = " ".join(active.definitions).lower()
    # The seed's six abnormal core set measures and their thresholds.
    for fragment in ("patient global", "physician global", "haq", "0.25", "1.3", "extramuscular", "1.0 cm",
                     "125/150"):
        assert fragment in text, fragment


def test_criterion_codes_and_texts_fit_ti(study):
    for c in study.criteria:
        assert len(c.code) <= 8 and re.fullmatch(r"[A-Z_][A-Z0-9_]*", c.code), c.code
        assert len(c.text) <= 200, c.code

"""The study definition: identity, arms, elements, epochs, visits, criteria, TS parameters.

A study is described once, in ``mappings/<study>/study.yaml`` (see docs/study-definition.md),
and read into a frozen :class:`Study`. The trial design domains (TA, TE, TV, TI, TS), SE,
EPOCH, visit numbering and the synthetic data all read this object, so a change to the
schedule in the YAML changes every output without a code change.

Every mistake in the file is a :class:`~cdisc_dm.errors.SpecError` naming the file, line and
column, in the manner of a compiler::

    mappings/il2dm/study.yaml:171:9: criterion code 'INCLUSION1' is 10 characters; IETESTCD allows at most 8

Example::

    study = load_study("il2dm")            # built-in name, a study folder or a study.yaml path
    study.studyid                           # 'IL2DM-PKU-301'
    study.visit_by_folder("W12").day        # 85
    [a.armcd for a in study.arms]           # ['IL2', 'PBO']
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import Location, SpecError
from .resources import study_dir
from .yamlio import LocatedDict, LocatedList, load_yaml

__all__ = [
    "load_study",
    "Study",
    "Site",
    "Treatment",
    "Epoch",
    "Element",
    "Arm",
    "Visit",
    "Criterion",
    "TSParameter",
    "SponsorDecision",
    "TS_PARAMETER_NAMES",
    "TS_DERIVED_PARAMETERS",
]

# Trial Summary parameter short names and names: CDISC CT codelists TSPARMCD (C66738) and
# TSPARM (C67152). Only the parameters this tool knows how to fill are listed; a study.yaml
# naming another one gets a did-you-mean error rather than a silently odd TS.
TS_PARAMETER_NAMES: dict[str, str] = {
    "ACTSUB": "Actual Number of Subjects",
    "ADAPT": "Adaptive Design",
    "ADDON": "Added on to Existing Treatments",
    "AGEMAX": "Planned Maximum Age of Subjects",
    "AGEMIN": "Planned Minimum Age of Subjects",
    "COMPTRT": "Comparative Treatment Name",
    "CURTRT": "Current Therapy or Treatment",
    "DCUTDESC": "Data Cutoff Description",
    "DCUTDTC": "Data Cutoff Date",
    "DOSE": "Dose per Administration",
    "DOSFRQ": "Dosing Frequency",
    "DOSU": "Dose Units",
    "EXTTIND": "Extension Trial Indicator",
    "FCNTRY": "Planned Country of Investigational Sites",
    "HLTSUBJI": "Healthy Subject Indicator",
    "INDIC": "Trial Disease/Condition Indication",
    "INTMODEL": "Intervention Model",
    "INTTYPE": "Intervention Type",
    "LENGTH": "Trial Length",
    "NARMS": "Planned Number of Arms",
    "NCOHORT": "Number of Groups/Cohorts",
    "OBJPRIM": "Trial Primary Objective",
    "OBJSEC": "Trial Secondary Objective",
    "OUTMSPRI": "Primary Outcome Measure",
    "OUTMSSEC": "Secondary Outcome Measure",
    "PCLAS": "Pharmacologic Class",
    "PDPSTIND": "Pediatric Postmarket Study Indicator",
    "PDSTIND": "Pediatric Study Indicator",
    "PIPIND": "Pediatric Investigation Plan Indicator",
    "PLANSUB": "Planned Number of Subjects",
    "RANDOM": "Trial is Randomized",
    "RANDQT": "Randomization Quotient",
    "RDIND": "Rare Disease Indicator",
    "REGID": "Registry Identifier",
    "ROUTE": "Route of Administration",
    "SDTIGVER": "SDTM IG Version",
    "SDTMVER": "SDTM Version",
    "SENDTC": "Study End Date",
    "SEXPOP": "Sex of Participants",
    "SPONSOR": "Clinical Study Sponsor",
    "SSTDTC": "Study Start Date",
    "STOPRULE": "Study Stop Rules",
    "STYPE": "Study Type",
    "TBLIND": "Trial Blinding Schema",
    "TCNTRL": "Control Type",
    "TDIGRP": "Diagnosis Group",
    "THERAREA": "Therapeutic Area",
    "TINDTP": "Trial Intent Type",
    "TITLE": "Trial Title",
    "TPHASE": "Trial Phase Classification",
    "TRT": "Investigational Therapy or Treatment",
    "TTYPE": "Trial Type",
}

# Parameters the TS builder fills from the structured facts of the study (or from DM), so
# they must not be repeated in the `trial_summary:` list where the two could disagree.
TS_DERIVED_PARAMETERS: frozenset[str] = frozenset({
    "TITLE", "SPONSOR", "PLANSUB", "AGEMIN", "AGEMAX", "SEXPOP", "HLTSUBJI", "NARMS", "FCNTRY",
    "REGID", "RANDQT", "TPHASE", "SSTDTC", "ACTSUB", "SDTIGVER", "SDTMVER",
})

# ISO 21090 null flavors allowed in TSVALNF (SDTMIG 3.4 section 7.6.1, TS assumptions).
_NULL_FLAVORS = frozenset({"NI", "INV", "DER", "OTH", "PINF", "NINF", "UNC", "MSK", "NA", "UNK",
                           "ASKU", "NAV", "NASK", "QS", "TRC", "NP"})
_ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
# SDTMIG 3.4 TI (IETESTCD): at most 8 characters, letters, digits and underscores, not
# starting with a digit.
_SHORT_CODE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_CATEGORIES = ("INCLUSION", "EXCLUSION")
_SEX_POPULATIONS = ("BOTH", "F", "M")


@dataclass(frozen=True)
class SponsorDecision:
    """A value the study team chose because the protocol/registry did not give it."""

    where: str  # YAML path, e.g. "visits" or "criteria[EX06]"
    text: str
    location: Location


@dataclass(frozen=True)
class Site:
    siteid: str
    name: str
    country: str
    city: str | None = None


@dataclass(frozen=True)
class Treatment:
    """A study treatment (EXTRT) with its planned dosing (EXDOSE/EXDOSU/EXDOSFRQ/EXROUTE/EXDOSFRM)."""

    code: str
    name: str
    description: str
    dose: float
    dose_unit: str
    frequency: str
    route: str
    dosage_form: str | None = None


@dataclass(frozen=True)
class Epoch:
    epoch: str
    code: str | None = None  # NCI C-code in CDISC CT codelist EPOCH (C99079)


@dataclass(frozen=True)
class Element:
    """A trial element (TE). ``duration`` is an ISO 8601 duration (TEDUR) or None."""

    etcd: str
    element: str
    epoch: str
    start_rule: str
    end_rule: str
    duration: str | None = None
    ex_category: str | None = None  # EXCAT of the exposure given in this element
    ex_treatment: str | None = None  # EXTRT expected in this element


@dataclass(frozen=True)
class Arm:
    """A planned arm (TA): its elements in TAETORD order, TABRANCH and TATRANS texts by ETCD."""

    armcd: str
    arm: str
    elements: tuple[str, ...]
    description: str = ""
    branch: dict[str, str] = field(default_factory=dict, hash=False, compare=True)
    transitions: dict[str, str] = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class Visit:
    """A planned visit (TV). ``day`` is the target study day (Day 1 = first dose)."""

    visitnum: float
    visit: str
    epoch: str
    day: int
    window_before: int
    window_after: int
    folder: str

    @property
    def window_start(self) -> int:
        return self.day - self.window_before

    @property
    def window_end(self) -> int:
        return self.day + self.window_after


@dataclass(frozen=True)
class Criterion:
    """An inclusion/exclusion criterion (TI): IETESTCD, IETEST, IECAT."""

    code: str
    text: str
    category: str
    definitions: tuple[str, ...] = ()


@dataclass(frozen=True)
class TSParameter:
    """One trial summary value from study.yaml (TSPARMCD, TSVAL, TSVALCD, TSVCDREF, TSVCDVER, TSVALNF)."""

    parmcd: str
    value: str | None
    code: str | None = None
    ref: str | None = None
    version: str | None = None
    null_flavor: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Study:
    """A loaded, validated study definition (see :func:`load_study`).

    Collections are tuples: the object is cached and shared by every caller, so nothing in
    it may change after loading.
    """

    studyid: str
    title: str
    short_title: str | None
    protocol_version: str
    phase: str
    sponsor: str
    indication: str
    planned_subjects: int
    min_age: int | None
    max_age: int | None
    sex_population: str
    healthy_volunteers: bool
    country: str
    registry_name: str | None
    registry_id: str | None
    randomization_quotient: float | None
    treatments: tuple[Treatment, ...]
    sites: tuple[Site, ...]
    epoch_terms: tuple[Epoch, ...]
    elements: tuple[Element, ...]
    arms: tuple[Arm, ...]
    visits: tuple[Visit, ...]
    criteria: tuple[Criterion, ...]
    criteria_version: str
    trial_summary: tuple[TSParameter, ...]
    decisions: tuple[SponsorDecision, ...]
    path: Path

    @property
    def epochs(self) -> list[str]:
        return [e.epoch for e in self.epoch_terms]

    def element(self, etcd: str) -> Element:
        for el in self.elements:
            if el.etcd == etcd:
                return el
        raise KeyError(f"study {self.studyid} has no element {etcd!r} (elements: {[e.etcd for e in self.elements]})")

    def arm(self, armcd: str) -> Arm:
        for arm in self.arms:
            if arm.armcd == armcd:
                return arm
        raise KeyError(f"study {self.studyid} has no arm {armcd!r} (arms: {[a.armcd for a in self.arms]})")

    def visit(self, visitnum: float) -> Visit:
        for v in self.visits:
            if v.visitnum == visitnum:
                return v
        raise KeyError(f"study {self.studyid} has no planned visit number {visitnum!r}")

    def visit_by_folder(self, folder: str) -> Visit:
        for v in self.visits:
            if v.folder == folder:
                return v
        raise KeyError(
            f"study {self.studyid} has no planned visit with EDC folder {folder!r} "
            f"(folders: {[v.folder for v in self.visits]})"
        )

    def treatment(self, name: str) -> Treatment:
        for t in self.treatments:
            if name in (t.code, t.name):
                return t
        raise KeyError(f"study {self.studyid} has no treatment {name!r}")


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------

def load_study(study: str | os.PathLike[str] = "il2dm") -> Study:
    """Load and validate a study definition.

    ``study`` is a built-in study name (``"il2dm"``), a study folder holding ``study.yaml``
    or the path of a study.yaml file. The result is cached per file content version.
    """
    path = Path(study)
    if path.suffix not in (".yaml", ".yml"):
        path = study_dir(study) / "study.yaml"
    path = path.resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SpecError("study definition not found", Location(path),
                        hint="a study folder must contain study.yaml") from None
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load_cached(path: str, _mtime_ns: int, _size: int) -> Study:
    return _parse(load_yaml(path), Path(path))


# --------------------------------------------------------------------------------------
# Validation helpers: each names the file, line and column of the offending key or value
# --------------------------------------------------------------------------------------

_ANY_MAPPING_KEYS = ("sponsor_decision", "source")


class _Ctx:
    """Collects sponsor decisions while the document is parsed."""

    def __init__(self, path: Path):
        self.path = path
        self.decisions: list[SponsorDecision] = []


def _err(message: str, loc: Location | None, hint: str | None = None) -> SpecError:
    return SpecError(message, loc, hint=hint)


def _mapping(node: Any, where: str, loc: Location) -> LocatedDict:
    if not isinstance(node, LocatedDict):
        raise _err(f"{where} must be a mapping (key: value pairs), not {_kind(node)}", loc)
    return node


def _list(node: Any, where: str, loc: Location) -> LocatedList:
    if not isinstance(node, LocatedList):
        raise _err(f"{where} must be a list, not {_kind(node)}", loc)
    return node


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _check_keys(doc: LocatedDict, where: str, required: tuple[str, ...], optional: tuple[str, ...],
                ctx: _Ctx, anchor: Location | None = None) -> None:
    """Unknown keys (with a suggestion) and missing required keys; ``anchor`` is the key that
    holds this mapping, named by a missing-key error (else the mapping's first line)."""
    allowed = set(required) | set(optional) | set(_ANY_MAPPING_KEYS)
    for key in doc:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(sorted(allowed))}"
            raise _err(f"unknown key {key!r} in {where}", doc.location(key), hint=hint)
    for key in required:
        if key not in doc:
            raise _err(f"{where} is missing the required key {key!r}", anchor or doc.location())
    if "sponsor_decision" in doc:
        text = doc["sponsor_decision"]
        if not isinstance(text, str) or not text.strip():
            raise _err(f"sponsor_decision in {where} must be a non-empty text",
                       doc.location("sponsor_decision", value=True))
        ctx.decisions.append(SponsorDecision(where, " ".join(text.split()), doc.location("sponsor_decision")))


def _text(doc: LocatedDict, key: str, where: str, *, required: bool = True, max_len: int | None = None,
          pattern: re.Pattern[str] | None = None, pattern_text: str = "") -> str | None:
    if key not in doc or doc[key] is None:
        if required:
            raise _err(f"{where} needs a value for {key!r}", doc.location(key))
        return None
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _err(f"{where}: {key} must be text, not {_kind(value)}", doc.location(key, value=True))
    text = " ".join(str(value).split()) if isinstance(value, str) else str(value)
    if not text:
        raise _err(f"{where}: {key} must not be empty", doc.location(key, value=True))
    if max_len is not None and len(text) > max_len:
        raise _err(f"{where}: {key} {text[:40]!r}... is {len(text)} characters; at most {max_len} allowed",
                   doc.location(key, value=True))
    if pattern is not None and not pattern.match(text):
        raise _err(f"{where}: {key} {text!r} is not {pattern_text}", doc.location(key, value=True))
    return text


def _int(doc: LocatedDict, key: str, where: str, *, required: bool = True, minimum: int | None = None) -> int | None:
    if key not in doc or doc[key] is None:
        if required:
            raise _err(f"{where} needs a value for {key!r}", doc.location(key))
        return None
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(f"{where}: {key} must be a whole number, not {_kind(value)}", doc.location(key, value=True))
    if minimum is not None and value < minimum:
        raise _err(f"{where}: {key} is {value}; it must be at least {minimum}", doc.location(key, value=True))
    return value


def _number(doc: LocatedDict, key: str, where: str, *, required: bool = True) -> float | None:
    if key not in doc or doc[key] is None:
        if required:
            raise _err(f"{where} needs a value for {key!r}", doc.location(key))
        return None
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _err(f"{where}: {key} must be a number, not {_kind(value)}", doc.location(key, value=True))
    return float(value)


def _bool(doc: LocatedDict, key: str, where: str) -> bool:
    value = doc.get(key)
    if not isinstance(value, bool):
        raise _err(f"{where}: {key} must be true or false, not {_kind(value)}", doc.location(key, value=True))
    return value


def _items(doc: LocatedDict, key: str, where: str, ctx: _Ctx, *, block_keys: tuple[str, ...] = ()
           ) -> tuple[LocatedList, LocatedDict | None]:
    """A list under ``key``, given either directly or as ``{list: [...], sponsor_decision: ...}``."""
    node = doc[key]
    block = None
    if isinstance(node, LocatedDict):
        _check_keys(node, key, ("list",), block_keys, ctx, anchor=doc.location(key))
        block = node
        node = node["list"]
        loc = block.location("list", value=True)
    else:
        loc = doc.location(key, value=True)
    items = _list(node, key, loc)
    if not items:
        raise _err(f"{key} must list at least one entry", loc)
    return items, block


def _unique(values: list[tuple[str, Location]], what: str) -> None:
    seen: dict[str, Location] = {}
    for value, loc in values:
        if value in seen:
            first = seen[value]
            raise _err(f"duplicate {what} {value!r} (first defined at line {first.line})", loc)
        seen[value] = loc


def _did_you_mean(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"


# --------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------

def _parse(doc: Any, path: Path) -> Study:
    ctx = _Ctx(path)
    top = _mapping(doc, "study.yaml", Location(path, 1, 1))
    _check_keys(top, "study.yaml", ("study", "epochs", "elements", "arms", "visits", "criteria"),
                ("treatments", "sites", "trial_summary"), ctx)

    head = _mapping(top["study"], "study", top.location("study"))
    _check_keys(head, "study",
                ("studyid", "title", "phase", "sponsor", "indication", "planned_subjects", "country"),
                ("short_title", "protocol_version", "min_age", "max_age", "sex_population",
                 "healthy_volunteers", "registry", "randomization_ratio", "randomization_quotient"), ctx,
                anchor=top.location("study"))
    studyid = _text(head, "studyid", "study", max_len=200)
    min_age = _int(head, "min_age", "study", required=False, minimum=0)
    max_age = _int(head, "max_age", "study", required=False, minimum=0)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise _err(f"study: min_age {min_age} is above max_age {max_age}", head.location("min_age", value=True))
    sexpop = _text(head, "sex_population", "study", required=False) or "BOTH"
    if sexpop not in _SEX_POPULATIONS:
        raise _err(f"study: sex_population {sexpop!r} is not one of {', '.join(_SEX_POPULATIONS)} "
                   "(CDISC CT SEXPOP)", head.location("sex_population", value=True))
    country = _text(head, "country", "study", pattern=re.compile(r"^[A-Z]{3}$"),
                    pattern_text="an ISO 3166-1 alpha-3 code such as CHN")
    registry_name = registry_id = None
    if "registry" in head:
        reg = _mapping(head["registry"], "study.registry", head.location("registry"))
        _check_keys(reg, "study.registry", ("name", "id"), (), ctx, anchor=head.location("registry"))
        registry_name = _text(reg, "name", "study.registry")
        registry_id = _text(reg, "id", "study.registry")
    rq = _number(head, "randomization_quotient", "study", required=False)
    if rq is not None and not 0 < rq <= 1:
        raise _err(f"study: randomization_quotient {rq} must be in (0, 1]",
                   head.location("randomization_quotient", value=True))
    if "randomization_ratio" in head:
        _text(head, "randomization_ratio", "study", pattern=re.compile(r"^\d+(:\d+)+$"),
              pattern_text="a ratio such as 1:1")

    treatments = _parse_treatments(top, ctx) if "treatments" in top else []
    sites = _parse_sites(top, ctx) if "sites" in top else []
    epochs = _parse_epochs(top, ctx)
    epoch_names = [e.epoch for e in epochs]
    elements, element_locs = _parse_elements(top, epoch_names, ctx)
    arms = _parse_arms(top, elements, element_locs, ctx)
    visits = _parse_visits(top, epoch_names, ctx)
    criteria, criteria_version = _parse_criteria(top, ctx, head)
    trial_summary = _parse_trial_summary(top, ctx) if "trial_summary" in top else []

    return Study(
        studyid=studyid,
        title=_text(head, "title", "study"),
        short_title=_text(head, "short_title", "study", required=False),
        protocol_version=_text(head, "protocol_version", "study", required=False) or "1",
        phase=_text(head, "phase", "study"),
        sponsor=_text(head, "sponsor", "study"),
        indication=_text(head, "indication", "study"),
        planned_subjects=_int(head, "planned_subjects", "study", minimum=1),
        min_age=min_age,
        max_age=max_age,
        sex_population=sexpop,
        healthy_volunteers=_bool(head, "healthy_volunteers", "study") if "healthy_volunteers" in head else False,
        country=country,
        registry_name=registry_name,
        registry_id=registry_id,
        randomization_quotient=rq,
        treatments=tuple(treatments),
        sites=tuple(sites),
        epoch_terms=tuple(epochs),
        elements=tuple(elements),
        arms=tuple(arms),
        visits=tuple(visits),
        criteria=tuple(criteria),
        criteria_version=criteria_version,
        trial_summary=tuple(trial_summary),
        decisions=tuple(ctx.decisions),
        path=path,
    )


def _each(items: LocatedList, what: str, idkey: str) -> list[tuple[LocatedDict, str]]:
    """The mappings of a list with a readable name each: ``criteria EX06`` or ``criteria entry 3``."""
    out = []
    for i, node in enumerate(items):
        node = _mapping(node, f"{what} entry {i + 1}", items.location(i))
        ident = node.get(idkey)
        name = f"{what} {ident}" if isinstance(ident, (str, int, float)) and not isinstance(ident, bool) \
            else f"{what} entry {i + 1}"
        out.append((node, name))
    return out


def _parse_treatments(top: LocatedDict, ctx: _Ctx) -> list[Treatment]:
    items, _ = _items(top, "treatments", "treatments", ctx)
    out, keys = [], []
    for node, where in _each(items, "treatments", "code"):
        _check_keys(node, where, ("code", "name", "dose", "dose_unit", "frequency", "route"),
                    ("description", "dosage_form"), ctx)
        out.append(Treatment(
            code=_text(node, "code", where), name=_text(node, "name", where),
            description=_text(node, "description", where, required=False) or "",
            dose=_number(node, "dose", where), dose_unit=_text(node, "dose_unit", where),
            frequency=_text(node, "frequency", where), route=_text(node, "route", where),
            dosage_form=_text(node, "dosage_form", where, required=False),
        ))
        keys.append((out[-1].code, node.location("code", value=True)))
    _unique(keys, "treatment code")
    return out


def _parse_sites(top: LocatedDict, ctx: _Ctx) -> list[Site]:
    items, _ = _items(top, "sites", "sites", ctx)
    out, keys = [], []
    for node, where in _each(items, "sites", "siteid"):
        _check_keys(node, where, ("siteid", "name", "country"), ("city",), ctx)
        site = Site(siteid=_text(node, "siteid", where, max_len=20), name=_text(node, "name", where),
                    country=_text(node, "country", where, pattern=re.compile(r"^[A-Z]{3}$"),
                                  pattern_text="an ISO 3166-1 alpha-3 code such as CHN"),
                    city=_text(node, "city", where, required=False))
        out.append(site)
        keys.append((site.siteid, node.location("siteid", value=True)))
    _unique(keys, "siteid")
    return out


def _parse_epochs(top: LocatedDict, ctx: _Ctx) -> list[Epoch]:
    items, _ = _items(top, "epochs", "epochs", ctx)
    out, keys = [], []
    for i, node in enumerate(items):
        if isinstance(node, str):
            out.append(Epoch(" ".join(node.split())))
            keys.append((out[-1].epoch, items.location(i)))
            continue
        node = _mapping(node, f"epochs entry {i + 1}", items.location(i))
        where = f"epochs entry {i + 1}"
        _check_keys(node, where, ("epoch",), ("code",), ctx)
        out.append(Epoch(_text(node, "epoch", where), _text(node, "code", where, required=False)))
        keys.append((out[-1].epoch, node.location("epoch", value=True)))
    _unique(keys, "epoch")
    return out


def _parse_elements(top: LocatedDict, epochs: list[str], ctx: _Ctx) -> tuple[list[Element], list[Location]]:
    items, _ = _items(top, "elements", "elements", ctx)
    out, keys = [], []
    for node, where in _each(items, "elements", "etcd"):
        _check_keys(node, where, ("etcd", "element", "epoch", "start_rule", "end_rule"),
                    ("duration", "ex_category", "ex_treatment"), ctx)
        # SDTMIG 3.4 TE/TA: ETCD is limited to 8 characters, without special character restrictions.
        etcd = _text(node, "etcd", where, max_len=8, pattern=re.compile(r"^\S+$"), pattern_text="a code without spaces")
        where = f"element {etcd}"
        epoch = _text(node, "epoch", where)
        if epoch not in epochs:
            raise _err(f"{where}: epoch {epoch!r} is not declared under epochs", node.location("epoch", value=True),
                       hint=_did_you_mean(epoch, epochs))
        duration = _text(node, "duration", where, required=False, pattern=_ISO_DURATION,
                         pattern_text="an ISO 8601 duration such as P12W or P28D")
        out.append(Element(etcd=etcd, element=_text(node, "element", where, max_len=200), epoch=epoch,
                           start_rule=_text(node, "start_rule", where, max_len=200),
                           end_rule=_text(node, "end_rule", where, max_len=200), duration=duration,
                           ex_category=_text(node, "ex_category", where, required=False),
                           ex_treatment=_text(node, "ex_treatment", where, required=False)))
        keys.append((etcd, node.location("etcd", value=True)))
    _unique(keys, "element code (etcd)")
    used = {e.epoch for e in out}
    for epoch in epochs:
        if epoch not in used:
            raise _err(f"epoch {epoch!r} is declared but no element belongs to it", top.location("epochs"),
                       hint="remove the epoch or give it an element")
    return out, [loc for _, loc in keys]


def _parse_arms(top: LocatedDict, elements: list[Element], element_locs: list[Location], ctx: _Ctx) -> list[Arm]:
    items, _ = _items(top, "arms", "arms", ctx)
    known = [e.etcd for e in elements]
    out, keys = [], []
    for node, where in _each(items, "arms", "armcd"):
        _check_keys(node, where, ("armcd", "arm", "elements"), ("description", "branch", "transitions"), ctx)
        armcd = _text(node, "armcd", where, max_len=20, pattern=re.compile(r"^[A-Za-z0-9_]+$"),
                      pattern_text="a code of letters, digits and underscores")
        where = f"arm {armcd}"
        seq = _list(node["elements"], f"{where}: elements", node.location("elements", value=True))
        if not seq:
            raise _err(f"{where}: elements must list at least one element", node.location("elements", value=True))
        etcds = []
        for i, etcd in enumerate(seq):
            if etcd not in known:
                raise _err(f"{where} refers to unknown element {etcd!r}", seq.location(i),
                           hint=_did_you_mean(str(etcd), known))
            etcds.append(etcd)
        texts: dict[str, dict[str, str]] = {}
        for key in ("branch", "transitions"):
            texts[key] = {}
            if key not in node or node[key] is None:
                continue
            sub = _mapping(node[key], f"{where}: {key}", node.location(key))
            for etcd, text in sub.items():
                if etcd not in etcds:
                    raise _err(f"{where}: {key} names element {etcd!r}, which is not in this arm",
                               sub.location(etcd), hint=f"this arm's elements: {', '.join(etcds)}")
                texts[key][etcd] = _text(sub, etcd, f"{where}: {key}", max_len=200)
        out.append(Arm(armcd=armcd, arm=_text(node, "arm", where, max_len=200), elements=tuple(etcds),
                       description=_text(node, "description", where, required=False) or "",
                       branch=texts["branch"], transitions=texts["transitions"]))
        keys.append((armcd, node.location("armcd", value=True)))
    _unique(keys, "arm code (armcd)")
    used = {etcd for arm in out for etcd in arm.elements}
    for el, loc in zip(elements, element_locs):
        if el.etcd not in used:
            raise _err(f"element {el.etcd!r} is not used by any arm", loc,
                       hint="add it to an arm's elements or remove it")
    return out


def _parse_visits(top: LocatedDict, epochs: list[str], ctx: _Ctx) -> list[Visit]:
    items, _ = _items(top, "visits", "visits", ctx)
    out: list[Visit] = []
    locs: list[Location] = []
    nums, names, folders = [], [], []
    for node, where in _each(items, "visits", "visit"):
        _check_keys(node, where, ("visitnum", "visit", "folder", "epoch", "day"),
                    ("window_before", "window_after"), ctx)
        visitnum = _number(node, "visitnum", where)
        if visitnum <= 0:
            raise _err(f"{where}: visitnum must be positive", node.location("visitnum", value=True))
        name = _text(node, "visit", where, max_len=200)
        where = f"visit {name}"
        epoch = _text(node, "epoch", where)
        if epoch not in epochs:
            raise _err(f"{where}: epoch {epoch!r} is not declared under epochs", node.location("epoch", value=True),
                       hint=_did_you_mean(epoch, epochs))
        day = _int(node, "day", where)
        if day == 0:
            raise _err(f"{where}: day 0 does not exist (SDTMIG 4.4.4: study days run ..., -1, 1, 2, ...)",
                       node.location("day", value=True))
        visit = Visit(visitnum=visitnum, visit=name, epoch=epoch, day=day,
                      window_before=_int(node, "window_before", where, required=False, minimum=0) or 0,
                      window_after=_int(node, "window_after", where, required=False, minimum=0) or 0,
                      folder=_text(node, "folder", where, pattern=re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$"),
                                   pattern_text="an EDC folder OID (a letter, then letters, digits, _ . -)"))
        if visit.folder.upper() == "UNS":
            raise _err(f"{where}: folder 'UNS' is reserved for unscheduled visits", node.location("folder", value=True))
        out.append(visit)
        locs.append(node.location())
        nums.append((str(visitnum), node.location("visitnum", value=True)))
        names.append((name, node.location("visit", value=True)))
        folders.append((visit.folder, node.location("folder", value=True)))
    _unique(nums, "visit number")
    _unique(names, "visit name")
    _unique(folders, "visit folder")
    # Windows are day ranges [day - before, day + after]; a study day inside two windows
    # would make the visit a record belongs to ambiguous (TV, SDTMIG 3.4 section 7.3.1).
    order = sorted(range(len(out)), key=lambda i: (out[i].window_start, out[i].window_end))
    for a, b in zip(order, order[1:]):
        if out[b].window_start <= out[a].window_end:
            raise _err(
                f"visit window of {out[b].visit} (days {out[b].window_start} to {out[b].window_end}) overlaps "
                f"{out[a].visit} (days {out[a].window_start} to {out[a].window_end})", locs[b],
                hint="narrow one of the windows so each study day falls in at most one visit window")
    # Unscheduled visits are numbered after the planned visit before them (previous VISITNUM
    # + 0.01 n), which only works when visit numbers increase with the planned day.
    by_day = sorted(range(len(out)), key=lambda i: out[i].day)
    for a, b in zip(by_day, by_day[1:]):
        if out[b].visitnum <= out[a].visitnum:
            raise _err(f"visit {out[b].visit} (day {out[b].day}) has visitnum {out[b].visitnum:g}, not above "
                       f"{out[a].visit} (day {out[a].day}, visitnum {out[a].visitnum:g})", locs[b],
                       hint="visit numbers must increase with the planned study day")
        # Epochs follow one another in time: a later visit cannot be in an earlier epoch.
        if epochs.index(out[b].epoch) < epochs.index(out[a].epoch):
            raise _err(f"visit {out[b].visit} (day {out[b].day}) is in epoch {out[b].epoch!r}, which comes before "
                       f"the epoch {out[a].epoch!r} of the earlier visit {out[a].visit}", locs[b],
                       hint="list epochs in time order and give each visit the epoch of its assessments")
    return out


def _parse_criteria(top: LocatedDict, ctx: _Ctx, head: LocatedDict) -> tuple[list[Criterion], str]:
    items, block = _items(top, "criteria", "criteria", ctx, block_keys=("protocol_version",))
    version = None
    if block is not None:
        version = _text(block, "protocol_version", "criteria", required=False)
    version = version or _text(head, "protocol_version", "study", required=False) or "1"
    out, keys = [], []
    for node, where in _each(items, "criteria", "code"):
        _check_keys(node, where, ("code", "category", "text"), ("definitions",), ctx)
        code = _text(node, "code", where)
        if len(code) > 8:
            raise _err(f"criterion code {code!r} is {len(code)} characters; IETESTCD allows at most 8",
                       node.location("code", value=True))
        if not _SHORT_CODE.match(code):
            raise _err(f"criterion code {code!r} must be upper-case letters, digits and underscores, "
                       "not starting with a digit (SDTMIG 3.4 TI, IETESTCD)", node.location("code", value=True))
        where = f"criterion {code}"
        category = _text(node, "category", where)
        if category not in _CATEGORIES:
            raise _err(f"{where}: category {category!r} must be INCLUSION or EXCLUSION (CDISC CT IECAT)",
                       node.location("category", value=True), hint=_did_you_mean(category, list(_CATEGORIES)))
        text = _text(node, "text", where)
        if len(text) > 200:
            raise _err(f"{where}: text is {len(text)} characters; IETEST allows at most 200",
                       node.location("text", value=True),
                       hint="shorten the text; keep long definitions under 'definitions'")
        definitions: tuple[str, ...] = ()
        if "definitions" in node:
            defs = _list(node["definitions"], f"{where}: definitions", node.location("definitions", value=True))
            definitions = tuple(" ".join(str(d).split()) for d in defs)
        out.append(Criterion(code=code, text=text, category=category, definitions=definitions))
        keys.append((code, node.location("code", value=True)))
    _unique(keys, "criterion code")
    return out, version


def _parse_trial_summary(top: LocatedDict, ctx: _Ctx) -> list[TSParameter]:
    items, _ = _items(top, "trial_summary", "trial_summary", ctx)
    known = sorted(TS_PARAMETER_NAMES)
    out = []
    for node, where in _each(items, "trial_summary", "parmcd"):
        _check_keys(node, where, ("parmcd",), ("value", "code", "ref", "version", "null_flavor"), ctx)
        parmcd = _text(node, "parmcd", where)
        where = f"trial_summary {parmcd}"
        if parmcd not in TS_PARAMETER_NAMES:
            raise _err(f"unknown trial summary parameter {parmcd!r} (CDISC CT TSPARMCD)",
                       node.location("parmcd", value=True), hint=_did_you_mean(parmcd, known))
        if parmcd in TS_DERIVED_PARAMETERS:
            raise _err(f"{where} is filled from the study facts by the TS builder; remove it from trial_summary",
                       node.location("parmcd", value=True))
        value = _text(node, "value", where, required=False)
        null_flavor = _text(node, "null_flavor", where, required=False)
        if (value is None) == (null_flavor is None):
            raise _err(f"{where} needs exactly one of 'value' or 'null_flavor' (TSVAL or TSVALNF)", node.location())
        if null_flavor is not None and null_flavor not in _NULL_FLAVORS:
            raise _err(f"{where}: null_flavor {null_flavor!r} is not an ISO 21090 null flavor",
                       node.location("null_flavor", value=True), hint=_did_you_mean(null_flavor, sorted(_NULL_FLAVORS)))
        if value is not None and len(value) > 200:
            raise _err(f"{where}: value is {len(value)} characters; TSVAL allows 200 (split into TSVAL1.. is not "
                       "supported)", node.location("value", value=True))
        code = _text(node, "code", where, required=False)
        ref = _text(node, "ref", where, required=False)
        if code is not None and ref is None:
            raise _err(f"{where}: a code needs its terminology in 'ref' (TSVCDREF)", node.location("code"))
        out.append(TSParameter(parmcd=parmcd, value=value, code=code, ref=ref,
                               version=_text(node, "version", where, required=False), null_flavor=null_flavor,
                               location=node.location()))
    return out

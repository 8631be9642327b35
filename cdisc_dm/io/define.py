"""Define-XML 2.1 from the metadata that ran the conversion.

Every attribute comes from the :class:`~cdisc_dm.dataset.Package` (dataset and variable
metadata set by the mapping/derivation specs), the controlled terminology and the data
itself (data types, lengths, significant digits, the codelist terms in use). Nothing is
typed by hand, so the define cannot drift from what actually ran (DESIGN.md, principle 1).

OIDs are readable and deterministic: ``IG.DM``, ``IT.DM.SEX``, ``CL.SEX``, ``VL.LB.LBORRES``,
``IT.LB.LBORRES.CK``, ``WC.LB.LBORRES.CK``, ``MT.<method name>``, ``COM.DM.SEX``, ``LF.DM``;
dataset and item OIDs come from :mod:`cdisc_dm.io.oids`, the same functions the
Dataset-JSON writer uses, so ``itemOID`` in a Dataset-JSON file resolves in the define.

Example::

    tree = build_define(sdtm, study=load_study("il2dm"), ct=load_ct(extra=study_dir("il2dm") / "ct"),
                        created=datetime(2026, 11, 29, 8, 0))
    write_define(tree, "run/define/define.xml")
    dump_package_metadata(sdtm, "run/sdtm/metadata.json")     # for `cdisc-dm define` later
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from .. import __version__
from ..dataset import Dataset, Package, ValueLevel, Variable
from ..errors import Location, OutputError, StandardsError, UsageError
from ..report import Issue, Report
from ..standards.build_dataset import parse_standard
from ..standards.ct import Codelist, Term
from .oids import item_group_oid, item_oid, metadata_version_oid

__all__ = [
    "build_define",
    "write_define",
    "dump_package_metadata",
    "load_package_metadata",
    "infer_data_type",
    "ODM_NS",
    "DEF_NS",
    "XLINK_NS",
    "DEFINE_VERSION",
    "write_atomic",
    "read_package_for_define",
]

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
DEF_NS = "http://www.cdisc.org/ns/def/v2.1"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DEFINE_VERSION = "2.1.0"
_NSMAP = {None: ODM_NS, "def": DEF_NS, "xlink": XLINK_NS}

# Define-XML 2.1 ExternalCodeList/@Dictionary values (define-enumerations.xsd) for the value
# domains the implementation guides name instead of a CDISC codelist.
_DICTIONARIES = {
    "MEDDRA": "MedDRA",
    "ISO 3166": "ISO 3166",
    "ISO 3166-1 ALPHA-3": "ISO 3166",
    "WHODD": "WHODD",
    "WHODRUG": "WHODD",
    "WHO DRUG": "WHODD",
    "LOINC": "LOINC",
    "UNII": "UNII",
    "SNOMED": "SNOMED",
    "MED-RT": "MED-RT",
}

# Define-XML 2.1 def:Standard/@PublishingSet of each CT package our loader knows.
_CT_PUBLISHING_SET = {"SDTM CT": "SDTM", "ADaM CT": "ADaM", "Define-XML CT": "DEFINE-XML", "SEND CT": "SEND",
                      "CDASH CT": "CDASH"}

# ISO 8601 shapes (SDTMIG 3.4 section 4.4) and the Define-XML / ODM 1.3.2 data type each one is.
_ISO_SHAPES = (
    ("date", r"\d{4}-\d{2}-\d{2}"),
    ("datetime", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?"),
    ("partialDate", r"\d{4}(?:-\d{2}(?:-\d{2})?)?"),
    ("partialDatetime", r"\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?)?)?)?"),
    ("incompleteDatetime", r"(?:\d{4}|-)-(?:\d{2}|-)-(?:\d{2}|-)(?:T(?:\d{2}|-)(?::(?:\d{2}|-)(?::(?:\d{2}|-))?)?)?"),
    ("durationDatetime", r"-?P(?:\d+(?:\.\d+)?[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?"),
    ("intervalDatetime", r"[^/\s]+/[^/\s]+"),
)
_DATE_FORMATS = frozenset({"DATE", "E8601DA", "IS8601DA", "B8601DA", "YYMMDD", "MMDDYY", "DDMMYY", "WORDDATE",
                           "WEEKDATE", "MONYY", "YYMM", "YYQ", "NLDATE"})
_DATETIME_FORMATS = frozenset({"DATETIME", "E8601DT", "IS8601DT", "B8601DT", "DATEAMPM", "NLDATM"})
_TIME_FORMATS = frozenset({"TIME", "E8601TM", "IS8601TM", "B8601TM", "TOD", "HHMM", "NLTIME"})
_SAS_EPOCH = pd.Timestamp("1960-01-01")

# SDTMIG 3.4 section 2.1 class order, then ADaM: the order reviewers expect datasets in.
_CLASS_ORDER = ("TRIAL DESIGN", "SPECIAL PURPOSE", "INTERVENTIONS", "EVENTS", "FINDINGS", "FINDINGS ABOUT",
                "RELATIONSHIP", "STUDY REFERENCE", "SUBJECT LEVEL ANALYSIS DATASET", "BASIC DATA STRUCTURE",
                "OCCURRENCE DATA STRUCTURE", "ADAM OTHER")


# ------------------------------------------------------------------ small helpers
def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _odm(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, _q(ODM_NS, tag), {k: str(v) for k, v in attrs.items() if v is not None})


def _def(parent, tag: str, **attrs) -> etree._Element:
    return etree.SubElement(parent, _q(DEF_NS, tag), {k: str(v) for k, v in attrs.items() if v is not None})


def _description(parent, text: str | None) -> None:
    if text:
        desc = _odm(parent, "Description")
        tt = _odm(desc, "TranslatedText")
        tt.set(XML_LANG, "en")
        tt.text = text


def _oid_part(text: str) -> str:
    """A readable OID fragment: letters, digits, '_', '-' kept; anything else becomes '_'."""
    return re.sub(r"[^A-Za-z0-9_\-]", "_", str(text)) or "_"


@dataclass(frozen=True)
class _StudyInfo:
    studyid: str
    name: str
    description: str
    protocol: str


def _study_info(study: Any) -> _StudyInfo:
    if isinstance(study, Mapping):
        sid = study.get("studyid")
        if not sid:
            raise UsageError("build_define: study mapping needs 'studyid' (and optionally name, description, protocol)")
        return _StudyInfo(str(sid), str(study.get("name") or sid), str(study.get("description") or sid),
                          str(study.get("protocol") or sid))
    sid = getattr(study, "studyid", None)
    if not sid:
        raise UsageError(f"build_define: study must be a cdisc_dm.study.Study or a mapping with 'studyid', got {type(study).__name__}")
    title = getattr(study, "title", None) or sid
    return _StudyInfo(str(sid), str(getattr(study, "short_title", None) or sid), str(title), str(sid))


# ------------------------------------------------------------------ values: types, lengths, digits
def _present(series: pd.Series) -> pd.Series:
    """Non-missing values; for text, blank strings count as missing (they are null in XPT)."""
    s = series.dropna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("string")
        s = s[s.str.strip().str.len() > 0]
    return s


def _format_kind(display_format: str | None) -> str | None:
    if not display_format:
        return None
    name = re.sub(r"[\d.]+$", "", display_format.strip().upper())
    if name in _DATE_FORMATS:
        return "date"
    if name in _DATETIME_FORMATS:
        return "datetime"
    if name in _TIME_FORMATS:
        return "time"
    return None


def _numbers(series: pd.Series, display_format: str | None) -> np.ndarray:
    """A Num column as float64 without missing values; datetimes become SAS day/second counts."""
    s = series.dropna()
    if s.dtype == object and len(s) and not isinstance(s.iloc[0], (int, float, np.number, str)):
        s = pd.to_datetime(s)  # date/datetime objects (pyreadstat reads DATE9.-formatted numbers so)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        delta = (s.astype("datetime64[ns]") - _SAS_EPOCH)
        seconds = delta.dt.total_seconds().to_numpy(dtype="float64")
        return seconds / 86400.0 if _format_kind(display_format) in ("date", None) else seconds
    if pd.api.types.is_timedelta64_dtype(s.dtype):
        return s.dt.total_seconds().to_numpy(dtype="float64")
    return pd.to_numeric(s, errors="coerce").dropna().to_numpy(dtype="float64")


def _decimals(values: np.ndarray, limit: int = 12) -> np.ndarray:
    """Digits right of the decimal point each value needs (up to ``limit``), vectorized."""
    out = np.full(values.shape, limit, dtype=np.int64)
    pending = np.ones(values.shape, dtype=bool)
    for k in range(limit + 1):
        scaled = values * 10.0**k
        fits = pending & np.isclose(scaled, np.round(scaled), rtol=1e-12, atol=1e-7)
        out[fits] = k
        pending &= ~fits
        if not pending.any():
            break
    return out


def _integer_digits(values: np.ndarray) -> np.ndarray:
    mag = np.abs(np.trunc(values))
    with np.errstate(divide="ignore"):
        digits = np.floor(np.log10(np.where(mag > 0, mag, 1.0))) + 1
    return digits.astype(np.int64)


def infer_data_type(var: Variable, series: pd.Series) -> tuple[str, int | None, int | None]:
    """The Define-XML DataType, Length and SignificantDigits of a variable from its values.

    ``var.data_type`` wins when the metadata sets it. Num variables are ``integer`` when every
    value is whole (SAS numeric dates with a date display format are integer day counts),
    else ``float`` with SignificantDigits = the most decimals any value has. Length follows
    ODM 1.3.2: characters for text, digits (no sign, no decimal point) for numbers. Char
    variables named ``--DTC``/``--DUR`` get the ISO 8601 type all their values fit
    (date, datetime, partialDate, partialDatetime, incompleteDatetime, durationDatetime).

    >>> infer_data_type(Variable("AGE", "Age", "Num"), pd.Series([34.0, 101.0]))
    ('integer', 3, None)
    >>> infer_data_type(Variable("WEIGHT", "Weight", "Num"), pd.Series([70.25, 5.5]))
    ('float', 4, 2)
    """
    values = _present(series)
    if var.type == "Num":
        return _numeric_shape(_numbers(values, var.display_format), var.data_type, var.significant_digits)
    text = values.astype("string")
    if var.data_type in ("integer", "float"):
        # a Char variable whose values are numbers by metadata (value-level LBORRES for a numeric test)
        nums = pd.to_numeric(text, errors="coerce").dropna().to_numpy(dtype="float64")
        return _numeric_shape(nums, var.data_type, var.significant_digits)
    length = max(1, int(text.str.len().max())) if len(text) else 1
    if var.data_type:
        return var.data_type, length if var.data_type == "text" else None, None
    if var.name.endswith(("DTC", "DUR")) and len(text):
        unique = pd.Series(text.unique(), dtype="string")
        for dtype, pattern in _ISO_SHAPES:
            if bool(unique.str.fullmatch(pattern).all()):
                return dtype, None, None
        return "text", length, None
    if var.name.endswith("DTC"):
        # no values to look at: SDTMIG 3.4 section 4.4.1 defines --DTC as an ISO 8601 datetime
        return "datetime", None, None
    return "text", length, None


def _numeric_shape(nums: np.ndarray, data_type: str | None, significant_digits: int | None
                   ) -> tuple[str, int | None, int | None]:
    if nums.size == 0:
        dtype = data_type or "integer"
        return dtype, 1 if dtype in ("integer", "float") else None, 0 if dtype == "float" else None
    decimals = _decimals(nums)
    int_digits = _integer_digits(nums)
    dtype = data_type or ("integer" if bool((decimals == 0).all()) else "float")
    if dtype == "integer":
        return dtype, max(1, int(int_digits.max())), None
    if dtype == "float":
        sig = int(decimals.max()) if significant_digits is None else int(significant_digits)
        return dtype, max(1, int((int_digits + np.minimum(decimals, sig)).max())), sig
    return dtype, None, None


def _subset(data: pd.DataFrame, where: Mapping[str, tuple[str, ...]], cache: dict | None = None) -> pd.Series:
    """Rows where every ``where`` variable holds one of its values (a Define-XML where clause).

    Each tested column is compared as text. ``cache`` keeps each column's integer codes between
    calls: one value list tests the same column once per entry (LBTESTCD for every lab test), and
    comparing codes costs a fraction of comparing millions of strings once per entry.

    >>> frame = pd.DataFrame({"LBTESTCD": ["CK", "ALT", "CK", None]})
    >>> _subset(frame, {"LBTESTCD": ("CK",)}).tolist()
    [True, False, True, False]
    """
    mask = np.ones(len(data), dtype=bool)
    for column, allowed in where.items():
        codes, index = _where_codes(data, column, cache)
        mask &= np.isin(codes, _wanted(index, allowed))
    return pd.Series(mask, index=data.index)


def _where_codes(data: pd.DataFrame, column: str, cache: dict | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """(integer code per record, {value text: code}) of a where-clause column; missing is -1."""
    entry = None if cache is None else cache.get(column)
    if entry is None:
        codes, uniques = pd.factorize(data[column].astype("string"))  # missing -> -1, never allowed
        entry = (codes, {str(u): i for i, u in enumerate(uniques)})
        if cache is not None:
            cache[column] = entry
    return entry


def _wanted(index: dict[str, int], allowed) -> list[int]:
    """The codes of a where clause's values (values the column never holds have none)."""
    return [index[str(v)] for v in allowed if str(v) in index]


def _code_strings(series: pd.Series) -> list[str]:
    """The distinct values of a column as the text a codelist holds (whole numbers without '.0')."""
    values = _present(series)
    if pd.api.types.is_numeric_dtype(values.dtype):
        nums = values.to_numpy(dtype="float64")
        whole = np.isclose(nums, np.round(nums))
        text = np.where(whole, np.round(nums).astype(np.int64).astype(str), nums.astype(str))
        return sorted(set(text.tolist()))
    return sorted(set(values.astype(str).tolist()))


# ------------------------------------------------------------------ collected plan
@dataclass
class _Item:
    oid: str
    name: str
    label: str
    dtype: str
    length: int | None
    digits: int | None
    display_format: str | None
    codelist_oid: str | None
    origin: str | None
    origin_source: str | None
    origin_description: str | None
    comment_oid: str | None
    value_list_oid: str | None


# Define-XML 2.1 def:Origin/@Type and ItemDef/@DataType values (define-enumerations.xsd, ODM 1.3.2).
ORIGIN_TYPES = ("Collected", "Derived", "Assigned", "Protocol", "Predecessor", "Not Available", "Other")
DATA_TYPES = ("text", "integer", "float", "date", "time", "datetime", "partialDate", "partialTime",
              "partialDatetime", "incompleteDatetime", "durationDatetime", "intervalDatetime")


def _check_enumerations(dataset: str, variable: str, origin: str | None, data_type: str | None) -> None:
    if origin is not None and origin not in ORIGIN_TYPES:
        raise OutputError(f"dataset {dataset}, variable {variable}: origin {origin!r} is not a Define-XML 2.1 origin type",
                          hint=f"expected one of {', '.join(ORIGIN_TYPES)}")
    if data_type is not None and data_type not in DATA_TYPES:
        raise OutputError(f"dataset {dataset}, variable {variable}: data type {data_type!r} is not a Define-XML 2.1 "
                          "data type", hint=f"expected one of {', '.join(DATA_TYPES)}")


def _origin_source(origin: str | None, source: str | None, sources: Mapping[str, str]) -> str | None:
    """Define-XML 2.1 def:Origin/@Source (Investigator, Sponsor, Subject, Vendor).

    Decision: Collected data is Investigator-reported (EDC CRF) unless its raw form is listed
    in ``origin_sources`` (the central-lab transfer ``LAB`` is Vendor, questionnaires filled
    in by the subject are Subject); Assigned, Derived and Protocol values are the Sponsor's.
    Predecessor and Not Available carry no Source (the predecessor is in the Description).
    """
    if origin == "Collected":
        if source in ("Investigator", "Sponsor", "Subject", "Vendor"):
            return source
        form = (source or "").split(".", 1)[0].upper()
        return sources.get(form, "Investigator")
    if origin in ("Assigned", "Derived", "Protocol"):
        return "Sponsor"
    return None


def _origin_description(origin: str | None, source: str | None) -> str | None:
    if not source or source in ("Investigator", "Sponsor", "Subject", "Vendor"):
        return None
    if origin == "Predecessor":
        return source  # Define-XML 2.1 section 5.3.11.2: the predecessor variable, e.g. DM.AGE
    if origin == "Collected":
        return f"Raw field {source}"
    return None


class _Builder:
    def __init__(self, package: Package, study: _StudyInfo, ct, created: datetime, leaf_format: str,
                 origin_sources: Mapping[str, str], dictionaries: Mapping[str, str], report: Report | None):
        self.report = report
        self.package = package
        self.study = study
        self.ct = ct
        self.created = created
        self.leaf_format = leaf_format
        self.origin_sources = {k.upper(): v for k, v in origin_sources.items()}
        self.dictionaries = dict(dictionaries)
        self.family, self.version = parse_standard(package.standard)
        self.std_oid = f"STD.{self.family}.{self.version}"
        self.items: dict[str, _Item] = {}
        self.methods: dict[tuple[str | None, str], list[str]] = {}  # (name, text) -> ["DS.VAR", ...]
        self.method_types: dict[tuple[str | None, str], str] = {}
        self.comments: dict[str, list[str]] = {}  # text -> ["DS.VAR" | "DS"]
        # OID -> {"values": set of coded values in use, "num": only Num variables use it,
        #         "external": dictionary name or None, "cl": Codelist or None}
        self.codelists: dict[str, dict] = {}
        # VL OID -> [(item OID, where-clause OID, Mandatory, method key or None)]
        self.value_lists: list[tuple[str, list[tuple[str, str, str, tuple | None]]]] = []
        self.where_clauses: dict[str, list[tuple[str, list[str]]]] = {}
        self._ct_package_of: dict[str, str | None] = {}

    # -- references --------------------------------------------------------
    def method_key(self, ds: str, var: str, name: str | None, text: str) -> tuple[str | None, str]:
        key = (name, text.strip())
        self.methods.setdefault(key, []).append(f"{ds}.{var}")
        # Define-XML 2.1 MethodDef/@Type: Imputation when the algorithm fills in missing parts.
        kind = "Imputation" if re.search(r"imput", f"{name or ''} {text}", re.IGNORECASE) else "Computation"
        self.method_types[key] = kind
        return key

    def comment_key(self, owner: str, text: str) -> str:
        self.comments.setdefault(text.strip(), []).append(owner)
        return text.strip()

    def codelist_oid(self, ds: Dataset, var: Variable, codelist: str | None, values: list[str]) -> str | None:
        name = codelist
        external = None
        if name and name.strip().upper() in _DICTIONARIES:
            external = _DICTIONARIES[name.strip().upper()]
        elif not name and var.type == "Char":
            domain = self._value_domain(ds, var)
            if domain and domain.strip().upper() in _DICTIONARIES:
                external = _DICTIONARIES[domain.strip().upper()]
        if external:
            oid = f"CL.{_oid_part(external.upper().replace(' ', ''))}"
            self.codelists.setdefault(oid, {"external": external, "values": set(), "num": False, "cl": None})
            return oid
        if not name:
            return None
        cl = self.ct.find(name)
        if cl is None and name in getattr(self.ct, "known_codes", {}):
            # The IG names a CDISC codelist whose terms are not in the loaded CT (the shipped subset):
            # list the values in use under the codelist's NCI code, and say so in the report.
            cl = Codelist(short_name=name, code=self.ct.known_codes[name], name=name, extensible=True,
                          terms=tuple(Term(value=v, code=None) for v in values), source="")
            if self.report is not None:
                self.report.add(Issue(
                    code="DEFINE-CT-NO-TERMS", severity="warning", dataset=ds.name, variable=var.name,
                    message=f"codelist {name} ({cl.code}) has no terms in controlled terminology {self.ct.version}; "
                            "the define lists the values in use without term codes (load a full NCI EVS release)"))
        if cl is None:
            raise StandardsError(
                f"dataset {ds.name}, variable {var.name}: codelist {name!r} is not in controlled terminology {self.ct.version}",
                hint="load the study's CT (load_ct(extra=study_dir(...) / 'ct')) or a full NCI EVS release",
            )
        oid = f"CL.{_oid_part(cl.short_name)}"
        entry = self.codelists.setdefault(oid, {"external": None, "values": set(), "num": True, "cl": cl})
        if not entry["cl"].source and not cl.source:  # terms made from the data: keep every variable's values
            entry["cl"] = replace(entry["cl"], terms=tuple(Term(value=v, code=None) for v in sorted(entry["values"] | set(values))), _by_value={})
        entry["values"].update(values)
        entry["num"] = entry["num"] and var.type == "Num"
        return oid

    def _value_domain(self, ds: Dataset, var: Variable) -> str | None:
        """The IG's described value domain (e.g. MedDRA for AEDECOD, ISO 3166 for COUNTRY)."""
        try:
            from ..standards import load_sdtmig

            ig = load_sdtmig()
            meta = None
            if self.family == "SDTMIG":
                try:
                    meta = ig.domain(ds.domain or ds.name).find(var.name)
                except StandardsError:
                    meta = None
            if meta is None:
                meta = ig.variable_anywhere(var.name)
        except StandardsError:
            return None
        return getattr(meta, "value_domain", None) if meta is not None else None

    def ct_standard_oid(self, cl) -> str | None:
        """def:StandardOID of a CDISC codelist: the CT package its file belongs to."""
        if cl is None or cl.sponsor:
            return None
        packages = [p for p in self.ct.versions if p in _CT_PUBLISHING_SET]
        source = cl.source or ""
        if source not in self._ct_package_of:
            found = None
            if source.endswith((".yaml", ".yml")) and Path(source).is_file():
                found = _ct_package_name(source)
            elif len(packages) == 1:
                found = packages[0]
            self._ct_package_of[source] = found
        package = self._ct_package_of[source]
        return self._ct_oid(package) if package in _CT_PUBLISHING_SET and package in self.ct.versions else None

    def _ct_oid(self, package: str) -> str:
        return f"STD.CT.{_oid_part(_CT_PUBLISHING_SET[package])}.{_oid_part(self.ct.versions[package])}"

    # -- datasets ------------------------------------------------------------
    def collect(self, ds: Dataset) -> dict:
        try:
            ds.check_consistent()
        except ValueError as exc:
            raise OutputError(str(exc)) from None
        refs = []
        for order, var in enumerate(ds.variables, start=1):
            _check_enumerations(ds.name, var.name, var.origin, var.data_type)
            for vl in var.value_level:
                _check_enumerations(ds.name, var.name, vl.origin, vl.type)
            oid = item_oid(ds.name, var.name)
            series = ds.data[var.name]
            dtype, length, digits = infer_data_type(var, series)
            values = _code_strings(series) if var.codelist else []
            cl_oid = self.codelist_oid(ds, var, var.codelist, values)
            method = self.method_key(ds.name, var.name, var.method_name, var.method) \
                if var.origin == "Derived" and var.method else None
            comment = self.comment_key(f"{ds.name}.{var.name}", var.comment) if var.comment else None
            self.items[oid] = _Item(
                oid=oid, name=var.name, label=var.label, dtype=dtype, length=length, digits=digits,
                display_format=var.display_format if var.type == "Num" else None, codelist_oid=cl_oid,
                origin=var.origin, origin_source=_origin_source(var.origin, var.source, self.origin_sources),
                origin_description=_origin_description(var.origin, var.source), comment_oid=comment,
                value_list_oid=f"VL.{ds.name}.{var.name}" if var.value_level else None,
            )
            if var.value_level:
                self.collect_value_list(ds, var)
            key_seq = ds.keys.index(var.name) + 1 if var.name in ds.keys else None
            refs.append(dict(ItemOID=oid, OrderNumber=order, Mandatory="Yes" if var.core == "Req" else "No",
                             KeySequence=key_seq, method=method,
                             Role=var.role if self.family == "SDTMIG" and var.role else None))
        comment = self.comment_key(ds.name, ds.comment) if ds.comment else None
        return {"ds": ds, "refs": refs, "comment": comment}

    def collect_value_list(self, ds: Dataset, var: Variable) -> str:
        vl_oid = f"VL.{ds.name}.{var.name}"
        entries = []
        used: set[str] = set()
        cache: dict = {}
        for vl in var.value_level:
            missing = [w for w in vl.where if w not in ds.data.columns]
            if missing:
                raise OutputError(
                    f"dataset {ds.name}, variable {var.name}: value-level metadata refers to {missing}, "
                    "which the dataset does not have")
            suffix = ".".join("_".join(_oid_part(v) for v in vl.where[w]) for w in vl.where)
            base = f"{ds.name}.{var.name}.{suffix}"
            tag, n = base, 2
            while tag in used:
                tag, n = f"{base}.{n}", n + 1
            used.add(tag)
            wc_oid = f"WC.{tag}"
            self.where_clauses[wc_oid] = [(item_oid(ds.name, w), [str(v) for v in vl.where[w]]) for w in vl.where]
            sub = ds.data.loc[_subset(ds.data, vl.where, cache).to_numpy(), var.name]
            vvar = var.with_(data_type=vl.type or None, significant_digits=vl.significant_digits)
            dtype, length, digits = infer_data_type(vvar, sub)
            if vl.length is not None and dtype in ("text", "integer", "float"):
                length = max(length or 1, vl.length)
            codelist = vl.codelist
            cl_oid = self.codelist_oid(ds, var, codelist, _code_strings(sub) if codelist else []) if codelist else None
            origin = vl.origin or var.origin
            source = var.source if vl.origin in (None, var.origin) else None
            # a value-level item without its own method inherits the variable's (same origin)
            inherits = vl.method is None and vl.origin in (None, var.origin)
            method_text = var.method if inherits else vl.method
            method = self.method_key(ds.name, f"{var.name}.{suffix}", var.method_name if inherits else None,
                                     method_text) if origin == "Derived" and method_text else None
            comment = self.comment_key(f"{ds.name}.{var.name}.{suffix}", vl.comment) if vl.comment else None
            label = vl.label or var.label
            if vl.unit:
                label = f"{label} ({vl.unit})"
            oid = f"IT.{tag}"
            self.items[oid] = _Item(
                oid=oid, name=var.name, label=label, dtype=dtype, length=length, digits=digits,
                display_format=None, codelist_oid=cl_oid, origin=origin,
                origin_source=_origin_source(origin, source, self.origin_sources),
                origin_description=_origin_description(origin, source), comment_oid=comment, value_list_oid=None,
            )
            entries.append((oid, wc_oid, "Yes" if var.core == "Req" else "No", method))
        self.value_lists.append((vl_oid, entries))
        return vl_oid

    # -- OIDs for methods and comments (decided after every user is known) ---------
    def finish_oids(self) -> None:
        names: dict[str | None, set[str]] = {}
        for name, text in self.methods:
            names.setdefault(name, set()).add(text)
        self.method_oid: dict[tuple[str | None, str], str] = {}
        taken: set[str] = set()
        for key in sorted(self.methods, key=lambda k: (self.methods[k][0], k[0] or "", k[1])):
            name, _ = key
            oid = f"MT.{_oid_part(name)}" if name and len(names[name]) == 1 else f"MT.{self.methods[key][0]}"
            base, n = oid, 2
            while oid in taken:
                oid, n = f"{base}.{n}", n + 1
            taken.add(oid)
            self.method_oid[key] = oid
        self.comment_oid: dict[str, str] = {}
        taken = set()
        for text in sorted(self.comments, key=lambda t: (self.comments[t][0], t)):
            oid = f"COM.{self.comments[text][0]}"
            base, n = oid, 2
            while oid in taken:
                oid, n = f"{base}.{n}", n + 1
            taken.add(oid)
            self.comment_oid[text] = oid


def _domain_label(domain: str) -> str:
    from ..standards import load_sdtmig

    try:
        return load_sdtmig().domain(domain).label
    except StandardsError:
        return domain


@lru_cache(maxsize=64)
def _ct_package_name(source: str) -> str:
    """The CT package (``SDTM CT``...) a shipped CT file belongs to."""
    from ..standards.ct import load_ct_yaml

    return load_ct_yaml(Path(source))[0]


def _subclass(ds: Dataset) -> str | None:
    """ADaMIG 1.3 / Define-XML 2.1 def:SubClass: OCCDS adverse-event and BDS time-to-event datasets."""
    klass = (ds.klass or "").upper()
    if klass == "OCCURRENCE DATA STRUCTURE" and ds.name.startswith("ADAE"):
        return "ADVERSE EVENT"
    if klass == "BASIC DATA STRUCTURE" and "CNSR" in ds.data.columns:
        return "TIME-TO-EVENT"
    return None


def _repeating(ds: Dataset) -> str:
    # Define-XML 2.1 ItemGroupDef/@Repeating: "No" for one record per subject (DM, ADSL) and for
    # trial design reference data, whose records do not repeat per subject.
    structure = (ds.structure or "").strip().rstrip(".").lower()
    if structure == "one record per subject" or (ds.klass or "").upper() == "TRIAL DESIGN":
        return "No"
    return "Yes"


def _dataset_order(ds: Dataset) -> tuple:
    klass = (ds.klass or "").upper()
    rank = _CLASS_ORDER.index(klass) if klass in _CLASS_ORDER else len(_CLASS_ORDER)
    return (0 if ds.name in ("DM", "ADSL") else 1, rank, ds.name)


def build_define(
    package: Package,
    *,
    study,
    ct,
    created: datetime,
    leaf_format: str = "xpt",
    origin_sources: Mapping[str, str] | None = None,
    dictionaries: Mapping[str, str] | None = None,
    report: Report | None = None,
) -> etree._ElementTree:
    """Build the Define-XML 2.1 document of ``package`` (an lxml ElementTree; write it with :func:`write_define`).

    ``study`` is a :class:`cdisc_dm.study.Study` or a mapping with ``studyid`` (and ``name``,
    ``description``, ``protocol``); ``ct`` the controlled terminology the conversion used;
    ``created`` the ODM CreationDateTime (never the clock: same inputs give the same bytes);
    ``leaf_format`` ``"xpt"`` or ``"json"`` picks the file each def:leaf points to.
    ``origin_sources`` maps raw forms to def:Origin/@Source (default ``{"LAB": "Vendor"}``, others
    Investigator); ``dictionaries`` gives external dictionary versions (``{"MedDRA": "27.1"}``).
    Warnings (a codelist whose terms the CT lacks) go to ``report`` when one is given.

    >>> tree = build_define(pkg, study={"studyid": "S1"}, ct=load_ct(), created=datetime(2026, 1, 1))  # doctest: +SKIP
    >>> tree.getroot().get("FileType")  # doctest: +SKIP
    'Snapshot'
    """
    if leaf_format not in ("xpt", "json", "ndjson"):
        raise UsageError(f"leaf_format must be 'xpt', 'json' or 'ndjson', got {leaf_format!r}")
    if not isinstance(created, datetime):
        raise UsageError("build_define: created must be a datetime (the run's creation time, never the clock)")
    if not package.datasets:
        raise UsageError("build_define: the package has no datasets")
    info = _study_info(study)
    b = _Builder(package, info, ct, created, leaf_format, origin_sources or {"LAB": "Vendor"}, dictionaries or {},
                 report)
    datasets = sorted(package.datasets.values(), key=_dataset_order)
    groups = [b.collect(ds) for ds in datasets]
    b.finish_oids()
    # A codelist known only by its code, on variables without values, has no term to list; ODM
    # needs at least one item, so such variables carry no CodeListRef (the report says why).
    empty = {oid for oid, e in b.codelists.items() if not e["external"] and not e["cl"].terms}
    for item in b.items.values():
        if item.codelist_oid in empty:
            item.codelist_oid = None
    for oid in empty:
        del b.codelists[oid]

    purpose = "Tabulation" if b.family == "SDTMIG" else "Analysis"
    root = etree.Element(_q(ODM_NS, "ODM"), nsmap=_NSMAP)
    stamp = created.replace(microsecond=0).isoformat()
    for key, value in (("FileType", "Snapshot"), ("FileOID", f"DEF.{_oid_part(info.studyid)}.{b.family}.{b.version}"),
                       ("ODMVersion", "1.3.2"), ("CreationDateTime", stamp), ("Originator", "cdisc_dm"),
                       ("SourceSystem", "cdisc_dm"), ("SourceSystemVersion", __version__)):
        root.set(key, value)
    root.set(_q(DEF_NS, "Context"), "Submission")

    study_el = _odm(root, "Study", OID=info.studyid)
    gv = _odm(study_el, "GlobalVariables")
    _odm(gv, "StudyName").text = info.name
    _odm(gv, "StudyDescription").text = info.description
    _odm(gv, "ProtocolName").text = info.protocol
    mdv = _odm(study_el, "MetaDataVersion", OID=metadata_version_oid(package.standard),
               Name=f"{info.studyid} {b.family} {b.version} Define-XML",
               Description=f"Data definitions of the {info.studyid} {b.family} {b.version} datasets")
    mdv.set(_q(DEF_NS, "DefineVersion"), DEFINE_VERSION)

    # def:Standards: the IG, then each CT package a codelist of this define comes from.
    standards = _def(mdv, "Standards")
    _def(standards, "Standard", OID=b.std_oid, Name=b.family, Type="IG", Version=b.version, Status="Final")
    cl_std = {oid: b.ct_standard_oid(e["cl"]) for oid, e in b.codelists.items()}
    ct_packages = sorted({p for p in b.ct.versions if p in _CT_PUBLISHING_SET and b._ct_oid(p) in cl_std.values()})
    if not ct_packages and any(e["cl"] is not None and not e["cl"].sponsor for e in b.codelists.values()):
        # CT read from NCI EVS files: the file of each codelist is not one package; list the
        # packages the standard draws on (SDTM CT, and ADaM CT for ADaM).
        wanted = ("SDTM CT",) if b.family == "SDTMIG" else ("SDTM CT", "ADaM CT")
        ct_packages = sorted(p for p in wanted if p in b.ct.versions)
    for pkg in ct_packages:
        _def(standards, "Standard", OID=b._ct_oid(pkg), Name="CDISC/NCI", Type="CT",
             PublishingSet=_CT_PUBLISHING_SET[pkg], Version=b.ct.versions[pkg], Status="Final")

    for vl_oid, entries in b.value_lists:
        vld = _def(mdv, "ValueListDef", OID=vl_oid)
        for order, (oid, wc_oid, mandatory, method) in enumerate(entries, start=1):
            ref = _odm(vld, "ItemRef", ItemOID=oid, OrderNumber=order, Mandatory=mandatory,
                       MethodOID=b.method_oid[method] if method else None)
            _def(ref, "WhereClauseRef", WhereClauseOID=wc_oid)
    for wc_oid, checks in b.where_clauses.items():
        wcd = _def(mdv, "WhereClauseDef", OID=wc_oid)
        for item, values in checks:
            rc = _odm(wcd, "RangeCheck", Comparator="EQ" if len(values) == 1 else "IN", SoftHard="Soft")
            rc.set(_q(DEF_NS, "ItemOID"), item)
            for value in values:
                _odm(rc, "CheckValue").text = value

    for group in groups:
        ds: Dataset = group["ds"]
        attrs = dict(OID=item_group_oid(ds.name))
        if b.family == "SDTMIG":
            attrs["Domain"] = ds.parent and ds.name or ds.domain or ds.name
        attrs.update(Name=ds.name, SASDatasetName=ds.name, Repeating=_repeating(ds),
                     IsReferenceData="Yes" if (ds.klass or "").upper() == "TRIAL DESIGN" else "No", Purpose=purpose)
        igd = _odm(mdv, "ItemGroupDef", **attrs)
        if not ds.structure:
            raise OutputError(f"dataset {ds.name} has no structure; Define-XML 2.1 requires def:Structure")
        igd.set(_q(DEF_NS, "Structure"), ds.structure)
        igd.set(_q(DEF_NS, "ArchiveLocationID"), f"LF.{ds.name}")
        if ds.standard:
            igd.set(_q(DEF_NS, "StandardOID"), b.std_oid)
        else:
            igd.set(_q(DEF_NS, "IsNonStandard"), "Yes")
        if len(ds.data) == 0:
            igd.set(_q(DEF_NS, "HasNoData"), "Yes")
        if group["comment"]:
            igd.set(_q(DEF_NS, "CommentOID"), b.comment_oid[group["comment"]])
        _description(igd, ds.label)
        for ref in group["refs"]:
            _odm(igd, "ItemRef", ItemOID=ref["ItemOID"], OrderNumber=ref["OrderNumber"], Mandatory=ref["Mandatory"],
                 KeySequence=ref["KeySequence"], MethodOID=b.method_oid[ref["method"]] if ref["method"] else None,
                 Role=ref["Role"])
        split_of = ds.domain if b.family == "SDTMIG" and ds.domain and ds.domain != ds.name and not ds.parent else None
        if split_of:
            # SDTMIG 3.4 section 4.1.7 / Define-XML 2.1: a split dataset (LBCH) names its domain's description
            _odm(igd, "Alias", Context="DomainDescription", Name=_domain_label(split_of))
        if ds.klass:
            klass = _def(igd, "Class", Name=ds.klass.upper())
            sub = _subclass(ds)
            if sub:
                _def(klass, "SubClass", Name=sub)
        leaf = _def(igd, "leaf", ID=f"LF.{ds.name}")
        href = ds.name.lower() + "." + leaf_format
        leaf.set(_q(XLINK_NS, "href"), href)
        _def(leaf, "title").text = href

    for item in b.items.values():
        idef = _odm(mdv, "ItemDef", OID=item.oid, Name=item.name, SASFieldName=item.name, DataType=item.dtype,
                    Length=item.length if item.dtype in ("text", "integer", "float") else None,
                    SignificantDigits=item.digits if item.dtype == "float" else None)
        if item.display_format:
            idef.set(_q(DEF_NS, "DisplayFormat"), item.display_format)
        if item.comment_oid:
            idef.set(_q(DEF_NS, "CommentOID"), b.comment_oid[item.comment_oid])
        _description(idef, item.label)
        if item.codelist_oid:
            _odm(idef, "CodeListRef", CodeListOID=item.codelist_oid)
        if item.origin:
            origin = _def(idef, "Origin", Type=item.origin, Source=item.origin_source)
            _description(origin, item.origin_description)
        if item.value_list_oid:
            _def(idef, "ValueListRef", ValueListOID=item.value_list_oid)

    for oid in sorted(b.codelists):
        _write_codelist(mdv, oid, b.codelists[oid], cl_std.get(oid), b.dictionaries)

    for key, oid in sorted(b.method_oid.items(), key=lambda kv: kv[1]):
        name, text = key
        users = b.methods[key]
        md = _odm(mdv, "MethodDef", OID=oid, Name=name or f"Algorithm for {users[0]}", Type=b.method_types[key])
        _description(md, text)
    for text, oid in sorted(b.comment_oid.items(), key=lambda kv: kv[1]):
        cd = _def(mdv, "CommentDef", OID=oid)
        _description(cd, text)
    return etree.ElementTree(root)


def _write_codelist(mdv, oid: str, entry: dict, standard_oid: str | None, dictionaries: Mapping[str, str]) -> None:
    if entry["external"]:
        name = entry["external"]
        el = _odm(mdv, "CodeList", OID=oid, Name=name, DataType="text")
        version = dictionaries.get(name) or dictionaries.get(name.upper())
        _odm(el, "ExternalCodeList", Dictionary=name, Version=version)
        return
    cl = entry["cl"]
    used = entry["values"]
    terms = [t for t in cl.terms if t.value in used]
    if not terms:
        # no data uses the codelist (an all-missing variable): show every permissible value
        terms = list(cl.terms)
    dtype = "text"
    if entry["num"]:
        whole = all(re.fullmatch(r"-?\d+", t.value) for t in terms)
        numeric = all(re.fullmatch(r"-?\d+(\.\d+)?", t.value) for t in terms)
        dtype = "integer" if whole else "float" if numeric else "text"
    el = _odm(mdv, "CodeList", OID=oid, Name=cl.name, DataType=dtype)
    if standard_oid:
        el.set(_q(DEF_NS, "StandardOID"), standard_oid)
    # CodeListItem with Decode when the terminology gives a decode that differs from the
    # submission value (SEX: F -> Female); EnumeratedItem when the values speak for themselves.
    decoded = any(t.decode and t.decode != t.value for t in terms)
    for rank, term in enumerate(terms, start=1):
        item = _odm(el, "CodeListItem" if decoded else "EnumeratedItem", CodedValue=term.value, OrderNumber=rank)
        if term.extended:
            item.set(_q(DEF_NS, "ExtendedValue"), "Yes")
        if decoded:
            dec = _odm(item, "Decode")
            tt = _odm(dec, "TranslatedText")
            tt.set(XML_LANG, "en")
            tt.text = term.decode or term.value
        if term.code and not term.extended:
            _odm(item, "Alias", Context="nci:ExtCodeID", Name=term.code)
    if cl.code and not cl.sponsor:
        _odm(el, "Alias", Context="nci:ExtCodeID", Name=cl.code)


def write_define(tree: etree._ElementTree, path: str | os.PathLike) -> Path:
    """Write a define built by :func:`build_define` as UTF-8 XML (atomically); return the path."""
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return write_atomic(Path(path), data)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write bytes through a temporary file and a rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a submission file is readable by all
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ------------------------------------------------------------------ metadata sidecar
_DATASET_FIELDS = ("name", "label", "klass", "structure", "keys", "domain", "parent", "standard", "comment")
METADATA_VERSION = 1


def dump_package_metadata(package: Package, path: str | os.PathLike, *, created: datetime | str | None = None) -> Path:
    """Write the dataset and variable metadata of ``package`` as JSON (``metadata.json``).

    XPT files cannot hold origins, methods, comments, codelists or value-level metadata; this
    sidecar keeps them next to the data so ``cdisc-dm define`` can rebuild the define later.
    Sorted keys and a fixed layout make it byte-identical for the same package.

    >>> dump_package_metadata(sdtm, "run/sdtm/metadata.json", created="2026-11-29T08:00:00")  # doctest: +SKIP
    """
    doc: dict[str, Any] = {"metadata_version": METADATA_VERSION, "standard": package.standard, "datasets": []}
    if created is not None:
        doc["created"] = created.isoformat() if isinstance(created, datetime) else str(created)
    for ds in package:
        entry = {f: getattr(ds, f) for f in _DATASET_FIELDS}
        entry["keys"] = list(ds.keys)
        entry["variables"] = [_variable_dict(v) for v in ds.variables]
        doc["datasets"].append(entry)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _variable_dict(var: Variable) -> dict:
    out = {f.name: getattr(var, f.name) for f in fields(Variable) if f.name != "value_level"}
    out["value_level"] = [
        {**{k: v for k, v in asdict(vl).items() if k != "where"}, "where": {k: list(vals) for k, vals in vl.where.items()}}
        for vl in var.value_level
    ]
    return out


def load_package_metadata(path: str | os.PathLike) -> tuple[Package, dict]:
    """Read a ``metadata.json`` written by :func:`dump_package_metadata`.

    Returns a Package whose datasets carry the metadata and an empty frame with the
    variables' columns (attach the data read from XPT/Dataset-JSON with ``ds.data = frame``),
    and the document's top-level extras (``created``). UsageError naming the file on bad content.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read package metadata: {exc}", Location(file=path)) from None
    try:
        package = Package(standard=doc["standard"])
        for entry in doc["datasets"]:
            variables = []
            for raw in entry["variables"]:
                raw = dict(raw)
                vls = tuple(
                    ValueLevel(where={k: tuple(v) for k, v in vl["where"].items()},
                               **{k: v for k, v in vl.items() if k != "where"})
                    for vl in raw.pop("value_level", []) or []
                )
                variables.append(Variable(**raw, value_level=vls))
            frame = pd.DataFrame({v.name: pd.Series(dtype="float64" if v.type == "Num" else "object") for v in variables})
            package.add(Dataset(data=frame, variables=variables, **{f: entry.get(f) for f in _DATASET_FIELDS if f != "keys"},
                                keys=list(entry.get("keys") or [])))
    except (KeyError, TypeError) as exc:
        raise UsageError(f"package metadata is not in the expected layout ({type(exc).__name__}: {exc})",
                         Location(file=path)) from None
    extras = {k: v for k, v in doc.items() if k not in ("datasets", "standard")}
    return package, extras


# ------------------------------------------------------------------ a written package, read back
def read_package_for_define(folder: str | os.PathLike, *, standard: str | None = None) -> tuple[Package, dict]:
    """Read a written package folder (XPT or Dataset-JSON files) with the metadata the conversion wrote.

    With ``metadata.json`` (:func:`dump_package_metadata`) every dataset it lists is read from
    ``<name>.xpt``, ``<name>.json`` or ``<name>.ndjson`` and gets that metadata back (origins,
    methods, comments, codelists, value-level metadata: none of which an XPT file can hold).
    Without it, the files' own metadata plus the standard's (``standard``, default SDTMIG 3.4)
    is used, and origins and methods are missing from the define. Returns the package and the
    sidecar's extras (``created``, ...).
    """
    from ..standards import build_dataset
    from .datasetjson import read_dataset_json
    from .xpt import read_xpt

    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError("package folder not found", Location(file=folder))
    sidecar = folder / "metadata.json"
    files = {p.stem.upper(): p for p in sorted(folder.iterdir(), reverse=True)
             if p.suffix.lower() in (".xpt", ".json", ".ndjson") and p.name != "metadata.json"}
    if sidecar.is_file():
        package, extras = load_package_metadata(sidecar)
        for ds in package.datasets.values():
            path = files.get(ds.name.upper())
            if path is None:
                raise UsageError(f"metadata.json lists dataset {ds.name} but there is no {ds.name.lower()}.xpt/.json/.ndjson",
                                 Location(file=folder))
            frame = read_xpt(path) if path.suffix.lower() == ".xpt" else read_dataset_json(path).data
            missing = [n for n in ds.names if n not in frame.columns]
            if missing:
                raise UsageError(f"dataset {ds.name}: metadata.json lists variables {missing} that the file does not have",
                                 Location(file=path))
            frame = frame.loc[:, ds.names]
            for var in ds.variables:
                if var.type == "Char":
                    # XPT has no missing text: an empty string is the missing value
                    col = frame[var.name].astype("string")
                    frame[var.name] = col.where(col.str.len() > 0).astype(object)
            ds.data = frame.reset_index(drop=True)
        return package, extras
    if not files:
        raise UsageError("no datasets (.xpt, .json, .ndjson) and no metadata.json in the package folder",
                         Location(file=folder))
    std = standard or "SDTMIG 3.4"
    package = Package(standard=std)
    created = None
    for name, path in sorted(files.items()):
        if path.suffix.lower() == ".xpt":
            frame = read_xpt(path)
            for col in frame.columns:
                if frame[col].dtype == object:
                    text = frame[col].astype("string")
                    frame[col] = text.where(text.str.len() > 0).astype(object)
        else:
            read = read_dataset_json(path)
            frame = read.data
            created = created or frame.attrs.get("dataset_json", {}).get("datasetJSONCreationDateTime")
        try:
            structure = "BDS" if std.upper().startswith("ADAM") and name != "ADSL" else None
            package.add(build_dataset(name, frame, standard=std, structure=structure))
        except Exception as exc:  # a sponsor variable or an unknown dataset: the sidecar is needed
            raise UsageError(f"dataset {name}: cannot take its metadata from {std} ({exc})", Location(file=path),
                             hint="write metadata.json with the package (cdisc_dm.io.define.dump_package_metadata)") from None
    return package, {"created": created} if created else {}

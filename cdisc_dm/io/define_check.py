"""Check a Define-XML 2.1 file: against the CDISC XSD, and against the data it describes.

Two questions a reviewer asks of a define: is it a valid Define-XML 2.1 document (the
XML Technologies Team's schema, shipped in the ``odmlib`` package), and does it tell the
truth about the datasets (every dataset and variable described, types and lengths that
hold the values, every coded value in its codelist)?

Example::

    problems = validate_define_xsd("run/define/define.xml")     # [] when valid
    report = check_define_against_data("run/define/define.xml", sdtm)
    for issue in report: print(issue)
    # ERROR DEFINE-LENGTH: define.xml, DM, row 3, SEX: value is 7 characters but ItemDef IT.DM.SEX has Length 1 ...
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from ..dataset import Package
from ..errors import Location, UsageError
from ..report import Issue, Report
from .define import DEF_NS, ODM_NS, _ISO_SHAPES, _decimals, _integer_digits, _numbers, _present, _wanted, _where_codes
from .oids import item_group_oid

__all__ = ["validate_define_xsd", "check_define_against_data", "define_schema_path", "read_define"]

_NS = {"odm": ODM_NS, "def": DEF_NS}


def define_schema_path() -> Path:
    """The Define-XML 2.1 XSD shipped in ``odmlib`` (``odmlib/schemas/define/2.1/define2-1-0.xsd``)."""
    try:
        base = resources.files("odmlib") / "schemas" / "define" / "2.1" / "define2-1-0.xsd"
    except ModuleNotFoundError:
        raise UsageError("the Define-XML 2.1 schema comes with the odmlib package, which is not installed",
                         hint="pip install odmlib") from None
    path = Path(str(base))
    if not path.is_file():
        raise UsageError(f"the Define-XML 2.1 schema is missing from odmlib ({path})")
    return path


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    path = define_schema_path()
    return etree.XMLSchema(etree.parse(str(path)))


def _describe(element: etree._Element | None) -> str:
    if element is None:
        return ""
    tag = etree.QName(element).localname
    oid = element.get("OID") or element.get("ItemOID") or element.get("ID")
    return f"{tag} {oid}" if oid else tag


def validate_define_xsd(path: str | os.PathLike) -> list[str]:
    """Validate a define.xml against the Define-XML 2.1 XSD; return one message per problem.

    Each message names the file and line, the element (with its OID where it has one) and
    the schema's complaint. A file that is not well-formed XML gives one message.

    >>> validate_define_xsd("define.xml")  # doctest: +SKIP
    []
    """
    path = Path(path)
    try:
        doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except OSError as exc:
        raise UsageError(f"cannot read define file: {exc}", Location(file=path)) from None
    except etree.XMLSyntaxError as exc:
        return [f"{path}:{exc.lineno}: not well-formed XML: {exc.msg}"]
    schema = _schema()
    if schema.validate(doc):
        return []
    by_line: dict[int, etree._Element] = {}
    for el in doc.iter():
        if isinstance(el.tag, str):
            by_line.setdefault(el.sourceline, el)
    messages = []
    for err in schema.error_log:
        el = by_line.get(err.line)
        where = _describe(el)
        messages.append(f"{path}:{err.line}: {where + ': ' if where else ''}{err.message}")
    return messages


# ------------------------------------------------------------------ reading a define
@dataclass
class DefineItem:
    oid: str
    name: str
    data_type: str
    length: int | None
    digits: int | None
    codelist: str | None
    line: int
    origin: str | None = None  # def:Origin/@Type


@dataclass
class DefineCodelist:
    oid: str
    name: str
    values: dict[str, bool]  # coded value -> marked def:ExtendedValue="Yes"
    external: str | None
    line: int


@dataclass
class DefineDataset:
    oid: str
    name: str
    items: list[str]  # ItemOIDs in order
    line: int
    methods: dict[str, str | None] = field(default_factory=dict)  # ItemOID -> ItemRef/@MethodOID


@dataclass
class DefineDoc:
    datasets: dict[str, DefineDataset] = field(default_factory=dict)  # by Name
    items: dict[str, DefineItem] = field(default_factory=dict)  # by OID
    codelists: dict[str, DefineCodelist] = field(default_factory=dict)
    value_lists: dict[str, list[tuple[str, list[tuple[str, list[str]]]]]] = field(default_factory=dict)  # VL OID -> [(item OID, [(item OID, values)])]
    value_list_of: dict[str, str] = field(default_factory=dict)  # item OID -> VL OID


def read_define(path: str | os.PathLike) -> DefineDoc:
    """The parts of a define.xml the data checks need (datasets, items, codelists, value lists)."""
    path = Path(path)
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except OSError as exc:
        raise UsageError(f"cannot read define file: {exc}", Location(file=path)) from None
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"define file is not well-formed XML: {exc.msg}", Location(file=path, line=exc.lineno)) from None
    out = DefineDoc()
    for ig in tree.iterfind(".//odm:ItemGroupDef", _NS):
        refs = list(ig.iterfind("odm:ItemRef", _NS))
        out.datasets[ig.get("Name")] = DefineDataset(ig.get("OID"), ig.get("Name"), [r.get("ItemOID") for r in refs],
                                                     ig.sourceline, {r.get("ItemOID"): r.get("MethodOID") for r in refs})
    for it in tree.iterfind(".//odm:ItemDef", _NS):
        cl = it.find("odm:CodeListRef", _NS)
        length = it.get("Length")
        digits = it.get("SignificantDigits")
        out.items[it.get("OID")] = DefineItem(
            it.get("OID"), it.get("Name"), it.get("DataType"), int(length) if length else None,
            int(digits) if digits else None, cl.get("CodeListOID") if cl is not None else None, it.sourceline,
            origin.get("Type") if (origin := it.find("def:Origin", _NS)) is not None else None)
        vlr = it.find("def:ValueListRef", _NS)
        if vlr is not None:
            out.value_list_of[it.get("OID")] = vlr.get("ValueListOID")
    for cl in tree.iterfind(".//odm:CodeList", _NS):
        values = {}
        for item in cl.iterfind("odm:CodeListItem", _NS):
            values[item.get("CodedValue")] = item.get(f"{{{DEF_NS}}}ExtendedValue") == "Yes"
        for item in cl.iterfind("odm:EnumeratedItem", _NS):
            values[item.get("CodedValue")] = item.get(f"{{{DEF_NS}}}ExtendedValue") == "Yes"
        ext = cl.find("odm:ExternalCodeList", _NS)
        out.codelists[cl.get("OID")] = DefineCodelist(cl.get("OID"), cl.get("Name"), values,
                                                      ext.get("Dictionary") if ext is not None else None, cl.sourceline)
    wheres = {}
    for wc in tree.iterfind(".//def:WhereClauseDef", _NS):
        wheres[wc.get("OID")] = [(rc.get(f"{{{DEF_NS}}}ItemOID"), [cv.text or "" for cv in rc.iterfind("odm:CheckValue", _NS)])
                                 for rc in wc.iterfind("odm:RangeCheck", _NS)]
    for vl in tree.iterfind(".//def:ValueListDef", _NS):
        entries = []
        for ref in vl.iterfind("odm:ItemRef", _NS):
            wcr = ref.find("def:WhereClauseRef", _NS)
            entries.append((ref.get("ItemOID"), wheres.get(wcr.get("WhereClauseOID"), []) if wcr is not None else []))
        out.value_lists[vl.get("OID")] = entries
    return out


# ------------------------------------------------------------------ define vs data
def _issue(report: Report, code: str, message: str, path: Path, dataset=None, variable=None, row=None, value=None,
           severity="error") -> None:
    report.add(Issue(code=code, message=message, severity=severity, file=str(path), dataset=dataset, row=row,
                     variable=variable, value=None if value is None else str(value)))


def _check_values(report: Report, path: Path, doc: DefineDoc, ds_name: str, var_name: str, item: DefineItem,
                  series: pd.Series, var_type: str, display_format: str | None, ct, *, distinct: bool = False) -> None:
    """Type, length and codelist of one item against the values it describes (``series`` keeps row
    positions; ``distinct``: it already holds each value once, at its first row)."""
    # Every check below depends only on a value and on the first row where it occurs, so checking
    # each distinct value at its first row gives the same findings for a fraction of the work (the
    # 4.7M QS records of a 10,000-subject study hold a few thousand distinct QSORRES).
    if not distinct:
        series = series[~series.duplicated(keep="first")]
    values = _present(series)
    if values.empty:
        return
    positions = np.asarray(values.index)
    dtype = item.data_type
    if dtype in ("integer", "float"):
        if var_type != "Num" and not pd.api.types.is_numeric_dtype(values.dtype):
            nums = pd.to_numeric(values, errors="coerce")
            bad = nums.isna().to_numpy()
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                _issue(report, "DEFINE-TYPE", f"value is not a number but ItemDef {item.oid} has DataType {dtype}",
                       path, ds_name, var_name, int(positions[k]) + 1, values.iloc[k])
                return
            nums_arr = nums.to_numpy(dtype="float64")
        else:
            nums_arr = _numbers(values, display_format)
        as_text = var_type != "Num"

        def shown(k: int) -> object:  # the value as the data holds it: text as is, numbers without float noise
            return values.iloc[k] if as_text else f"{nums_arr[k]:.15g}"
        decimals = _decimals(nums_arr)
        if dtype == "integer" and (decimals > 0).any():
            k = int(np.flatnonzero(decimals > 0)[0])
            _issue(report, "DEFINE-TYPE", f"value has decimals but ItemDef {item.oid} has DataType integer",
                   path, ds_name, var_name, int(positions[k]) + 1, shown(k))
        digits = _integer_digits(nums_arr) + (decimals if dtype == "float" else 0)
        if item.length is not None and (digits > item.length).any():
            k = int(np.argmax(digits))
            _issue(report, "DEFINE-LENGTH", f"value has {int(digits[k])} digits but ItemDef {item.oid} has Length {item.length}",
                   path, ds_name, var_name, int(positions[k]) + 1, shown(k))
        if dtype == "float" and item.digits is not None and (decimals > item.digits).any():
            k = int(np.argmax(decimals))
            _issue(report, "DEFINE-DIGITS", f"value has {int(decimals[k])} decimals but ItemDef {item.oid} has "
                   f"SignificantDigits {item.digits}", path, ds_name, var_name, int(positions[k]) + 1, shown(k))
    elif dtype == "text":
        lengths = values.astype("string").str.len().to_numpy()
        if item.length is not None and (lengths > item.length).any():
            k = int(np.argmax(lengths))
            _issue(report, "DEFINE-LENGTH", f"value is {int(lengths[k])} characters but ItemDef {item.oid} has Length {item.length}",
                   path, ds_name, var_name, int(positions[k]) + 1, values.iloc[k])
    else:
        shape = dict(_ISO_SHAPES).get(dtype)
        if shape is not None:
            fits = values.astype("string").str.fullmatch(shape).fillna(False).to_numpy(dtype=bool)
            if not fits.all():
                k = int(np.flatnonzero(~fits)[0])
                _issue(report, "DEFINE-TYPE", f"value is not an ISO 8601 {dtype} as ItemDef {item.oid} says",
                       path, ds_name, var_name, int(positions[k]) + 1, values.iloc[k])
    if item.codelist:
        cl = doc.codelists.get(item.codelist)
        if cl is None:
            _issue(report, "DEFINE-MISSING-CODELIST", f"ItemDef {item.oid} refers to CodeList {item.codelist}, "
                   "which the define does not have", path, ds_name, var_name)
            return
        if cl.external:
            return  # an external dictionary (MedDRA, ISO 3166...): its terms are not in the define
        text = values
        if pd.api.types.is_numeric_dtype(values.dtype):
            nums = values.to_numpy(dtype="float64")
            text = pd.Series(np.where(np.isclose(nums, np.round(nums)), np.round(nums).astype(np.int64).astype(str),
                                      nums.astype(str)), index=values.index)
        text = text.astype("string")
        outside = ~text.isin(list(cl.values)).to_numpy(dtype=bool)
        if outside.any():
            firsts = text[outside].drop_duplicates()  # one finding per distinct value, at its first row
            for label, value in sorted(zip(firsts.index, firsts.tolist()), key=lambda t: t[1]):
                _issue(report, "DEFINE-CODELIST",
                       f"value is not in CodeList {cl.oid} ({cl.name}) that ItemDef {item.oid} refers to"
                       + (" (the codelist is extensible: add the term as a sponsor extension, def:ExtendedValue=\"Yes\")"
                          if _extensible(ct, cl) else ""),
                       path, ds_name, var_name, int(label) + 1, value)


def _extensible(ct, cl: DefineCodelist) -> bool:
    if ct is None:
        return False
    found = ct.find(cl.oid[3:]) if cl.oid.startswith("CL.") else None
    return bool(found and found.extensible)


def check_define_against_data(define_path: str | os.PathLike, package: Package, *, ct=None) -> Report:
    """Compare a define.xml with the package it describes; findings are Issues in a Report.

    Checks: every dataset of the package has an ItemGroupDef and every ItemGroupDef a dataset;
    every variable has an ItemRef and an ItemDef (and the reverse); values fit the ItemDef's
    DataType, Length and SignificantDigits; every value of a variable with a codelist is in
    that codelist (sponsor extensions of extensible codelists must be listed, marked
    def:ExtendedValue="Yes"); value-level ItemDefs are checked on the records their where
    clause selects. Each message names the define element by its OID.

    >>> check_define_against_data("define.xml", sdtm).has_errors  # doctest: +SKIP
    False
    """
    path = Path(define_path)
    doc = read_define(path)
    report = Report()
    names = set(package.datasets)
    for name in sorted(set(doc.datasets) - names):
        _issue(report, "DEFINE-EXTRA-DATASET", f"ItemGroupDef {doc.datasets[name].oid} describes a dataset the package "
               "does not have", path, name)
    for ds in package:
        igd = doc.datasets.get(ds.name)
        if igd is None:
            _issue(report, "DEFINE-MISSING-DATASET", f"no ItemGroupDef {item_group_oid(ds.name)} for this dataset",
                   path, ds.name)
            continue
        by_name: dict[str, DefineItem] = {}
        cache: dict = {}  # where-clause columns as integer codes, shared by the dataset's value lists
        for oid in igd.items:
            item = doc.items.get(oid)
            if item is None:
                _issue(report, "DEFINE-MISSING-ITEMDEF", f"ItemGroupDef {igd.oid} has an ItemRef to {oid}, but there is "
                       f"no ItemDef {oid}", path, ds.name, oid.rsplit(".", 1)[-1])
                continue
            by_name[item.name] = item
        for name in sorted(set(by_name) - set(ds.names)):
            _issue(report, "DEFINE-EXTRA-VARIABLE", f"ItemDef {by_name[name].oid} describes a variable the dataset does "
                   "not have", path, ds.name, name)
        for var in ds.variables:
            item = by_name.get(var.name)
            if item is None:
                if not any(oid.endswith("." + var.name) for oid in igd.items):
                    _issue(report, "DEFINE-MISSING-VARIABLE", f"ItemGroupDef {igd.oid} has no ItemRef/ItemDef for this "
                           "variable", path, ds.name, var.name)
                continue
            # Define-XML 2.1: every variable states its origin, and a derived one its method
            if item.origin is None:
                _issue(report, "DEFINE-NO-ORIGIN", f"ItemDef {item.oid} has no def:Origin", path, ds.name, var.name,
                       severity="warning")
            elif item.origin == "Derived" and not igd.methods.get(item.oid):
                _issue(report, "DEFINE-NO-METHOD", f"ItemDef {item.oid} is Derived but its ItemRef in {igd.oid} has no "
                       "MethodOID", path, ds.name, var.name, severity="warning")
            if var.name not in ds.data.columns:
                continue
            series = ds.data[var.name].reset_index(drop=True)  # labels = 0-based row positions
            expected = "Num" if item.data_type in ("integer", "float") else "Char"
            if var.type != expected and not (var.type == "Num" and item.data_type in ("date", "datetime", "time")):
                _issue(report, "DEFINE-TYPE", f"variable is {var.type} but ItemDef {item.oid} has DataType {item.data_type}",
                       path, ds.name, var.name)
                continue
            _check_values(report, path, doc, ds.name, var.name, item, series, var.type, var.display_format, ct)
            vl_oid = doc.value_list_of.get(item.oid)
            entries = []
            for vl_item_oid, checks in doc.value_lists.get(vl_oid, []) if vl_oid else []:
                vl_item = doc.items.get(vl_item_oid)
                if vl_item is None:
                    _issue(report, "DEFINE-MISSING-ITEMDEF", f"ValueListDef {vl_oid} has an ItemRef to {vl_item_oid}, but "
                           f"there is no ItemDef {vl_item_oid}", path, ds.name, var.name)
                    continue
                where = {}
                for where_oid, values in checks:
                    where_item = doc.items.get(where_oid)
                    if where_item is None or where_item.name not in ds.data.columns:
                        _issue(report, "DEFINE-WHERE", f"a where clause of {vl_item_oid} tests {where_oid}, which is "
                               "not a variable of the dataset", path, ds.name, var.name)
                        where = None
                        break
                    where[where_item.name] = tuple(values)
                if where is not None:
                    entries.append((vl_item, where))
            if not entries:
                continue
            # One pass over the records for all the value list's entries: the first row of each
            # distinct (where-clause values, value) combination. An entry's records are a union of
            # such combinations, so its values' first rows are among them.
            columns = sorted({c for _, where in entries for c in where})
            keys = pd.DataFrame({c: _where_codes(ds.data, c, cache)[0] for c in columns})
            keys["__value"] = pd.factorize(series)[0]
            firsts = np.flatnonzero(~keys.duplicated().to_numpy())
            at_firsts = {c: keys[c].to_numpy()[firsts] for c in keys.columns}
            for vl_item, where in entries:
                mask = np.ones(len(firsts), dtype=bool)
                for c, allowed in where.items():
                    mask &= np.isin(at_firsts[c], _wanted(_where_codes(ds.data, c, cache)[1], allowed))
                rows, codes = firsts[mask], at_firsts["__value"][mask]
                rows = rows[~pd.Series(codes).duplicated().to_numpy()]  # one row per value, the earliest
                _check_values(report, path, doc, ds.name, var.name, vl_item, series.iloc[rows], var.type,
                              var.display_format, ct, distinct=True)
    return report

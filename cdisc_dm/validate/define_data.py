"""The define.xml of a validation run: parsed once (hardened), checked against the data once.

``validate(path, define=FILE)`` loads it with :func:`load_define` and hands it to the Python
rules (``cdisc_dm/validate/python_rules/``). The define-vs-data comparison itself is
:func:`cdisc_dm.io.define_check.check_define_against_data` (one implementation for the
pipeline's check and the validator); this module only adapts the validator's
:class:`StudyData` to the :class:`Package` that function reads, and caches its report per run.

Example::

    define = load_define("sdtm/define.xml")        # UsageError when unreadable / not well-formed
    report = define.data_report(study, ct=None)     # cdisc_dm.report.Report of DEFINE-* Issues
    define.xsd_problems()                           # [] when XSD-valid
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree

from ..dataset import Dataset, Package, Variable
from ..errors import CdiscDmError, Location, UsageError
from ..report import Report
from .study_data import StudyData

__all__ = ["DefineData", "load_define", "package_from_study"]


def _parser() -> etree.XMLParser:
    # hardened: no entity expansion, no DTD loading, no network access (a define is untrusted input)
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


@dataclass
class DefineData:
    """A parsed define.xml and what the define rules derive from it (computed lazily, once)."""

    path: Path
    tree: etree._ElementTree
    _doc: object = None
    _xsd: list[str] | None = None
    _reports: dict = field(default_factory=dict)  # study token -> Report

    @property
    def doc(self):
        """:class:`cdisc_dm.io.define_check.DefineDoc` (datasets, items, codelists, value lists)."""
        if self._doc is None:
            from ..io.define_check import read_define

            self._doc = read_define(self.path)
        return self._doc

    def xsd_problems(self) -> list[str]:
        """Messages of :func:`cdisc_dm.io.define_check.validate_define_xsd` (file:line: element: problem)."""
        if self._xsd is None:
            from ..io.define_check import validate_define_xsd

            self._xsd = validate_define_xsd(self.path)
        return self._xsd

    def data_report(self, study: StudyData, ct=None) -> Report:
        """check_define_against_data on the study's datasets (once per study load)."""
        key = study.token
        if key not in self._reports:
            from ..io.define_check import check_define_against_data

            self._reports[key] = check_define_against_data(self.path, package_from_study(study), ct=ct)
        return self._reports[key]


def load_define(path: str | Path) -> DefineData:
    """Parse ``path`` with a hardened parser; UsageError naming the file when it cannot be read."""
    p = Path(path)
    try:
        tree = etree.parse(str(p), _parser())
    except OSError as exc:
        raise UsageError(f"cannot read define file: {exc}", Location(file=str(p))) from None
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"define file is not well-formed XML: {exc.msg}", Location(file=str(p), line=exc.lineno)) from None
    return DefineData(path=p, tree=tree)


def package_from_study(study: StudyData) -> Package:
    """The study's datasets as a :class:`Package` for ``check_define_against_data``.

    A written package folder with ``metadata.json`` is read back with
    :func:`cdisc_dm.io.define.read_package_for_define`, so SAS display formats (ADaM numeric dates
    that define.xml types as ``date``) are known; otherwise types come from the files (XPT/JSON)
    or ``_variables.csv`` and character values keep "" for missing (the check treats blanks as null).
    """
    folder = Path(study.path)
    if folder.is_dir() and (folder / "metadata.json").is_file():
        try:
            package = _package_with_metadata(folder / "metadata.json", study)
            if package is not None:
                return package
        except CdiscDmError:
            pass  # metadata.json does not match the files: fall back on the files' own metadata
    package = Package(standard=study.standard or "SDTMIG 3.4")
    for name in sorted(study.datasets):
        sds = study.datasets[name]
        frame = sds.frame.drop(columns=[c for c in sds.frame.columns if c.startswith("__")])
        variables = []
        for col in frame.columns:
            vtype = sds.types.get(col) or ("Num" if pd.api.types.is_numeric_dtype(frame[col].dtype) else "Char")
            variables.append(Variable(name=col, label=sds.labels.get(col, ""), type=vtype, length=sds.lengths.get(col)))
        package.add(Dataset(name=name, label=sds.label or "", data=frame.reset_index(drop=True), variables=variables,
                            domain=sds.domain or None))
    return package


def _package_with_metadata(sidecar: Path, study: StudyData) -> Package | None:
    """``metadata.json`` (origins, formats, codelists) with the frames the validator already read.

    The same package :func:`cdisc_dm.io.define.read_package_for_define` builds from the folder,
    without reading every dataset a second time: the variables the sidecar lists, in its order,
    and for Char variables the empty string as the missing value (XPT has no other). None when
    the sidecar lists other datasets or variables than the files hold.
    """
    from ..io.define import load_package_metadata

    package, _ = load_package_metadata(sidecar)
    if set(package.datasets) != set(study.datasets):
        return None
    for ds in package.datasets.values():
        sds = study.datasets[ds.name]
        frame = sds.frame
        if any(n not in frame.columns for n in ds.names):
            return None
        frame = frame.loc[:, ds.names]
        for var in ds.variables:
            if var.type == "Char":
                frame[var.name] = _blank_as_missing(frame[var.name], sds.empty.get(var.name))
        ds.data = frame.reset_index(drop=True)
    return package


def _blank_as_missing(col: pd.Series, blank=None) -> pd.Series:
    """"" -> missing (pd.NA) in a text column, keeping the column's own string objects.

    ``blank``: the reader's mask of blank values (an XPT text column has no other missing value).
    """
    if blank is not None and col.dtype == object and len(blank) == len(col):
        return col.where(~blank, pd.NA)
    if col.dtype == object and pd.api.types.infer_dtype(col, skipna=False) == "string":
        return col.where((col != "").to_numpy(), pd.NA)
    text = col.astype("string")
    return text.where(text.str.len() > 0).astype(object)

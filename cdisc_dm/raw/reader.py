"""Read a raw export (a folder, or one file) into a RawStudy: one entry point for all formats.

Folder rules:

* files are found recursively and read in sorted path order (deterministic);
* ``.csv``, ``.tsv``, ``.txt`` are delimited text, ``.xlsx`` a workbook (one table
  per sheet), ``.sas7bdat`` and ``.xpt`` SAS datasets, ``.xml`` an ODM 1.3.2 file;
* a table is named by its file stem (or sheet name, or FormOID) in upper case;
  two files giving the same table name is a RawInputError naming both;
* ``data_dictionary.json`` at the top becomes ``RawStudy.dictionary``; the data
  dictionary files, hidden files and files of other types are listed in
  ``RawStudy.skipped`` with the reason, never read as data;
* an export may carry the same EDC forms twice, as CSV and as ODM (``cdisc-dm synth
  --odm``): for a form offered by both, ``prefer`` decides which is read
  (``"flat"`` by default) and the other is listed in ``skipped``.

>>> raw = read_raw("export/")                 # doctest: +SKIP
>>> raw.describe()                            # doctest: +SKIP
>>> raw_odm = read_raw("export/", prefer="odm")   # doctest: +SKIP
"""
from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from ..errors import Location, RawInputError, UsageError
from .csv_reader import read_csv_table
from .odm import _DTD_MESSAGE, _N, is_odm_file, read_odm_tables, reject_dtd
from .sas import read_sas_table
from .study import RawStudy, RawTable
from .xlsx import read_xlsx_tables

__all__ = ["read_raw", "read_table", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_SAS_SUFFIXES = (".sas7bdat", ".xpt", ".xport")
_DICTIONARY_STEMS = ("data_dictionary",)


def read_table(path: Path | str, *, encoding: str | None = None) -> RawTable | list[RawTable]:
    """Read one file: a RawTable for CSV/SAS/XPT, a list of RawTables for XLSX (sheets) and ODM (forms)."""
    path = Path(path)
    if not path.is_file():
        raise RawInputError("no such file", Location(file=path))
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_csv_table(path, encoding=encoding)
    if suffix in _SAS_SUFFIXES:
        return read_sas_table(path)
    if suffix == ".xlsx":
        return read_xlsx_tables(path)
    if suffix == ".xml":
        return read_odm_tables(path)
    raise RawInputError(
        f"unknown raw file type {suffix or '(none)'}; expected .csv, .tsv, .txt, .xlsx, .sas7bdat, .xpt or ODM .xml",
        Location(file=path),
    )


def odm_form_names(path: Path) -> list[str]:
    """FormOIDs declared in an ODM file's metadata, read without touching its clinical data."""
    reject_dtd(path)
    names: list[str] = []
    try:
        for action, elem in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True,
            load_dtd=False, dtd_validation=False, huge_tree=False,
        ):
            info = elem.getroottree().docinfo
            if info.doctype:
                raise RawInputError(_DTD_MESSAGE, Location(file=path))
            if elem.tag == _N + "FormDef":
                names.append(str(elem.get("OID")).upper())
            elif elem.tag == _N + "ClinicalData":
                break
    except etree.XMLSyntaxError as exc:
        raise RawInputError(f"not well-formed XML: {exc.msg}", Location(file=path)) from None
    return names


def _as_list(result: RawTable | list[RawTable]) -> list[RawTable]:
    return result if isinstance(result, list) else [result]


def _add(tables: dict[str, RawTable], table: RawTable) -> None:
    if table.name in tables:
        other = tables[table.name]
        raise RawInputError(
            f"two raw tables are named {table.name}: {other.file} and {table.file}",
            Location(file=table.file),
            hint="rename one file or read the folders separately",
        )
    tables[table.name] = table


def read_raw(path: Path | str, *, prefer: str = "flat", encoding: str | None = None) -> RawStudy:
    """Read a raw export folder, or one file, into a RawStudy (see the module rules)."""
    if prefer not in ("flat", "odm"):
        raise UsageError(f"prefer must be 'flat' or 'odm', got {prefer!r}")
    path = Path(path)
    if not path.exists():
        raise RawInputError("no such file or folder", Location(file=path))
    if path.is_file():
        tables: dict[str, RawTable] = {}
        for t in _as_list(read_table(path, encoding=encoding)):
            _add(tables, t)
        return RawStudy(tables=tables, root=path.parent, dictionary=_dictionary(path.parent))

    skipped: list[tuple[Path, str]] = []
    flat_files: list[Path] = []
    odm_files: list[Path] = []
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        rel_parts = f.relative_to(path).parts
        suffix = f.suffix.lower()
        if any(part.startswith(".") for part in rel_parts):
            skipped.append((f, "hidden file"))
        elif f.name.startswith("~$"):
            skipped.append((f, "Office lock file"))
        elif f.stem.lower() in _DICTIONARY_STEMS:
            skipped.append((f, "data dictionary"))
        elif suffix in TEXT_SUFFIXES or suffix in _SAS_SUFFIXES or suffix == ".xlsx":
            flat_files.append(f)
        elif suffix == ".xml":
            if is_odm_file(f):
                odm_files.append(f)
            else:
                reject_dtd(f)
                skipped.append((f, "XML that is not CDISC ODM"))
        else:
            skipped.append((f, f"not a raw data format ({suffix or 'no suffix'})"))

    flat: dict[str, RawTable] = {}
    odm_names: dict[str, Path] = {}
    for f in odm_files:
        for name in odm_form_names(f):
            if name in odm_names:
                raise RawInputError(
                    f"two raw tables are named {name}: {odm_names[name]} and {f}", Location(file=f)
                )
            odm_names[name] = f

    # flat files: read unless the same name comes from an ODM file and ODM is preferred
    for f in flat_files:
        stem = f.stem.upper()
        if prefer == "odm" and f.suffix.lower() != ".xlsx" and stem in odm_names:
            skipped.append((f, f"form {stem} is read from {odm_names[stem].name} (prefer='odm')"))
            continue
        for t in _as_list(read_table(f, encoding=encoding)):
            if prefer == "odm" and t.name in odm_names:
                skipped.append((f, f"table {t.name} is read from {odm_names[t.name].name} (prefer='odm')"))
                continue
            _add(flat, t)

    tables = dict(flat)
    for f in odm_files:
        names = [n for n, path in odm_names.items() if path == f]
        if prefer == "flat" and names and all(n in flat for n in names):
            skipped.append((f, "ODM copy of forms read from flat files (prefer='odm' reads it instead)"))
            continue
        for t in read_odm_tables(f):
            if prefer == "flat" and t.name in flat:
                skipped.append((f, f"form {t.name} is read from {flat[t.name].file.name} (prefer='flat')"))
                continue
            _add(tables, t)
    return RawStudy(
        tables=dict(sorted(tables.items())),
        root=path,
        dictionary=_dictionary(path),
        skipped=skipped,
    )


def _dictionary(folder: Path) -> dict | None:
    file = folder / "data_dictionary.json"
    if not file.is_file():
        return None
    try:
        with open(file, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise RawInputError(f"invalid JSON: {exc.msg}", Location(file=file, line=exc.lineno, column=exc.colno)) from None

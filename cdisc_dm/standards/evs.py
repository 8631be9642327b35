"""Reader for NCI EVS controlled-terminology release files.

NCI EVS publishes each CDISC CT package (SDTM, ADaM, Define-XML, ...) as a tab-delimited
text file (``SDTM Terminology.txt``) whose columns are: Code, Codelist Code, Codelist
Extensible (Yes/No), Codelist Name, CDISC Submission Value, CDISC Synonym(s), CDISC
Definition, NCI Preferred Term. A row with an empty Codelist Code is a codelist header
(its submission value is the codelist's short name); the other rows are its terms.
The same columns in a comma-separated ``.csv`` are read too.

Example::

    ct = read_evs(Path("SDTM Terminology 2025-09-26.txt"))
    ct.codelist("NY").extensible      # False
"""
from __future__ import annotations

import csv
import re
from pathlib import Path
from types import MappingProxyType

from ..errors import Location, StandardsError
from .ct import Codelist, ControlledTerminology, Term

__all__ = ["read_evs", "EVS_COLUMNS"]

EVS_COLUMNS = (
    "Code",
    "Codelist Code",
    "Codelist Extensible (Yes/No)",
    "Codelist Name",
    "CDISC Submission Value",
    "CDISC Synonym(s)",
    "CDISC Definition",
    "NCI Preferred Term",
)
_CODE = re.compile(r"^C\d+$")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def read_evs(path: Path) -> ControlledTerminology:
    """Read one NCI EVS CT file; StandardsError names the file and line of any bad row."""
    path = Path(path)
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StandardsError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Location(path)) from None
    rows = csv.reader(text.splitlines(), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        raise StandardsError("empty file: expected the NCI EVS header row", Location(path, line=1)) from None
    header = [h.strip() for h in header]
    missing = [c for c in EVS_COLUMNS if c not in header]
    if missing:
        raise StandardsError(
            f"not an NCI EVS terminology file: missing columns {missing}",
            Location(path, line=1),
            hint=f"expected the columns {', '.join(EVS_COLUMNS)} ({'comma' if delimiter == ',' else 'tab'}-delimited)",
        )
    idx = {c: header.index(c) for c in EVS_COLUMNS}
    package_col = header.index("Standard and Date") if "Standard and Date" in header else None

    headers: dict[str, dict] = {}  # codelist code -> attributes
    terms: dict[str, list[Term]] = {}
    package_names: set[str] = set()
    for line_no, row in enumerate(rows, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise StandardsError(
                f"expected {len(header)} {'comma' if delimiter == ',' else 'tab'}-separated fields, found {len(row)}",
                Location(path, line=line_no),
            )
        cell = {c: row[i].strip() for c, i in idx.items()}
        code, parent = cell["Code"], cell["Codelist Code"]
        if not _CODE.match(code):
            raise StandardsError(f"Code {code!r} is not an NCI C-code", Location(path, line=line_no))
        if package_col is not None and row[package_col].strip():
            package_names.add(row[package_col].strip())
        if not parent:
            ext = cell["Codelist Extensible (Yes/No)"]
            if ext not in ("Yes", "No"):
                raise StandardsError(
                    f"codelist {code}: Codelist Extensible must be Yes or No, got {ext!r}", Location(path, line=line_no)
                )
            if code in headers and headers[code]["line"] is not None:
                raise StandardsError(f"codelist {code} defined twice (first at line {headers[code]['line']})", Location(path, line=line_no))
            headers[code] = {
                "short": cell["CDISC Submission Value"], "name": cell["Codelist Name"], "ext": ext == "Yes", "line": line_no,
            }
            terms.setdefault(code, [])
            continue
        if not _CODE.match(parent):
            raise StandardsError(f"Codelist Code {parent!r} is not an NCI C-code", Location(path, line=line_no))
        synonyms = tuple(s.strip() for s in cell["CDISC Synonym(s)"].split(";") if s.strip())
        terms.setdefault(parent, []).append(
            Term(
                value=cell["CDISC Submission Value"], code=code, decode=cell["NCI Preferred Term"] or None,
                synonyms=synonyms, definition=cell["CDISC Definition"] or None,
            )
        )
        headers.setdefault(parent, {"line": None, "first_term_line": line_no})

    codelists: dict[str, Codelist] = {}
    for code, attrs in headers.items():
        if attrs.get("line") is None:
            raise StandardsError(
                f"terms refer to codelist {code}, which has no header row", Location(path, line=attrs["first_term_line"])
            )
        short = attrs["short"]
        if short in codelists:
            raise StandardsError(
                f"codelist short name {short} used by {codelists[short].code} and {code}", Location(path, line=attrs["line"])
            )
        values = [t.value for t in terms[code]]
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise StandardsError(f"codelist {short} ({code}) has duplicate submission values {dupes}", Location(path, line=attrs["line"]))
        codelists[short] = Codelist(
            short_name=short, code=code, name=attrs["name"], extensible=attrs["ext"], terms=tuple(terms[code]), source=str(path),
        )
    versions = _versions(path, package_names)
    return ControlledTerminology(
        versions=MappingProxyType(versions), codelists=MappingProxyType(codelists),
        known_codes=MappingProxyType({s: c.code for s, c in codelists.items()}), sources=(str(path),),
    )


def _versions(path: Path, package_names: set[str]) -> dict[str, str]:
    """``"ADaM CT 2025-09-26"`` column values, else the date in the file name."""
    out: dict[str, str] = {}
    for name in sorted(package_names):
        match = _DATE.search(name)
        if match:
            out[name[: match.start()].strip() or "CT"] = match.group(1)
    if not out:
        match = _DATE.search(path.name)
        stem = path.stem[: match.start()].strip(" _-") if match else path.stem
        out[stem or "CT"] = match.group(1) if match else "unknown"
    return out

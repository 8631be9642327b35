"""Write an EDC CSV export folder as one CDISC ODM 1.3.2 snapshot file.

Only the forms whose dictionary ``source`` is ``"EDC"`` are written: a central-lab
transfer stays a flat file (lab vendors do not send ODM). The mapping from CSV
columns to ODM elements is in :mod:`cdisc_dm.raw.odm_layout`; reading the written
file with :func:`cdisc_dm.raw.read_raw` gives back tables identical to the CSVs
(same columns, order, values, row order and missing cells).

The output is deterministic: ``CreationDateTime`` comes from the ``creation_datetime``
argument, else the dictionary's ``creation_datetime``/``exported`` entry, else a
fixed date; never from the clock. Same export in, byte-identical file out.

ItemDef/@DataType comes from the dictionary type (text, integer, float, date,
datetime) when every delivered value conforms to the ODM data type; a column whose
values do not (a date typed as ``12 MAR 2021``, an integer field holding ``<5``) is
declared ``text``, because ODM types constrain the value format (ODM 1.3.2 §2.13).

>>> write_odm(Path("export"), Path("export/odm/ODM.xml"))   # doctest: +SKIP
PosixPath('export/odm/ODM.xml')
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Location, OutputError, RawInputError
from .csv_reader import read_csv_table
from .odm_layout import (
    ODM_NS,
    SYSTEM_COLUMNS,
    instance_alias_context,
    item_group_oid,
    item_oid,
    page_alias_context,
)
from .study import RawTable

__all__ = ["write_odm", "DEFAULT_CREATION_DATETIME"]

#: Used when neither the caller nor the dictionary gives a creation date-time.
DEFAULT_CREATION_DATETIME = "2000-01-01T00:00:00+00:00"

_TYPE_PATTERNS = {
    "integer": r"[-+]?\d+",
    "float": r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?",
    "date": r"\d{4}-\d{2}-\d{2}",
    "datetime": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?",
    "time": r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?",
}
# XML 1.0 §2.2: these code points cannot appear in a document at all, even escaped.
_NOT_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _esc(text: str) -> str:
    """Escape for an attribute value; line breaks and tabs as character references
    so attribute-value normalisation (XML 1.0 §3.3.3) cannot turn them into spaces."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _esc_series(values: pd.Series) -> pd.Series:
    s = values.astype("str")
    for old, new in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("\n", "&#10;"),
        ("\r", "&#13;"),
        ("\t", "&#9;"),
    ):
        s = s.str.replace(old, new, regex=False)
    return s


def _attr(name: str, values: pd.Series) -> pd.Series:
    """`` name="value"`` per row, empty where the value is missing."""
    esc = _esc_series(values)
    return (" " + name + '="' + esc + '"').fillna("")


def _load_dictionary(export_dir: Path) -> dict[str, Any]:
    path = export_dir / "data_dictionary.json"
    if not path.is_file():
        raise RawInputError("no data_dictionary.json in the export folder", Location(file=export_dir))
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise RawInputError(f"invalid JSON: {exc.msg}", Location(file=path, line=exc.lineno, column=exc.colno)) from None
    if not isinstance(data, dict) or not isinstance(data.get("forms"), list):
        raise RawInputError('expected an object with a "forms" list', Location(file=path))
    return data


def _check_form_table(table: RawTable, form: dict[str, Any], dict_path: Path) -> list[str]:
    cols = table.columns
    if tuple(cols[: len(SYSTEM_COLUMNS)]) != SYSTEM_COLUMNS:
        raise RawInputError(
            f"an EDC form export must start with the system columns {', '.join(SYSTEM_COLUMNS)}; "
            f"found {', '.join(cols[: len(SYSTEM_COLUMNS)])}",
            Location(file=table.file, line=1),
        )
    clinical = cols[len(SYSTEM_COLUMNS):]
    known = {c.get("name") for c in form.get("columns", [])}
    unknown = [c for c in clinical if c not in known]
    if unknown:
        raise RawInputError(
            f"column(s) {', '.join(unknown)} of form {form['form']} are not in the data dictionary",
            Location(file=table.file, line=1, variable=unknown[0]),
            hint=f"document them in {dict_path.name}",
        )
    for name in ("Subject", "Folder", "InstanceName", "DataPageName", "project"):
        missing = table.data[name].isna().to_numpy()
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            raise RawInputError(
                f"system column {name} is empty; ODM needs it to place the record",
                table.location(i, name),
            )
    return clinical


def _data_type(declared: str | None, values: pd.Series) -> str:
    if declared == "text" or declared not in _TYPE_PATTERNS:
        return "text"
    present = values.dropna()
    if len(present) and not present.str.fullmatch(_TYPE_PATTERNS[declared]).all():
        return "text"
    return declared


def _names_by_repeat(frame: pd.DataFrame, key: str, repeat: str, name: str, what: str) -> dict[str, dict[str, str]]:
    """Per key (Folder or form), the name of each repeat; OutputError when one repeat has two names."""
    pairs = frame[[key, repeat, name, "_file", "_row"]].copy()
    pairs[repeat] = pairs[repeat].fillna("")
    distinct = pairs.drop_duplicates([key, repeat, name])
    clash = distinct.duplicated([key, repeat], keep=False)
    if clash.any():
        bad = distinct.loc[clash].head(2)
        a, b = bad.iloc[0], bad.iloc[1]
        raise OutputError(
            f"{what} {a[key]} repeat {a[repeat] or '(none)'} has two {name} values, "
            f"{a[name]!r} ({a['_file']} record {a['_row']}) and {b[name]!r} ({b['_file']} record {b['_row']}); "
            "ODM names a repeat once in its metadata"
        )
    out: dict[str, dict[str, str]] = {}
    for k, r, n in distinct[[key, repeat, name]].itertuples(index=False):
        out.setdefault(k, {})[r] = n
    return out


def _def_name_and_aliases(names: dict[str, str], context) -> tuple[str, list[tuple[str, str]]]:
    """The Def's Name (the most common repeat name) and Aliases for repeats named otherwise."""
    values = list(names.values())
    base = max(sorted(set(values)), key=values.count)
    aliases = [(context(r), n) for r, n in names.items() if n != base]
    return base, aliases


def _check_unique_oids(events: list[str], tables: list) -> None:
    """ODM 1.3.2 (XSD constraint UC-MDV-OID-unique): all OIDs of a MetaDataVersion differ."""
    owner: dict[str, str] = {}
    oids = [(e, f"StudyEventDef of folder {e}") for e in events]
    for name, _table, clinical, _form in tables:
        oids.append((name, f"FormDef of form {name}"))
        oids.append((item_group_oid(name), f"ItemGroupDef of form {name}"))
        oids.extend((item_oid(name, c), f"ItemDef of {name}.{c}") for c in clinical)
    for oid, what in oids:
        if oid in owner:
            raise OutputError(
                f"OID {oid!r} would name both the {owner[oid]} and the {what}; "
                "ODM requires OIDs in a MetaDataVersion to be unique"
            )
        owner[oid] = what


def write_odm(
    export_dir: Path | str,
    out_file: Path | str,
    *,
    creation_datetime: str | None = None,
) -> Path:
    """Write the EDC forms of ``export_dir`` as ODM 1.3.2 to ``out_file`` (atomic)."""
    export_dir, out_file = Path(export_dir), Path(out_file)
    dictionary = _load_dictionary(export_dir)
    dict_path = export_dir / "data_dictionary.json"
    forms = [f for f in dictionary["forms"] if str(f.get("source", "")).upper() == "EDC"]
    if not forms:
        raise RawInputError("the data dictionary lists no EDC form", Location(file=dict_path))
    created = (
        creation_datetime
        or dictionary.get("creation_datetime")
        or dictionary.get("exported")
        or DEFAULT_CREATION_DATETIME
    )

    tables: list[tuple[str, RawTable, list[str], dict[str, Any]]] = []
    for form in forms:
        name = str(form["form"]).upper()
        table = read_csv_table(export_dir / form["file"], name=name)
        clinical = _check_form_table(table, form, dict_path)
        tables.append((name, table, clinical, form))

    # One frame of all records: system keys, the ItemGroupData element, and its origin.
    parts = []
    for rank, (name, table, clinical, form) in enumerate(tables):
        d = table.data
        items = pd.Series("", index=d.index, dtype="str")
        for col in clinical:
            values = d[col]
            bad = values.str.contains(_NOT_XML, regex=True, na=False).to_numpy()
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise OutputError(
                    "value contains a control character that XML 1.0 cannot carry",
                    table.location(i, col),
                )
            oid = _esc(item_oid(name, col))
            piece = ('<ItemData ItemOID="' + oid + '" Value="' + _esc_series(values) + '"/>').fillna("")
            items = items + piece
        part = pd.DataFrame(
            {c: d[c] for c in SYSTEM_COLUMNS}
            | {
                "_form": name,
                "_rank": rank,
                "_row": table.rows,
                "_file": str(table.file.relative_to(export_dir)) if table.file.is_relative_to(export_dir) else str(table.file),
                "_ig": '<ItemGroupData ItemGroupOID="' + _esc(item_group_oid(name)) + '"'
                + _attr("ItemGroupRepeatKey", d["RecordPosition"])
                + ">" + items + "</ItemGroupData>",
            }
        )
        parts.append(part)
    allrows = pd.concat(parts, ignore_index=True)

    projects = allrows["project"].dropna().unique()
    if len(projects) > 1:
        raise OutputError(f"the export holds several projects ({', '.join(map(str, projects[:3]))}); one ODM file holds one study")
    study_oid = str(projects[0]) if len(projects) else str(dictionary.get("study", "STUDY"))

    # A subject belongs to one site (ODM: one SiteRef per SubjectData).
    sites = allrows.drop_duplicates(["Subject", "SiteNumber"])
    two_sites = sites.duplicated("Subject", keep=False)
    if two_sites.any():
        s = sites.loc[two_sites].iloc[0]
        raise OutputError(f"subject {s['Subject']} appears at more than one site ({s['_file']} record {s['_row']})")

    key_cols = ["Subject", "Folder", "FolderSeq", "_form", "PageRepeatNumber", "RecordPosition"]
    dup = allrows.duplicated(key_cols, keep=False)
    if dup.any():
        d2 = allrows.loc[dup].head(2)
        raise OutputError(
            f"records {d2['_row'].iloc[0]} and {d2['_row'].iloc[1]} of {d2['_file'].iloc[0]} have the same "
            "Subject/Folder/FolderSeq/PageRepeatNumber/RecordPosition; ODM keys an item group by these"
        )

    # ODM nests records subject > event > form; order each level by first appearance
    # (forms in dictionary order, records in file order) and check that this keeps the
    # file order of every form, so reading back gives the same row order.
    filled = allrows[key_cols].fillna("\x00")
    subj_code = pd.factorize(filled["Subject"])[0]
    ev_code = pd.factorize(filled["Subject"] + "\x01" + filled["Folder"] + "\x01" + filled["FolderSeq"])[0]
    page_code = pd.factorize(
        pd.Series(ev_code).astype(str) + "\x01" + filled["_form"] + "\x01" + filled["PageRepeatNumber"]
    )[0]
    order = np.lexsort((allrows["_row"].to_numpy(), page_code, allrows["_rank"].to_numpy(), ev_code, subj_code))
    allrows = allrows.iloc[order].reset_index(drop=True)
    subj_code, ev_code, page_code = subj_code[order], ev_code[order], page_code[order]
    back = allrows.groupby("_rank", sort=False)["_row"].diff() <= 0
    if back.any():
        r = allrows.loc[back].iloc[0]
        raise OutputError(
            f"records of form {r['_form']} are not grouped by subject and visit in the order ODM nests them "
            f"({r['_file']} record {r['_row']} would move); sort the export by subject, then visit"
        )

    n = len(allrows)
    new_subj = np.r_[True, subj_code[1:] != subj_code[:-1]] if n else np.zeros(0, bool)
    new_ev = new_subj | (np.r_[True, ev_code[1:] != ev_code[:-1]] if n else np.zeros(0, bool))
    new_page = new_ev | (np.r_[True, page_code[1:] != page_code[:-1]] if n else np.zeros(0, bool))
    end_page = np.r_[new_page[1:], True] if n else new_page
    end_ev = np.r_[new_ev[1:], True] if n else new_ev
    end_subj = np.r_[new_subj[1:], True] if n else new_subj

    siteref = ('<SiteRef LocationOID="' + _esc_series(allrows["SiteNumber"]) + '"/>').fillna("")
    open_subj = '<SubjectData SubjectKey="' + _esc_series(allrows["Subject"]) + '">' + siteref
    open_ev = (
        '<StudyEventData StudyEventOID="' + _esc_series(allrows["Folder"]) + '"'
        + _attr("StudyEventRepeatKey", allrows["FolderSeq"]) + ">"
    )
    open_page = (
        '<FormData FormOID="' + _esc_series(allrows["_form"]) + '"'
        + _attr("FormRepeatKey", allrows["PageRepeatNumber"]) + ">"
    )
    blank = pd.Series("", index=allrows.index, dtype="str")
    lines = (
        open_subj.where(new_subj, blank)
        + open_ev.where(new_ev, blank)
        + open_page.where(new_page, blank)
        + allrows["_ig"]
        + blank.where(~end_page, "</FormData>")
        + blank.where(~end_ev, "</StudyEventData>")
        + blank.where(~end_subj, "</SubjectData>")
    )

    # Metadata: events and forms in first-appearance order.
    events = list(dict.fromkeys(allrows["Folder"]))
    inst = _names_by_repeat(allrows, "Folder", "FolderSeq", "InstanceName", "folder")
    pages = _names_by_repeat(allrows, "_form", "PageRepeatNumber", "DataPageName", "form")
    forms_in_event = allrows.drop_duplicates(["Folder", "_form"]).sort_values(["_rank"], kind="stable")
    seq_counts = allrows.groupby("Folder")["FolderSeq"].nunique()
    page_counts = allrows.groupby("_form")["PageRepeatNumber"].nunique()
    rec_counts = allrows.groupby(["Subject", "Folder", "FolderSeq", "_form", "PageRepeatNumber"], dropna=False).size()
    rec_max = rec_counts.groupby(level="_form").max() if len(rec_counts) else pd.Series(dtype=int)
    mdv_oid = "MDV.1"
    _check_unique_oids(events, tables)

    out: list[str] = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>')
    w(
        f'<ODM xmlns="{ODM_NS}" FileType="Snapshot" Granularity="All" '
        f'FileOID="{_esc(study_oid)}.ODM" CreationDateTime="{_esc(created)}" ODMVersion="1.3.2" '
        f'SourceSystem="cdisc_dm">'
    )
    w(f'<Study OID="{_esc(study_oid)}">')
    w("<GlobalVariables>")
    w(f"<StudyName>{_esc(study_oid)}</StudyName>")
    w(f"<StudyDescription>{_esc(str(dictionary.get('title', study_oid)))}</StudyDescription>")
    w(f"<ProtocolName>{_esc(study_oid)}</ProtocolName>")
    w("</GlobalVariables>")
    w(f'<MetaDataVersion OID="{mdv_oid}" Name="EDC export">')
    w("<Protocol>")
    for i, ev in enumerate(events, start=1):
        w(f'<StudyEventRef StudyEventOID="{_esc(ev)}" OrderNumber="{i}" Mandatory="No"/>')
    w("</Protocol>")
    for ev in events:
        name, aliases = _def_name_and_aliases(inst[ev], instance_alias_context)
        repeating = "Yes" if seq_counts.get(ev, 0) > 1 else "No"
        kind = "Unscheduled" if repeating == "Yes" else "Scheduled"
        w(f'<StudyEventDef OID="{_esc(ev)}" Name="{_esc(name)}" Repeating="{repeating}" Type="{kind}">')
        for j, f in enumerate(forms_in_event.loc[forms_in_event["Folder"] == ev, "_form"], start=1):
            w(f'<FormRef FormOID="{_esc(f)}" OrderNumber="{j}" Mandatory="No"/>')
        for ctx, alias in aliases:
            w(f'<Alias Context="{_esc(ctx)}" Name="{_esc(alias)}"/>')
        w("</StudyEventDef>")
    for name, table, clinical, form in tables:
        if name in pages:
            page_name, aliases = _def_name_and_aliases(pages[name], page_alias_context)
        else:
            page_name, aliases = str(form.get("label") or name), []
        repeating = "Yes" if page_counts.get(name, 0) > 1 else "No"
        w(f'<FormDef OID="{_esc(name)}" Name="{_esc(page_name)}" Repeating="{repeating}">')
        w(f'<ItemGroupRef ItemGroupOID="{_esc(item_group_oid(name))}" Mandatory="No"/>')
        for ctx, alias in aliases:
            w(f'<Alias Context="{_esc(ctx)}" Name="{_esc(alias)}"/>')
        w("</FormDef>")
    for name, table, clinical, form in tables:
        repeating = "Yes" if rec_max.get(name, 0) > 1 else "No"
        w(f'<ItemGroupDef OID="{_esc(item_group_oid(name))}" Name="{_esc(str(form.get("label") or name))}" Repeating="{repeating}">')
        for k, col in enumerate(clinical, start=1):
            w(f'<ItemRef ItemOID="{_esc(item_oid(name, col))}" OrderNumber="{k}" Mandatory="No"/>')
        w("</ItemGroupDef>")
    for name, table, clinical, form in tables:
        meta = {c.get("name"): c for c in form.get("columns", [])}
        for col in clinical:
            c = meta[col]
            dtype = _data_type(c.get("type"), table.data[col])
            w(f'<ItemDef OID="{_esc(item_oid(name, col))}" Name="{_esc(col)}" DataType="{dtype}">')
            if c.get("label"):
                w(f'<Description><TranslatedText xml:lang="en">{_esc(str(c["label"]))}</TranslatedText></Description>')
            w("</ItemDef>")
    w("</MetaDataVersion>")
    w("</Study>")
    site_list = sorted(allrows["SiteNumber"].dropna().unique())
    if site_list:
        w("<AdminData>")
        for site in site_list:
            w(f'<Location OID="{_esc(site)}" Name="{_esc(site)}" LocationType="Site">')
            w(f'<MetaDataVersionRef StudyOID="{_esc(study_oid)}" MetaDataVersionOID="{mdv_oid}" EffectiveDate="{_esc(created[:10])}"/>')
            w("</Location>")
        w("</AdminData>")
    w(f'<ClinicalData StudyOID="{_esc(study_oid)}" MetaDataVersionOID="{mdv_oid}">')
    head = "\n".join(out) + "\n"
    tail = "\n</ClinicalData>\n</ODM>\n"

    out_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out_file.name, suffix=".tmp", dir=out_file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(head)
            step = 200_000
            for start in range(0, n, step):
                fh.write("\n".join(lines.iloc[start : start + step].tolist()))
                if start + step < n:
                    fh.write("\n")
            fh.write(tail)
        os.replace(tmp, out_file)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out_file

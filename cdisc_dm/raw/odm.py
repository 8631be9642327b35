"""Read a CDISC ODM 1.3.2 snapshot as one RawTable per form, hardened against hostile XML.

Security: an ODM file comes from outside. XML with a document type declaration can
expand entities exponentially ("billion laughs") or pull local files and network
resources into the data (XXE). ODM needs neither, so a document that declares a
DOCTYPE or ENTITY is rejected before any element is read, and the parser itself runs
with entity resolution, DTD loading, network access and huge-tree mode off.

Tables follow the agreed mapping (:mod:`cdisc_dm.raw.odm_layout`): each
ItemGroupData is one row of the table named by its FormOID, with the nine EDC
system columns first and then the items in ItemGroupDef/ItemRef order, named by
ItemDef/@Name. Rows keep document order; ``rows`` numbers them 1.. per form. For an
ODM written by :func:`cdisc_dm.raw.odm_write.write_odm`, the tables equal those
read from the CSV export.

>>> tables = read_odm_tables(Path("odm/ODM.xml"))     # doctest: +SKIP
>>> [t.name for t in tables][:3]                     # doctest: +SKIP
['DM', 'IC', 'IE']
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from ..errors import Location, RawInputError
from .odm_layout import ODM_NS, SYSTEM_COLUMNS, instance_alias_context, page_alias_context
from .study import RawTable

__all__ = ["read_odm_tables", "is_odm_file", "reject_dtd"]

_PROLOG_BYTES = 1 << 16
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_MESSAGE = "DTDs and entities are not accepted in ODM input"
_N = "{" + ODM_NS + "}"


def _prolog_text(path: Path) -> bytes:
    with open(path, "rb") as fh:
        head = fh.read(_PROLOG_BYTES)
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(codec, errors="replace").encode("utf-8")
    return head


def reject_dtd(path: Path) -> None:
    """RawInputError if the document declares a DOCTYPE or ENTITY (checked on the bytes)."""
    if _DTD_RE.search(_prolog_text(path)):
        raise RawInputError(_DTD_MESSAGE, Location(file=path), hint="remove the <!DOCTYPE ...> declaration")


def is_odm_file(path: Path) -> bool:
    """True when ``path`` looks like an ODM document (root element ODM in the ODM namespace)."""
    head = _prolog_text(path)
    return b"<ODM" in head and ODM_NS.encode() in head


# Only these elements produce parser events; ItemData is read from its ItemGroupData,
# which halves the Python-level work per value.
_EVENT_TAGS = [
    _N + t
    for t in (
        "ODM", "ClinicalData", "SubjectData", "SiteRef", "StudyEventData", "FormData", "ItemGroupData",
        "StudyEventDef", "FormDef", "ItemGroupDef", "ItemDef",
    )
]


def _parser_events(path: Path):
    return etree.iterparse(
        str(path),
        events=("start", "end"),
        tag=_EVENT_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_ITEM_DATA = _N + "ItemData"
_TYPED_PREFIX = _N + "ItemData"  # ItemDataString, ItemDataInteger, ... (ODM 1.3.2 §3.1.4.1)


def _drop_missing(it_rec: list, it_oid: list, it_val: list, n: int) -> None:
    """Remove, among the last ``n`` items appended, those without a value (in place)."""
    tail = [(r, o, v) for r, o, v in zip(it_rec[-n:], it_oid[-n:], it_val[-n:]) if v is not None]
    del it_rec[-n:], it_oid[-n:], it_val[-n:]
    for r, o, v in tail:
        it_rec.append(r)
        it_oid.append(o)
        it_val.append(v)


def read_odm_tables(path: Path | str) -> list[RawTable]:
    """Read every form of an ODM 1.3.2 file; RawInputError for hostile or malformed input."""
    path = Path(path)
    reject_dtd(path)

    event_defs: dict[str, tuple[str, dict[str, str]]] = {}
    form_defs: dict[str, tuple[str, dict[str, str], list[str]]] = {}
    group_items: dict[str, list[str]] = {}
    item_names: dict[str, str] = {}

    # per ItemGroupData record: system values; per ItemData: (record, ItemOID, value)
    rec_sys: list[tuple] = []
    rec_form: list[str] = []
    it_rec: list[int] = []
    it_oid: list[str] = []
    it_val: list[str] = []

    study = subject = site = folder = fseq = form = prn = None
    encoding = None
    first = True
    try:
        for action, elem in _parser_events(path):
            tag = elem.tag
            if first:
                first = False
                info = elem.getroottree().docinfo
                if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
                    raise RawInputError(_DTD_MESSAGE, Location(file=path))
                encoding = (info.encoding or "UTF-8").lower()
                if tag != _N + "ODM":
                    raise RawInputError(
                        f"the document root is not the ODM element (first ODM element found: {tag}); "
                        f"expected ODM in namespace {ODM_NS}",
                        Location(file=path, line=elem.sourceline),
                    )
            local = tag[len(_N):]
            if action == "start":
                if local == "ClinicalData":
                    study = elem.get("StudyOID")
                elif local == "SubjectData":
                    subject, site = elem.get("SubjectKey"), None
                elif local == "StudyEventData":
                    folder, fseq = elem.get("StudyEventOID"), elem.get("StudyEventRepeatKey")
                elif local == "FormData":
                    form, prn = elem.get("FormOID"), elem.get("FormRepeatKey")
                continue
            # end events
            if local == "ItemGroupData":
                rec = len(rec_sys)
                rec_sys.append((study, site, subject, folder, fseq, prn, elem.get("ItemGroupRepeatKey")))
                rec_form.append(form)
                kids = elem.findall(_ITEM_DATA)
                if kids:
                    values = [c.get("Value") for c in kids]
                    it_oid.extend([c.get("ItemOID") for c in kids])
                    it_val.extend(values)
                    it_rec.extend([rec] * len(kids))
                    if None in values:  # IsNull="Yes" or an empty ItemData: no value
                        _drop_missing(it_rec, it_oid, it_val, len(kids))
                others = len(elem) != len(kids)  # annotations, audit records or typed ItemData
                typed = [
                    c for c in elem
                    if others and isinstance(c.tag, str) and c.tag.startswith(_TYPED_PREFIX) and c.tag != _ITEM_DATA
                ]
                for c in typed:  # ODM 1.3 typed ItemData variants carry the value as text
                    if c.get("IsNull") != "Yes" and c.text is not None:
                        it_rec.append(rec)
                        it_oid.append(c.get("ItemOID"))
                        it_val.append(c.text)
                elem.clear()
            elif local == "SiteRef":
                site = elem.get("LocationOID")
            elif local == "SubjectData":
                elem.clear()
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
            elif local == "ItemDef":
                item_names[elem.get("OID")] = elem.get("Name")
            elif local == "ItemGroupDef":
                group_items[elem.get("OID")] = [r.get("ItemOID") for r in elem.iterchildren(_N + "ItemRef")]
            elif local == "FormDef":
                aliases = {a.get("Context"): a.get("Name") for a in elem.iterchildren(_N + "Alias")}
                refs = [r.get("ItemGroupOID") for r in elem.iterchildren(_N + "ItemGroupRef")]
                form_defs[elem.get("OID")] = (elem.get("Name"), aliases, refs)
            elif local == "StudyEventDef":
                aliases = {a.get("Context"): a.get("Name") for a in elem.iterchildren(_N + "Alias")}
                event_defs[elem.get("OID")] = (elem.get("Name"), aliases)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise RawInputError(f"not well-formed XML: {exc.msg}", Location(file=path, line=line)) from None
    if first:  # no ODM-namespace element at all
        raise RawInputError(f"root element is not ODM in namespace {ODM_NS}", Location(file=path))

    tables = _build_tables(path, event_defs, form_defs, group_items, item_names, rec_sys, rec_form, it_rec, it_oid, it_val)
    for t in tables:
        t.encoding = encoding
    return tables


def _repeat_name(definition: tuple, context: str) -> str:
    base, aliases = definition[0], definition[1]
    return aliases.get(context, base)


def _build_tables(path, event_defs, form_defs, group_items, item_names, rec_sys, rec_form, it_rec, it_oid, it_val):
    sys_frame = pd.DataFrame(
        rec_sys,
        columns=["project", "SiteNumber", "Subject", "Folder", "FolderSeq", "PageRepeatNumber", "RecordPosition"],
        dtype=object,
    )
    sys_frame["_form"] = rec_form
    items = pd.DataFrame({"rec": np.asarray(it_rec, dtype=np.int64), "oid": it_oid, "val": it_val})
    item_form = np.asarray(rec_form, dtype=object)[items["rec"].to_numpy()] if len(items) else np.array([], dtype=object)
    items["form"] = item_form

    tables: list[RawTable] = []
    undefined = set(rec_form) - set(form_defs)
    if undefined:
        raise RawInputError(
            f"FormData FormOID {sorted(undefined)[0]!r} has no FormDef in the metadata", Location(file=path)
        )
    # Every form of the metadata is a table (an empty one when no subject has data), in metadata order.
    for form_oid in form_defs:
        page_name, page_alias, groups = form_defs[form_oid]
        oids = [oid for g in groups for oid in group_items.get(g, [])]
        columns = []
        for oid in oids:
            if oid not in item_names:
                raise RawInputError(f"ItemRef {oid!r} of form {form_oid} has no ItemDef", Location(file=path))
            columns.append(item_names[oid])
        if len(set(columns)) != len(columns):
            raise RawInputError(f"form {form_oid} has two items with the same ItemDef Name", Location(file=path))
        col_of = {oid: j for j, oid in enumerate(oids)}

        mask = (sys_frame["_form"] == form_oid).to_numpy() if len(sys_frame) else np.zeros(0, dtype=bool)
        recs = np.flatnonzero(mask)
        part = sys_frame.loc[mask]
        pos = np.full(len(sys_frame), -1, dtype=np.int64)
        pos[recs] = np.arange(len(recs))
        fitems = items.loc[items["form"] == form_oid]
        unknown = ~fitems["oid"].isin(col_of)
        if unknown.any():
            raise RawInputError(
                f"ItemData ItemOID {fitems['oid'][unknown].iloc[0]!r} is not an item of form {form_oid}",
                Location(file=path),
            )
        twice = fitems.duplicated(["rec", "oid"])
        if twice.any():
            first_dup = fitems.loc[twice].iloc[0]
            r = sys_frame.iloc[int(first_dup["rec"])]
            raise RawInputError(
                f"ItemData {first_dup['oid']} appears twice in one ItemGroupData (subject {r['Subject']}, "
                f"event {r['Folder']}, form {form_oid}); a snapshot holds one value per item",
                Location(file=path, variable=str(first_dup["oid"])),
            )
        values = np.full((len(recs), len(oids)), None, dtype=object)
        values[pos[fitems["rec"].to_numpy()], fitems["oid"].map(col_of).to_numpy(dtype=np.int64)] = fitems["val"].to_numpy()

        folders = part["Folder"].to_numpy(dtype=object)
        seqs = part["FolderSeq"].to_numpy(dtype=object)
        prns = part["PageRepeatNumber"].to_numpy(dtype=object)
        for f in pd.unique(folders):
            if f not in event_defs:
                raise RawInputError(f"StudyEventData {f!r} has no StudyEventDef in the metadata", Location(file=path))
        # Names are looked up once per distinct (folder, repeat), then spread to the rows.
        inst_codes, inst_keys = pd.factorize(pd.Series(folders, dtype=object) + "\x01" + pd.Series(seqs, dtype=object).fillna(""))
        inst_names = np.array(
            [_repeat_name(event_defs[k.split("\x01")[0]], instance_alias_context(k.split("\x01", 1)[1])) for k in inst_keys],
            dtype=object,
        )
        inst = inst_names[inst_codes] if len(part) else np.array([], dtype=object)
        page_codes, page_keys = pd.factorize(pd.Series(prns, dtype=object).fillna(""))
        page_names = np.array(
            [_repeat_name((page_name, page_alias), page_alias_context(k)) for k in page_keys], dtype=object
        )
        pages = page_names[page_codes] if len(part) else np.array([], dtype=object)

        data = {
            "project": part["project"].to_numpy(dtype=object),
            "SiteNumber": part["SiteNumber"].to_numpy(dtype=object),
            "Subject": part["Subject"].to_numpy(dtype=object),
            "Folder": folders,
            "FolderSeq": seqs,
            "InstanceName": inst,
            "DataPageName": pages,
            "PageRepeatNumber": prns,
            "RecordPosition": part["RecordPosition"].to_numpy(dtype=object),
        }
        frame = pd.DataFrame({c: pd.array(data[c], dtype="str") for c in SYSTEM_COLUMNS})
        for j, col in enumerate(columns):
            frame[col] = pd.array(values[:, j], dtype="str")
        tables.append(
            RawTable(
                name=str(form_oid).upper(),
                data=frame,
                file=path,
                format="odm",
                encoding="utf-8",
                rows=np.arange(1, len(frame) + 1, dtype=np.int64),
            )
        )
    return tables

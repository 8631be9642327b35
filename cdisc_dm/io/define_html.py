"""A reviewer's view of a define.xml: one self-contained HTML page made from the XML itself.

The page is built with lxml from the Define-XML document (no XSLT, no scripts, no network:
inline CSS only), so it shows exactly what the XML says. Sections: standards, a table of
contents, the datasets (class, structure, keys, location), each dataset's variables
(name, label, type, length, codelist, origin, method, comment), value-level metadata,
codelists with their NCI C-codes, methods and comments. Every cross reference is an
internal link whose target id is the element's OID (``#IG.DM``, ``#CL.SEX``, ``#MT.age``).

Example::

    render_define_html("run/define/define.xml", "run/define/define.html")
"""
from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from ..errors import Location, UsageError
from .define import DEF_NS, ODM_NS, XLINK_NS, write_atomic

__all__ = ["render_define_html"]

_NS = {"odm": ODM_NS, "def": DEF_NS}
_DEF = f"{{{DEF_NS}}}"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2430;background:#fff;font-size:14px}
header{background:#17324d;color:#fff;padding:16px 28px}
header h1{margin:0 0 4px;font-size:22px} header p{margin:2px 0;color:#d6e2ee}
nav{position:fixed;top:0;bottom:0;left:0;width:230px;overflow:auto;background:#f3f6f9;border-right:1px solid #d8dee6;padding:12px 10px;box-sizing:border-box}
nav a{display:block;color:#17324d;text-decoration:none;padding:2px 4px;border-radius:3px} nav a:hover{background:#dde7f0}
nav .toc-sub{padding-left:14px;font-size:13px} nav h2{font-size:14px;margin:10px 4px 4px;text-transform:uppercase;color:#5b6b7c}
main{margin-left:230px} .content{padding:8px 28px 40px}
h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #17324d;padding-bottom:3px}
h3{font-size:16px;margin:22px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0 14px}
th,td{border:1px solid #d3dae3;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#e8eef4;font-weight:600} tr:nth-child(even) td{background:#fafbfd}
a{color:#0b5cad} code{font-family:ui-monospace,Consolas,monospace;font-size:12.5px}
.muted{color:#6b7785} .tag{display:inline-block;background:#e4ecf5;border-radius:3px;padding:0 5px;margin-right:3px;font-size:12px}
.ext{color:#8a4b00;font-weight:600}
@media print{nav{display:none} main{margin-left:0}}
"""


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, tag, {k.rstrip("_"): str(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _text(el, path: str = "odm:Description/odm:TranslatedText") -> str:
    if el is None:
        return ""
    found = el.find(path, _NS)
    return (found.text or "") if found is not None else ""


def _link(parent, oid: str | None, label: str | None = None, known: set[str] | None = None) -> None:
    if not oid:
        return
    if known is not None and oid not in known:
        _el(parent, "span", f"{label or oid} (missing)", class_="muted")
        return
    _el(parent, "a", label or oid, href=f"#{oid}")


def _short(text: str | None, limit: int = 80) -> str | None:
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(parent, headers: list[str]) -> etree._Element:
    table = _el(parent, "table")
    tr = _el(_el(table, "thead"), "tr")
    for h in headers:
        _el(tr, "th", h)
    return _el(table, "tbody")


def _cell(tr, text: str | None = None, **attrs) -> etree._Element:
    return _el(tr, "td", text, **attrs)


class _Doc:
    def __init__(self, tree: etree._ElementTree):
        self.root = tree.getroot()
        self.mdv = self.root.find("odm:Study/odm:MetaDataVersion", _NS)
        if self.mdv is None:
            raise UsageError("not a Define-XML document: no Study/MetaDataVersion")
        m = self.mdv
        self.groups = m.findall("odm:ItemGroupDef", _NS)
        self.items = {i.get("OID"): i for i in m.findall("odm:ItemDef", _NS)}
        self.codelists = m.findall("odm:CodeList", _NS)
        self.methods = m.findall("odm:MethodDef", _NS)
        self.comments = m.findall("def:CommentDef", _NS)
        self.value_lists = m.findall("def:ValueListDef", _NS)
        self.where = {w.get("OID"): w for w in m.findall("def:WhereClauseDef", _NS)}
        self.method_names = {x.get("OID"): x.get("Name") or x.get("OID") for x in self.methods}
        self.comment_texts = {c.get("OID"): _text(c) for c in self.comments}
        self.ids = ({g.get("OID") for g in self.groups} | {c.get("OID") for c in self.codelists}
                    | {x.get("OID") for x in self.methods} | {c.get("OID") for c in self.comments}
                    | {v.get("OID") for v in self.value_lists})

    def where_text(self, wc_oid: str | None) -> str:
        wc = self.where.get(wc_oid or "")
        if wc is None:
            return wc_oid or ""
        parts = []
        for rc in wc.findall("odm:RangeCheck", _NS):
            item = self.items.get(rc.get(f"{_DEF}ItemOID") or "")
            name = item.get("Name") if item is not None else rc.get(f"{_DEF}ItemOID")
            values = [cv.text or "" for cv in rc.findall("odm:CheckValue", _NS)]
            shown = values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"
            parts.append(f"{name} {rc.get('Comparator')} {shown}")
        return " and ".join(parts)


def _origin_cell(tr, item) -> None:
    td = _cell(tr)
    for origin in item.findall("def:Origin", _NS) if item is not None else []:
        _el(td, "span", origin.get("Type"), class_="tag")
        if origin.get("Source"):
            _el(td, "span", origin.get("Source"), class_="muted")
        desc = _text(origin)
        if desc:
            _el(td, "div", desc)


def _variables_table(parent, doc: _Doc, refs, *, where: bool = False) -> None:
    headers = (["Where"] if where else ["Variable"]) + ["Label / Description", "Type", "Length / digits",
                                                       "Controlled terms / format", "Origin", "Method", "Comment"]
    body = _table(parent, headers)
    for ref in refs:
        oid = ref.get("ItemOID")
        item = doc.items.get(oid)
        tr = _el(body, "tr", id=oid if where else None)
        if where:
            wcr = ref.find("def:WhereClauseRef", _NS)
            _cell(tr, doc.where_text(wcr.get("WhereClauseOID") if wcr is not None else None))
        else:
            td = _cell(tr)
            _el(td, "code", item.get("Name") if item is not None else oid)
            if ref.get("KeySequence"):
                _el(td, "span", f" key {ref.get('KeySequence')}", class_="muted")
        if item is None:
            _cell(tr, f"no ItemDef {oid} in this define", class_="ext")
            for _ in range(6):
                _cell(tr, "")
            continue
        _cell(tr, _text(item))
        _cell(tr, item.get("DataType"))
        length = item.get("Length") or ""
        if item.get("SignificantDigits"):
            length += f" ({item.get('SignificantDigits')} decimals)"
        _cell(tr, length)
        td = _cell(tr)
        clr = item.find("odm:CodeListRef", _NS)
        if clr is not None:
            _link(td, clr.get("CodeListOID"), known=doc.ids)
        vlr = item.find("def:ValueListRef", _NS)
        if vlr is not None:
            if clr is not None:
                _el(td, "br")
            _link(td, vlr.get("ValueListOID"), "value-level metadata", known=doc.ids)
        if item.get(f"{_DEF}DisplayFormat"):
            _el(td, "code", item.get(f"{_DEF}DisplayFormat"))
        _origin_cell(tr, item)
        td = _cell(tr)
        method = ref.get("MethodOID")
        _link(td, method, doc.method_names.get(method), known=doc.ids)
        td = _cell(tr)
        comment = item.get(f"{_DEF}CommentOID")
        _link(td, comment, _short(doc.comment_texts.get(comment)), known=doc.ids)


def _build_page(doc: _Doc) -> etree._Element:
    root = doc.root
    study = root.find("odm:Study", _NS)
    gv = study.find("odm:GlobalVariables", _NS)
    name = gv.findtext("odm:StudyName", default="", namespaces=_NS)
    html = etree.Element("html", lang="en")
    head = _el(html, "head")
    _el(head, "meta", charset="utf-8")
    _el(head, "title", f"Define-XML: {name} {doc.mdv.get('Name') or ''}".strip())
    _el(head, "style", _CSS)
    body = _el(html, "body")

    nav = _el(body, "nav")
    _el(nav, "h2", "Contents")
    _el(nav, "a", "Standards", href="#standards")
    _el(nav, "a", "Datasets", href="#datasets")
    for g in doc.groups:
        _el(nav, "a", g.get("Name"), href=f"#{g.get('OID')}", class_="toc-sub")
    if doc.value_lists:
        _el(nav, "a", "Value-level metadata", href="#valuelevel")
    _el(nav, "a", "Codelists", href="#codelists")
    if doc.methods:
        _el(nav, "a", "Methods", href="#methods")
    if doc.comments:
        _el(nav, "a", "Comments", href="#comments")

    main = _el(body, "main")
    header = _el(main, "header")
    _el(header, "h1", f"{name}: {doc.mdv.get('Name') or 'Define-XML'}")
    _el(header, "p", gv.findtext("odm:StudyDescription", default="", namespaces=_NS))
    _el(header, "p", f"Protocol {gv.findtext('odm:ProtocolName', default='', namespaces=_NS)} · "
                     f"Define-XML {doc.mdv.get(f'{_DEF}DefineVersion')} · created {root.get('CreationDateTime')} · "
                     f"{root.get(f'{_DEF}Context')}")
    content = _el(main, "div", class_="content")

    _el(content, "h2", "Standards", id="standards")
    body_ = _table(content, ["Name", "Type", "Publishing set", "Version", "Status"])
    for std in doc.mdv.findall("def:Standards/def:Standard", _NS):
        tr = _el(body_, "tr", id=std.get("OID"))
        for key in ("Name", "Type", "PublishingSet", "Version", "Status"):
            _cell(tr, std.get(key) or "")

    _el(content, "h2", "Datasets", id="datasets")
    body_ = _table(content, ["Dataset", "Description", "Class", "Structure", "Purpose", "Keys", "Location"])
    for g in doc.groups:
        tr = _el(body_, "tr")
        _link(_cell(tr), g.get("OID"), g.get("Name"))
        td = _cell(tr, _text(g))
        if g.get(f"{_DEF}CommentOID"):
            _el(td, "br")
            _link(td, g.get(f"{_DEF}CommentOID"), _short(doc.comment_texts.get(g.get(f"{_DEF}CommentOID"))), known=doc.ids)
        klass = g.find("def:Class", _NS)
        text = klass.get("Name") if klass is not None else ""
        subs = [s.get("Name") for s in klass.findall("def:SubClass", _NS)] if klass is not None else []
        _cell(tr, text + (" / " + ", ".join(subs) if subs else ""))
        _cell(tr, g.get(f"{_DEF}Structure"))
        _cell(tr, g.get("Purpose"))
        keyed = sorted((int(r.get("KeySequence")), r.get("ItemOID")) for r in g.findall("odm:ItemRef", _NS)
                       if r.get("KeySequence"))
        _cell(tr, ", ".join(doc.items[o].get("Name") if o in doc.items else o for _, o in keyed))
        leaf = g.find("def:leaf", _NS)
        td = _cell(tr)
        if leaf is not None:
            _el(td, "a", leaf.findtext("def:title", default=leaf.get(f"{{{XLINK_NS}}}href"), namespaces=_NS),
                href=leaf.get(f"{{{XLINK_NS}}}href"))

    for g in doc.groups:
        section = _el(content, "section", id=g.get("OID"))
        _el(section, "h3", f"{g.get('Name')}: {_text(g)}")
        _el(section, "p", f"{g.get(f'{_DEF}Structure') or ''} · Repeating {g.get('Repeating')} · "
                          f"Reference data {g.get('IsReferenceData')}", class_="muted")
        _variables_table(section, doc, g.findall("odm:ItemRef", _NS))

    if doc.value_lists:
        _el(content, "h2", "Value-level metadata", id="valuelevel")
        for vl in doc.value_lists:
            section = _el(content, "section", id=vl.get("OID"))
            parent = vl.get("OID").split(".", 1)[-1]  # VL.LB.LBORRES -> LB.LBORRES
            h3 = _el(section, "h3", f"{parent} ")
            _link(_el(h3, "span", "in ", class_="muted"), f"IG.{parent.split('.')[0]}", parent.split(".")[0],
                  known=doc.ids)
            _variables_table(section, doc, vl.findall("odm:ItemRef", _NS), where=True)

    _el(content, "h2", "Codelists", id="codelists")
    for cl in doc.codelists:
        section = _el(content, "section", id=cl.get("OID"))
        code = cl.find("odm:Alias[@Context='nci:ExtCodeID']", _NS)
        title = f"{cl.get('Name')} ({cl.get('OID')})" + (f" · NCI {code.get('Name')}" if code is not None else "")
        _el(section, "h3", title)
        ext = cl.find("odm:ExternalCodeList", _NS)
        if ext is not None:
            _el(section, "p", f"External dictionary {ext.get('Dictionary')}"
                              + (f", version {ext.get('Version')}" if ext.get("Version") else ", version not given"))
            continue
        body_ = _table(section, ["Coded value", "Decode", "NCI code", "Extended"])
        for item in cl.findall("odm:CodeListItem", _NS) + cl.findall("odm:EnumeratedItem", _NS):
            tr = _el(body_, "tr")
            _el(_cell(tr), "code", item.get("CodedValue"))
            _cell(tr, _text(item, "odm:Decode/odm:TranslatedText"))
            alias = item.find("odm:Alias[@Context='nci:ExtCodeID']", _NS)
            _cell(tr, alias.get("Name") if alias is not None else "")
            if item.get(f"{_DEF}ExtendedValue") == "Yes":
                _cell(tr, "sponsor extension", class_="ext")
            else:
                _cell(tr, "")

    if doc.methods:
        _el(content, "h2", "Methods", id="methods")
        body_ = _table(content, ["Method", "Name", "Type", "Description"])
        for md in doc.methods:
            tr = _el(body_, "tr", id=md.get("OID"))
            _el(_cell(tr), "code", md.get("OID"))
            _cell(tr, md.get("Name"))
            _cell(tr, md.get("Type"))
            _cell(tr, _text(md))
    if doc.comments:
        _el(content, "h2", "Comments", id="comments")
        body_ = _table(content, ["Comment", "Text"])
        for cd in doc.comments:
            tr = _el(body_, "tr", id=cd.get("OID"))
            _el(_cell(tr), "code", cd.get("OID"))
            _cell(tr, _text(cd))
    return html


def render_define_html(define_path: str | os.PathLike, out_path: str | os.PathLike) -> Path:
    """Write the HTML view of ``define_path`` to ``out_path`` (UTF-8, self-contained); return the path.

    Deterministic: the same define.xml gives the same bytes.

    >>> render_define_html("define.xml", "define.html")  # doctest: +SKIP
    PosixPath('define.html')
    """
    define_path, out = Path(define_path), Path(out_path)
    try:
        tree = etree.parse(str(define_path), etree.XMLParser(resolve_entities=False, no_network=True))
    except OSError as exc:
        raise UsageError(f"cannot read define file: {exc}", Location(file=define_path)) from None
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"define file is not well-formed XML: {exc.msg}", Location(file=define_path, line=exc.lineno)) from None
    page = _build_page(_Doc(tree))
    data = etree.tostring(page, method="html", encoding="UTF-8", doctype="<!DOCTYPE html>", pretty_print=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_atomic(out, data)

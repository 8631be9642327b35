"""The agreed mapping between an EDC form export (CSV) and CDISC ODM 1.3.2.

Shared by the ODM writer and reader so both sides use one definition::

    CSV system column   ODM (ClinicalData)
    project             ClinicalData/@StudyOID (= Study/@OID)
    SiteNumber          SubjectData/SiteRef/@LocationOID
    Subject             SubjectData/@SubjectKey
    Folder              StudyEventData/@StudyEventOID
    FolderSeq           StudyEventData/@StudyEventRepeatKey
    InstanceName        StudyEventDef/@Name, or its Alias Context="InstanceName[<FolderSeq>]"
    DataPageName        FormDef/@Name, or its Alias Context="DataPageName[<PageRepeatNumber>]"
    PageRepeatNumber    FormData/@FormRepeatKey
    RecordPosition      ItemGroupData/@ItemGroupRepeatKey
    <FORM>.<COLUMN>     ItemData/@ItemOID, the text in ItemData/@Value

An empty (missing) cell has no ItemData element (and an empty repeat key no
attribute). FormOID is the form name; ItemGroupOID is ``IG.<FORM>`` because ODM
1.3.2 requires every OID in a MetaDataVersion to be unique (the XSD's
UC-MDV-OID-unique), so a FormDef and its ItemGroupDef cannot share the form name.
"""
from __future__ import annotations

__all__ = [
    "ODM_NS",
    "SYSTEM_COLUMNS",
    "instance_alias_context",
    "page_alias_context",
    "item_oid",
    "item_group_oid",
]

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"

#: Columns every EDC form export starts with, in this order (the synthetic export contract).
SYSTEM_COLUMNS: tuple[str, ...] = (
    "project",
    "SiteNumber",
    "Subject",
    "Folder",
    "FolderSeq",
    "InstanceName",
    "DataPageName",
    "PageRepeatNumber",
    "RecordPosition",
)


def instance_alias_context(folder_seq: str) -> str:
    """Alias context that names one repeat of a StudyEventDef (its InstanceName)."""
    return f"InstanceName[{folder_seq}]"


def page_alias_context(page_repeat: str) -> str:
    """Alias context that names one repeat of a FormDef (its DataPageName)."""
    return f"DataPageName[{page_repeat}]"


def item_oid(form: str, column: str) -> str:
    """ItemOID of a form column.

    >>> item_oid("DM", "SEX")
    'DM.SEX'
    """
    return f"{form}.{column}"


def item_group_oid(form: str) -> str:
    """ItemGroupOID of a form's record group.

    >>> item_group_oid("AE")
    'IG.AE'
    """
    return f"IG.{form}"

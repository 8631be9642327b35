"""The OIDs that tie an output file to its Define-XML: one rule, used by every writer.

Dataset-JSON's ``itemGroupOID``/``itemOID`` are meant as foreign keys to Define-XML's
ItemGroupDef/@OID and ItemDef/@OID (Dataset-JSON 1.1, "Column Metadata"), so the Define
writer must build its OIDs with these same functions::

    >>> item_group_oid("DM"), item_oid("DM", "USUBJID")
    ('IG.DM', 'IT.DM.USUBJID')
"""
from __future__ import annotations

__all__ = ["item_group_oid", "item_oid", "metadata_version_oid"]


def item_group_oid(dataset: str) -> str:
    """ItemGroupDef/@OID of a dataset."""
    return f"IG.{dataset}"


def item_oid(dataset: str, variable: str) -> str:
    """ItemDef/@OID of a dataset's variable (dataset-qualified: the same name differs between domains)."""
    return f"IT.{dataset}.{variable}"


def metadata_version_oid(standard: str) -> str:
    """Default MetaDataVersion/@OID of a package: ``"SDTMIG 3.4"`` -> ``"MDV.SDTMIG.3.4"``.

    >>> metadata_version_oid("ADaMIG 1.3")
    'MDV.ADaMIG.1.3'
    """
    return "MDV." + ".".join(standard.split())

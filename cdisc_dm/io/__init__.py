"""Writers and readers of output files: SAS XPT v5 and CDISC Dataset-JSON 1.1, and whole packages.

    from cdisc_dm.io import write_xpt, read_xpt, write_dataset_json, read_dataset_json, write_package
    write_package(sdtm, "run/sdtm", formats=("xpt", "json"), creation_datetime=manifest_time,
                  study_oid="IL2DM-PKU-301", metadata_version_oid="MDV.SDTM.1")

Writers never compute anything: they serialise a :class:`~cdisc_dm.dataset.Dataset` and refuse
(``OutputError`` naming dataset, variable and row) anything the format cannot hold without loss.
OIDs shared with Define-XML come from :mod:`cdisc_dm.io.oids`.
"""
from __future__ import annotations

from .datasetjson import DATASET_JSON_VERSION, dataset_json_schema, read_dataset_json, write_dataset_json
from .oids import item_group_oid, item_oid, metadata_version_oid
from .package import PACKAGE_FORMATS, write_package
from .xpt import DEFAULT_CREATION_DATETIME, read_xpt, read_xpt_dataset, write_xpt

__all__ = [
    "write_xpt",
    "read_xpt",
    "read_xpt_dataset",
    "write_dataset_json",
    "read_dataset_json",
    "dataset_json_schema",
    "write_package",
    "item_group_oid",
    "item_oid",
    "metadata_version_oid",
    "PACKAGE_FORMATS",
    "DEFAULT_CREATION_DATETIME",
    "DATASET_JSON_VERSION",
]

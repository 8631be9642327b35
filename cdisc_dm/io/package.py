"""Write a whole package (every dataset, every format) all-or-nothing.

A submission folder with half the datasets written is worse than none: a reviewer or a
validator cannot tell it is incomplete. So every file is first written into a temporary
folder next to the target (same file system, so the final move is a rename); only when
all of them succeeded are they moved into place. On any error the temporary folder is
removed and the target is left exactly as it was.

Example::

    paths = write_package(sdtm, "run/sdtm", formats=("xpt", "json"),
                          creation_datetime=datetime(2026, 11, 29, 8, 0), study_oid="IL2DM-PKU-301")
    # [.../run/sdtm/ae.json, .../run/sdtm/ae.xpt, .../run/sdtm/dm.json, .../run/sdtm/dm.xpt, ...]
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from ..dataset import Package
from ..errors import Location, OutputError, UsageError
from .datasetjson import write_dataset_json
from .oids import metadata_version_oid as default_mdv_oid
from .xpt import write_xpt

__all__ = ["write_package", "PACKAGE_FORMATS"]

#: format name -> file extension
PACKAGE_FORMATS = {"xpt": ".xpt", "json": ".json", "ndjson": ".ndjson"}


def _study_oid(package: Package) -> str:
    """The one STUDYID value across the package (SDTMIG 2.x: STUDYID is in every dataset)."""
    values: set[str] = set()
    for ds in package:
        if "STUDYID" in ds.data.columns:
            values.update(str(v) for v in ds.data["STUDYID"].dropna().unique())
    if len(values) != 1:
        found = ", ".join(sorted(values)) or "none"
        raise UsageError(f"cannot take studyOID from the data (STUDYID values found: {found}); "
                         "pass study_oid= to write_package")
    return values.pop()


def write_package(
    package: Package,
    folder: str | os.PathLike,
    *,
    creation_datetime: datetime | str,
    formats: tuple[str, ...] = ("xpt", "json"),
    study_oid: str | None = None,
    metadata_version_oid: str | None = None,
    metadata_ref: str | None = None,
) -> list[Path]:
    """Write every dataset of ``package`` in every format into ``folder``; return the paths, sorted.

    File names are the lower-case dataset name plus ``.xpt``, ``.json`` or ``.ndjson``.
    ``study_oid`` defaults to the package's single STUDYID value, ``metadata_version_oid`` to
    ``MDV.<standard>`` (:func:`cdisc_dm.io.oids.metadata_version_oid`). Files already in
    ``folder`` with other names are left alone; same-named files are replaced.
    """
    unknown = [f for f in formats if f not in PACKAGE_FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown output format(s) {unknown or formats}; choose from {', '.join(PACKAGE_FORMATS)}")
    folder = Path(folder)
    datasets = list(package)
    stems = [ds.name.lower() for ds in datasets]
    if len(set(stems)) != len(stems):
        raise OutputError(f"dataset names collide once lower-cased: {sorted(stems)}", Location(file=folder))
    if "json" in formats or "ndjson" in formats:
        study_oid = study_oid or _study_oid(package)
        metadata_version_oid = metadata_version_oid or default_mdv_oid(package.standard)

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    try:
        written: list[str] = []
        for ds, stem in zip(datasets, stems):
            for fmt in formats:
                name = stem + PACKAGE_FORMATS[fmt]
                if fmt == "xpt":
                    write_xpt(ds, staging / name, creation_datetime=creation_datetime)
                else:
                    write_dataset_json(ds, staging / name, ndjson=fmt == "ndjson", study_oid=study_oid,
                                       metadata_version_oid=metadata_version_oid, metadata_ref=metadata_ref,
                                       creation_datetime=creation_datetime)
                written.append(name)
        _move_into_place(staging, folder, written)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # already renamed away on success
    return sorted(folder / name for name in written)


def _move_into_place(staging: Path, folder: Path, names: list[str]) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    if not folder.exists():
        staging.rename(folder)  # one atomic rename: the folder appears complete or not at all
        return
    # the folder holds other files: replace ours one by one (each os.replace is atomic, and
    # every file is already complete on the same file system, so this step cannot half-fail on data)
    for name in names:
        os.replace(staging / name, folder / name)

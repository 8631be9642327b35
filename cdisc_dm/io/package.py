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

A large package need not be held whole to be written: :class:`PackageWriter` writes each
dataset as soon as it is final (the same bytes ``write_package`` writes) and hands back a
:class:`StoredDataset` whose rows are read back from its Dataset-JSON file only when used. The
caller provides the atomicity then (``convert`` writes into a temporary run folder)::

    writer = PackageWriter(tmp / "sdtm", creation_datetime=stamp, standard="SDTMIG 3.4")
    package.add(writer.add(lb))      # lb.xpt, lb.json written; the returned LB reads lb.json on use
    paths = writer.close()           # checks the package's one STUDYID
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..dataset import Dataset, Package
from ..errors import Location, OutputError, UsageError
from .datasetjson import write_dataset_json
from .oids import metadata_version_oid as default_mdv_oid
from .xpt import write_xpt

__all__ = ["write_package", "PACKAGE_FORMATS", "PackageWriter", "StoredDataset"]

#: format name -> file extension
PACKAGE_FORMATS = {"xpt": ".xpt", "json": ".json", "ndjson": ".ndjson"}


def _study_ids(ds: Dataset) -> set[str]:
    if "STUDYID" not in ds.data.columns:
        return set()
    return {str(v) for v in ds.data["STUDYID"].dropna().unique()}


def _one_study_oid(values: set[str]) -> str:
    if len(values) != 1:
        found = ", ".join(sorted(values)) or "none"
        raise UsageError(f"cannot take studyOID from the data (STUDYID values found: {found}); "
                         "pass study_oid= to write_package")
    return next(iter(values))


def _study_oid(package: Package) -> str:
    """The one STUDYID value across the package (SDTMIG 2.x: STUDYID is in every dataset)."""
    values: set[str] = set()
    for ds in package:
        values |= _study_ids(ds)
    return _one_study_oid(values)


def _write_one(ds: Dataset, folder: Path, stem: str, formats: tuple[str, ...], *, creation_datetime: datetime | str,
               study_oid: str | None, metadata_version_oid: str | None, metadata_ref: str | None) -> list[str]:
    """Every format of one dataset into ``folder``; the file names written."""
    names = []
    text_cache: dict = {}  # each text column's codes, computed once for every format
    for fmt in formats:
        name = stem + PACKAGE_FORMATS[fmt]
        if fmt == "xpt":
            write_xpt(ds, folder / name, creation_datetime=creation_datetime, _text_cache=text_cache)
        else:
            write_dataset_json(ds, folder / name, ndjson=fmt == "ndjson", study_oid=study_oid,
                               metadata_version_oid=metadata_version_oid, metadata_ref=metadata_ref,
                               creation_datetime=creation_datetime, _text_cache=text_cache)
        names.append(name)
    return names


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
            written += _write_one(ds, staging, stem, formats, creation_datetime=creation_datetime, study_oid=study_oid,
                                  metadata_version_oid=metadata_version_oid, metadata_ref=metadata_ref)
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


class StoredDataset(Dataset):
    """A :class:`~cdisc_dm.dataset.Dataset` whose rows were written to a Dataset-JSON file:
    ``data`` reads them back on first use (and keeps them); the metadata stays in memory.

    The frame read back equals the one written (text columns as strings with NA, numbers as
    float64; columns that were whole-number integers get their integer dtype back), so a
    consumer cannot tell it from the dataset it was made from. ``records`` is the row count,
    known without reading the file.

    >>> lb = StoredDataset.of(lb_in_memory, Path("run/sdtm/lb.json"))  # doctest: +SKIP
    >>> lb.records, lb.data.shape  # the second reads lb.json  # doctest: +SKIP
    """

    def __init__(self, *args: Any, source: Path | None = None, records: int | None = None,
                 dtypes: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self._frame: pd.DataFrame | None = None
        self.source, self._dtypes = source, dtypes or {}
        super().__init__(*args, **kwargs)
        self.records = records if records is not None or self._frame is None else len(self._frame)

    @classmethod
    def of(cls, ds: Dataset, source: Path) -> "StoredDataset":
        """The metadata of ``ds`` with its rows to be read from ``source`` (``ds``'s frame is not kept)."""
        return cls(ds.name, ds.label, None, list(ds.variables), klass=ds.klass, structure=ds.structure,
                   keys=list(ds.keys), domain=ds.domain, parent=ds.parent, standard=ds.standard, comment=ds.comment,
                   source=Path(source), records=len(ds.data), dtypes=dict(ds.data.dtypes.items()))

    @property
    def data(self) -> pd.DataFrame:  # type: ignore[override]
        if self._frame is None and self.source is not None:
            self._frame = self._read()
        return self._frame  # type: ignore[return-value]

    @data.setter
    def data(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        if frame is not None:
            self.source = None  # the caller's frame wins over the file from now on

    def _read(self) -> pd.DataFrame:
        from .datasetjson import read_dataset_json

        frame = read_dataset_json(self.source).data
        frame.attrs = {}
        for name, dtype in self._dtypes.items():
            # Dataset-JSON numbers read back as float64: an integer column (SESEQ, TSSEQ) had no
            # missing value to need a float, so the cast back is exact
            if name in frame.columns and frame[name].dtype != dtype and pd.api.types.is_integer_dtype(dtype):
                frame[name] = frame[name].astype(dtype)
        if len(frame) != self.records or list(frame.columns) != self.names:
            raise OutputError(f"dataset {self.name}: {self.source} no longer holds the {self.records} records written",
                              Location(file=self.source))
        return frame


class PackageWriter:
    """Write datasets one at a time into ``folder`` (the bytes :func:`write_package` writes).

    ``add`` writes a dataset in every format and returns a :class:`StoredDataset` reading the
    Dataset-JSON file on use (``release=False``, or no JSON format: the dataset itself), so a
    caller holding only the returned datasets does not keep the rows in memory. The studyOID is
    the STUDYID of the first dataset that has one (``study_oid`` overrides, ``default_study_oid``
    stands in while no dataset had one); ``close`` raises UsageError as ``write_package`` does
    when the datasets do not share one STUDYID. Files are written in place: the caller makes the
    whole run atomic.
    """

    def __init__(self, folder: str | os.PathLike, *, creation_datetime: datetime | str,
                 formats: tuple[str, ...] = ("xpt", "json"), standard: str | None = None, study_oid: str | None = None,
                 default_study_oid: str | None = None, metadata_version_oid: str | None = None,
                 metadata_ref: str | None = None, stored_folder: str | os.PathLike | None = None) -> None:
        unknown = [f for f in formats if f not in PACKAGE_FORMATS]
        if unknown or not formats:
            raise UsageError(f"unknown output format(s) {unknown or formats}; choose from {', '.join(PACKAGE_FORMATS)}")
        self.folder, self.formats, self.created = Path(folder), tuple(formats), creation_datetime
        # where the files will be once the caller moved the folder into place (read back from there)
        self.stored_folder = Path(stored_folder) if stored_folder is not None else self.folder
        self._fixed_oid, self._default_oid, self._oid = study_oid, default_study_oid, study_oid
        self.metadata_version_oid = metadata_version_oid or (default_mdv_oid(standard) if standard else None)
        self.metadata_ref = metadata_ref
        self._ids: set[str] = set()
        self._written: list[str] = []
        self._stems: set[str] = set()
        self.folder.mkdir(parents=True, exist_ok=True)

    def add(self, ds: Dataset, *, release: bool = True) -> Dataset:
        stem = ds.name.lower()
        if stem in self._stems:
            raise OutputError(f"dataset names collide once lower-cased: {sorted(self._stems | {stem})}",
                              Location(file=self.folder))
        self._stems.add(stem)
        json_format = next((f for f in self.formats if f in ("json", "ndjson")), None)
        ids = _study_ids(ds)
        self._ids |= ids
        if json_format is not None and self._oid is None:
            if len(ids) == 1:
                self._oid = next(iter(ids))
            elif not ids and self._default_oid:
                self._oid = self._default_oid
            else:
                self._oid = _one_study_oid(ids)  # raises: several STUDYID values (or none and no default)
            if self.metadata_version_oid is None:
                raise UsageError("PackageWriter needs standard= or metadata_version_oid= to write Dataset-JSON")
        self._written += _write_one(ds, self.folder, stem, self.formats, creation_datetime=self.created,
                                    study_oid=self._oid, metadata_version_oid=self.metadata_version_oid,
                                    metadata_ref=self.metadata_ref)
        if not release or json_format is None:
            return ds
        return StoredDataset.of(ds, self.stored_folder / (stem + PACKAGE_FORMATS[json_format]))

    def close(self) -> list[Path]:
        """The paths written, sorted; UsageError when the datasets do not share one STUDYID."""
        if self._fixed_oid is None and any(f in ("json", "ndjson") for f in self.formats) and self._written:
            if _one_study_oid(self._ids) != self._oid:
                raise UsageError(f"cannot take studyOID from the data: the first dataset's STUDYID {self._oid} "
                                 f"differs from the package's ({', '.join(sorted(self._ids))}); pass study_oid=")
        return sorted(self.folder / name for name in self._written)

"""ADaMIG metadata (shipped in ``specs/adamig/<version>/``): ADSL, BDS and OCCDS variables.

Example::

    ad = load_adamig()
    ad.dataset("ADSL").variable("TRT01P").label   # 'Planned Treatment for Period 01'
    ad.structure("BDS").variable("CHG").core       # 'Perm'
    ad.resolve("ADLB", "BDS").klass                # 'BASIC DATA STRUCTURE'
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ..errors import Location, StandardsError
from ..resources import specs_dir
from ._files import loc_of, parse_fast_then_located, require
from .metadata import DomainMeta, VariableMeta
from .patterns import default_expansions, is_pattern, placeholders

__all__ = ["AdamIG", "load_adamig", "load_adam_structure_file"]

_CORES = {"Req", "Cond", "Perm"}
_CLASSES = {"SUBJECT LEVEL ANALYSIS DATASET", "BASIC DATA STRUCTURE", "OCCURRENCE DATA STRUCTURE", "ADAM OTHER"}
_ALIASES = {"ADSL": "ADSL", "BDS": "BDS", "BASIC DATA STRUCTURE": "BDS", "OCCDS": "OCCDS", "OCCURRENCE DATA STRUCTURE": "OCCDS"}


@dataclass(frozen=True)
class AdamIG:
    """ADaMIG metadata of one version."""

    version: str
    structures: Mapping[str, DomainMeta]  # read-only: shared by all callers
    folder: Path

    @property
    def standard(self) -> str:
        return f"ADaMIG {self.version}"

    def structure(self, name: str) -> DomainMeta:
        """``"ADSL"``, ``"BDS"`` or ``"OCCDS"`` (also their Define-XML class names)."""
        key = _ALIASES.get(str(name).upper())
        if key is None or key not in self.structures:
            raise StandardsError(
                f"ADaMIG {self.version} has no structure {name!r}", Location(self.folder),
                hint=f"known: {', '.join(sorted(self.structures))}",
            )
        return self.structures[key]

    def dataset(self, name: str) -> DomainMeta:
        """ADSL by name; other datasets need their structure: use :meth:`resolve`."""
        if str(name).upper() == "ADSL":
            return self.structures["ADSL"]
        raise StandardsError(
            f"ADaM dataset {name!r} is not resolved by name", hint='pass its structure, e.g. resolve("ADLB", "BDS")'
        )

    def resolve(self, name: str, structure: str | None = None) -> DomainMeta:
        """Metadata for dataset ``name``: ADSL by name, any other by its ``structure``."""
        if str(name).upper() == "ADSL" and structure in (None, "ADSL"):
            return self.structures["ADSL"]
        if structure is None:
            raise StandardsError(
                f"ADaM dataset {name!r}: say which structure it follows",
                hint='build_dataset(..., standard="ADaMIG 1.3", structure="BDS" or "OCCDS")',
            )
        return self.structure(structure)


def load_adamig(version: str = "1.3", folder: str | Path | None = None) -> AdamIG:
    """Load the shipped ADaMIG metadata (cached, immutable)."""
    return _load_adamig(str(version), str(Path(folder).resolve()) if folder is not None else None)


@lru_cache(maxsize=8)
def _load_adamig(version: str, folder: str | None) -> AdamIG:
    root = Path(folder) if folder is not None else specs_dir() / "adamig" / version
    if not root.is_dir():
        raise StandardsError(f"no ADaMIG {version} metadata", Location(root))
    structures = {}
    for path in sorted(root.glob("*.yaml")):
        meta = load_adam_structure_file(path)
        structures[meta.name] = meta
    return AdamIG(version=str(version), structures=MappingProxyType(structures), folder=root)


def load_adam_structure_file(path: Path) -> DomainMeta:
    """Parse one structure file; malformed entries are StandardsErrors with file:line."""
    path = Path(path)
    return parse_fast_then_located(path, lambda doc: _parse_structure(doc, path))


def _parse_structure(doc, path: Path) -> DomainMeta:
    what = f"ADaM structure file {path.name}"
    name = require(doc, "name", str, what)
    label = require(doc, "label", str, what)
    klass = require(doc, "class", str, what)
    if klass not in _CLASSES:
        raise StandardsError(f"unknown ADaM class {klass!r} (expected one of {sorted(_CLASSES)})", doc.location("class", value=True) if hasattr(doc, "location") else None)
    structure = require(doc, "structure", str, what)
    keys = require(doc, "keys", list, what)
    rows = require(doc, "variables", list, what)
    concrete: list[VariableMeta] = []
    patterns: list[VariableMeta] = []
    seen: set[str] = set()
    order = 0
    for i, row in enumerate(rows):
        loc = loc_of(rows, i)
        if not isinstance(row, list) or len(row) != 6:
            raise StandardsError("a variable row must be [name, label, type, core, codelist, variable set]", loc)
        vname, vlabel, vtype, core, codelist, vset = row
        if not isinstance(vname, str) or not re.fullmatch(r"[A-Z][A-Za-z0-9]{0,7}", vname):
            raise StandardsError(f"variable name {vname!r} is not a SAS V5 name (placeholders in lower case)", loc)
        if vname in seen:
            raise StandardsError(f"variable {vname} listed twice in {name}", loc)
        seen.add(vname)
        if vtype not in ("Char", "Num"):
            raise StandardsError(f"{vname}: type {vtype!r} is not Char or Num", loc)
        if core not in _CORES:
            raise StandardsError(f"{vname}: core {core!r} is not one of {sorted(_CORES)}", loc)
        # No 40-character check here: the IG itself publishes one longer label (PBCHGCyN); the XPT
        # writer rejects it if a study uses that variable without a shorter label override.
        if not isinstance(vlabel, str) or not vlabel.strip():
            raise StandardsError(f"{vname}: label must be non-empty text, got {vlabel!r}", loc)
        if codelist is not None and not isinstance(codelist, str):
            raise StandardsError(f"{vname}: codelist must be a short name or null", loc)
        if is_pattern(vname) and "".join(placeholders(vname)) != "".join(c for c in vname if c.islower()):
            raise StandardsError(f"{vname}: lower-case letters must be the placeholders xx, zz, y or w", loc)
        order += 1
        meta = VariableMeta(
            name=vname, label=vlabel, type=vtype, core=core, role=None, codelist=codelist, order=order,
            codelists=(codelist,) if codelist else (), variable_set=vset,
        )
        if is_pattern(vname):
            patterns.append(meta)
            concrete.extend(default_expansions(meta))
        else:
            concrete.append(meta)
    return DomainMeta(
        name=name, label=label, klass=klass, structure=structure, keys=tuple(keys), variables=tuple(concrete),
        source=str(path), patterns=tuple(patterns),
    )

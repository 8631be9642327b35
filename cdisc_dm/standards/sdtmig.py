"""SDTMIG domain metadata (shipped in ``specs/sdtmig/<version>/<DOMAIN>.yaml``).

Each file holds one domain: name, label, class, structure, keys and the variables as
rows ``[name, label, type, core, role, codelist, value domain]`` in IG order, with the
generic ``--`` variables already expanded with the domain prefix.

Example::

    ig = load_sdtmig()
    ig.domain("AE").variable("AESEV").codelist   # 'AESEV'
    ig.domain("SUPPAE").label                     # 'Supplemental Qualifiers for AE'
    ig.domain("LBCH").name                        # 'LB' (a split dataset, SDTMIG "splitting domains")
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from ..errors import Location, StandardsError
from ..resources import specs_dir
from ._files import loc_of, parse_fast_then_located, require
from .metadata import DomainMeta, VariableMeta

__all__ = ["SdtmIG", "load_sdtmig", "load_sdtm_domain_file"]

_TYPES = {"Char", "Num"}
_CORES = {"Req", "Exp", "Perm"}
_ROLES = {
    "Identifier", "Topic", "Synonym Qualifier", "Grouping Qualifier", "Variable Qualifier",
    "Record Qualifier", "Timing", "Result Qualifier", "Rule",
}
_CLASSES = {
    "SPECIAL PURPOSE", "INTERVENTIONS", "EVENTS", "FINDINGS", "FINDINGS ABOUT", "TRIAL DESIGN",
    "RELATIONSHIP", "STUDY REFERENCE",
}
# SUPP-- datasets: SDTMIG 8.4 names them SUPP + the parent domain (or split dataset) name.
_SUPP = re.compile(r"^SUPP([A-Z0-9]{2,4})$")


@dataclass(frozen=True)
class SdtmIG:
    """The SDTMIG metadata of one version: ``domain(name)`` and ``domain_names()``."""

    version: str
    domains: Mapping[str, DomainMeta]  # read-only: the loaded metadata is shared by all callers
    folder: Path

    @property
    def standard(self) -> str:
        return f"SDTMIG {self.version}"

    def domain_names(self) -> list[str]:
        return sorted(self.domains)

    def domain(self, name: str) -> DomainMeta:
        """Metadata of dataset ``name``.

        ``SUPPxx`` resolves to SUPPQUAL with the label naming the parent; a split dataset
        such as ``LBCH`` or ``QSHA`` (SDTMIG "splitting domains": same DOMAIN, same variable prefix,
        name = domain code + up to two characters) resolves to its domain.
        """
        key = str(name).upper()
        meta = self.domains.get(key)
        if meta is not None:
            return meta
        supp = _SUPP.match(key)
        if supp and "SUPPQUAL" in self.domains:
            parent = supp.group(1)
            self.parent_domain(parent)  # the parent must be a known domain (or split of one)
            base = self.domains["SUPPQUAL"]
            return replace(base, name=key, label=f"Supplemental Qualifiers for {parent}", _index={})
        if 3 <= len(key) <= 4 and key[:2] in self.domains:
            return self.domains[key[:2]]
        raise StandardsError(
            f"SDTMIG {self.version} has no dataset {name!r}",
            Location(self.folder),
            hint=f"shipped domains: {', '.join(self.domain_names())}; SUPPxx and split datasets "
            "(e.g. LBCH) resolve to SUPPQUAL and their domain",
        )

    def variable_anywhere(self, name: str) -> VariableMeta | None:
        """The metadata of SDTM variable ``name`` in the first shipped domain that has it (DM first).

        Used for ADaM variables copied from SDTM (AETERM in ADAE, LBTESTCD in ADLB).
        """
        for domain in ["DM", *self.domain_names()]:
            var = self.domains[domain].find(name) if domain in self.domains else None
            if var is not None:
                return var
        return None

    def parent_domain(self, name: str) -> str:
        """The two-letter domain a dataset name belongs to (``LBCH`` -> ``LB``; ``AE`` -> ``AE``)."""
        key = str(name).upper()
        if key in self.domains:
            return key
        if 3 <= len(key) <= 4 and key[:2] in self.domains:
            return key[:2]
        raise StandardsError(
            f"SDTMIG {self.version} has no domain {name!r}",
            Location(self.folder),
            hint=f"shipped domains: {', '.join(self.domain_names())}",
        )


def load_sdtmig(version: str = "3.4", folder: str | Path | None = None) -> SdtmIG:
    """Load the shipped SDTMIG metadata (cached; the result is shared and immutable).

    Example::

        ig = load_sdtmig()
        [v.name for v in ig.domain("DM").variables if v.core == "Req"]
        # ['STUDYID', 'DOMAIN', 'USUBJID', 'SUBJID', 'SITEID', 'SEX', 'COUNTRY']
    """
    return _load_sdtmig(str(version), str(Path(folder).resolve()) if folder is not None else None)


@lru_cache(maxsize=8)
def _load_sdtmig(version: str, folder: str | None) -> SdtmIG:
    root = Path(folder) if folder is not None else specs_dir() / "sdtmig" / version
    if not root.is_dir():
        available = sorted(p.name for p in root.parent.iterdir() if p.is_dir()) if root.parent.is_dir() else []
        raise StandardsError(
            f"no SDTMIG {version} metadata", Location(root), hint=f"available versions: {', '.join(available) or 'none'}"
        )
    domains: dict[str, DomainMeta] = {}
    for path in sorted(root.glob("*.yaml")):
        meta = load_sdtm_domain_file(path)
        if meta.name in domains:
            raise StandardsError(f"domain {meta.name} defined twice (also in {domains[meta.name].source})", Location(path))
        domains[meta.name] = meta
    if not domains:
        raise StandardsError(f"no domain files (*.yaml) for SDTMIG {version}", Location(root))
    return SdtmIG(version=str(version), domains=MappingProxyType(domains), folder=root)


def load_sdtm_domain_file(path: Path) -> DomainMeta:
    """Parse one domain file; every malformed entry is a StandardsError with file:line."""
    path = Path(path)
    return parse_fast_then_located(path, lambda doc: _parse_domain(doc, path))


def _parse_domain(doc, path: Path) -> DomainMeta:
    what = f"domain file {path.name}"
    name = require(doc, "name", str, what)
    if path.stem.upper() != name:
        raise StandardsError(f"file name {path.name} does not match domain name {name!r}", _value_loc(doc, "name"))
    label = require(doc, "label", str, what)
    klass = require(doc, "class", str, what)
    if klass not in _CLASSES:
        raise StandardsError(f"unknown class {klass!r} (expected one of {sorted(_CLASSES)})", _value_loc(doc, "class"))
    structure = require(doc, "structure", str, what)
    keys = require(doc, "keys", list, what)
    rows = require(doc, "variables", list, what)
    variables: list[VariableMeta] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        loc = loc_of(rows, i)
        if not isinstance(row, list) or len(row) not in (6, 7):
            raise StandardsError(
                "a variable row must be [name, label, type, core, role, codelist(s)] plus an optional value domain",
                loc,
            )
        vname, vlabel, vtype, core, role, codelist = row[:6]
        value_domain = row[6] if len(row) == 7 else None
        if not isinstance(vname, str) or not re.fullmatch(r"[A-Z][A-Z0-9]{0,7}", vname):
            raise StandardsError(f"variable name {vname!r} is not a SAS V5 name (1-8 upper-case letters/digits)", loc)
        if vname in seen:
            raise StandardsError(f"variable {vname} listed twice in {name}", loc)
        seen.add(vname)
        if not isinstance(vlabel, str) or not 0 < len(vlabel) <= 40:
            raise StandardsError(f"{vname}: label must be 1-40 characters, got {vlabel!r}", loc)
        if vtype not in _TYPES:
            raise StandardsError(f"{vname}: type {vtype!r} is not one of {sorted(_TYPES)}", loc)
        if core not in _CORES:
            raise StandardsError(f"{vname}: core {core!r} is not one of {sorted(_CORES)}", loc)
        if role not in _ROLES:
            raise StandardsError(f"{vname}: role {role!r} is not one of {sorted(_ROLES)}", loc)
        if codelist is None:
            codelists: tuple[str, ...] = ()
        elif isinstance(codelist, str):
            codelists = (codelist,)
        elif isinstance(codelist, list) and codelist and all(isinstance(c, str) for c in codelist):
            codelists = tuple(codelist)
        else:
            raise StandardsError(f"{vname}: codelist must be null, a short name or a list of short names", loc)
        variables.append(
            VariableMeta(
                name=vname, label=vlabel, type=vtype, core=core, role=role,
                codelist=codelists[0] if codelists else None, order=i + 1, codelists=codelists,
                value_domain=value_domain,
            )
        )
    unknown_keys = [k for k in keys if k not in seen]
    if unknown_keys:
        raise StandardsError(f"keys {unknown_keys} are not variables of {name}", _value_loc(doc, "keys"))
    return DomainMeta(
        name=name, label=label, klass=klass, structure=structure, keys=tuple(keys),
        variables=tuple(variables), source=str(path),
    )


def _value_loc(doc, key: str) -> Location | None:
    return doc.location(key, value=True) if hasattr(doc, "location") else None

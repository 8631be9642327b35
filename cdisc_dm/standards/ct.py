"""Controlled terminology: codelists with NCI C-codes, terms, synonyms and extensibility.

Three sources, one model:

* the shipped subset (``specs/ct/*.yaml``): the codelists the project needs, each term
  with its NCI code; a term whose code could not be confirmed carries ``unverified: true``;
* a full NCI EVS release file (tab-delimited ``.txt``, or the same columns as ``.csv``),
  read by :mod:`cdisc_dm.standards.evs`;
* a study's sponsor codelists and extensions (``mappings/<study>/ct/*.yaml``): new
  sponsor-defined codelists, extra terms for extensible codelists (flagged ``extended``,
  which Define-XML writes as ``def:ExtendedValue="Yes"``) and collection synonyms.

Example::

    ct = load_ct()
    ct.codelist("SEX").code                         # 'C66731'
    ct.codelist("SEX").value_map()["FEMALE"]        # 'F' (decode and synonyms map to the value)
    ct = load_ct(extra=study_dir("il2dm") / "ct")   # + sponsor terms
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from ..errors import Location, StandardsError
from ..resources import specs_dir
from ._files import loc_of, parse_fast_then_located, read_yaml, require

__all__ = ["Term", "Codelist", "ControlledTerminology", "load_ct", "load_ct_yaml", "merge_ct"]

_CODE = re.compile(r"^C\d+$")


@dataclass(frozen=True)
class Term:
    """One permissible value. ``decode`` is the NCI preferred term (Define-XML Decode)."""

    value: str
    code: str | None
    decode: str | None = None
    synonyms: tuple[str, ...] = ()
    definition: str | None = None
    extended: bool = False  # added by the sponsor to an extensible codelist
    unverified: bool = False  # code not confirmed against an NCI EVS source


@dataclass(frozen=True)
class Codelist:
    """A codelist: ``short_name`` is its CDISC submission value (e.g. ``SEX``)."""

    short_name: str
    code: str | None
    name: str
    extensible: bool
    terms: tuple[Term, ...]
    sponsor: bool = False  # sponsor-defined: no NCI code
    unverified: bool = False
    source: str = ""
    _by_value: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        self._by_value.update({t.value: t for t in self.terms})

    @property
    def values(self) -> list[str]:
        return [t.value for t in self.terms]

    def term(self, value: str) -> Term | None:
        return self._by_value.get(value)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    def value_map(self) -> dict[str, str]:
        """Upper-cased submission value, decode and synonyms -> submission value.

        Used to map collected text onto submission values; an ambiguous key (a synonym of
        two terms) is left out rather than mapped to either. Returns a fresh dict.
        """
        return dict(self._value_map)

    @cached_property
    def _value_map(self) -> dict[str, str]:
        seen: dict[str, set[str]] = {}
        for t in self.terms:
            for key in (t.value, t.decode, *t.synonyms):
                if key:
                    seen.setdefault(key.strip().upper(), set()).add(t.value)
        exact = {t.value.upper(): t.value for t in self.terms}
        out = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
        out.update(exact)  # a submission value always maps to itself
        return out

    def normalize(self, values: pd.Series) -> pd.Series:
        """Map collected text onto submission values, vectorized; unmapped values become NA.

        Example: ``ct.codelist("SEX").normalize(pd.Series(["female", "M"]))`` -> ``["F", "M"]``.
        """
        keys = values.astype("string").str.strip().str.upper()
        return keys.map(self._value_map).astype("string")


@dataclass(frozen=True)
class ControlledTerminology:
    """A set of codelists from one or more CT packages (SDTM, ADaM, Define-XML, sponsor)."""

    versions: Mapping[str, str]  # package -> release date, e.g. {"SDTM CT": "2025-09-26"}
    codelists: Mapping[str, Codelist]
    known_codes: Mapping[str, str] = field(default_factory=dict)  # short name -> C-code, incl. codelists without shipped terms
    sources: tuple[str, ...] = ()

    @property
    def version(self) -> str:
        """e.g. ``"SDTM CT 2025-09-26; ADaM CT 2025-09-26"``."""
        return "; ".join(f"{k} {v}" for k, v in self.versions.items())

    def codelist_names(self) -> list[str]:
        return sorted(self.codelists)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None

    def find(self, name: str) -> Codelist | None:
        """The codelist with short name (or NCI C-code) ``name``, or None."""
        found = self.codelists.get(name)
        if found is None and _CODE.match(name or ""):
            found = next((c for c in self.codelists.values() if c.code == name), None)
        return found

    def codelist(self, name: str) -> Codelist:
        found = self.find(name)
        if found is None:
            close = difflib.get_close_matches(str(name).upper(), self.codelists, n=3)
            hint = f"did you mean {', '.join(close)}?" if close else None
            if name in self.known_codes:
                hint = (
                    f"{name} ({self.known_codes[name]}) is referenced by the standards but its terms are not in "
                    "the shipped subset; load a full NCI EVS release with load_ct(path)"
                )
            raise StandardsError(f"unknown codelist {name!r} in controlled terminology {self.version}", hint=hint)
        return found

    def codelist_code(self, short_name: str) -> str | None:
        """NCI C-code of a codelist, also for codelists whose terms are not loaded."""
        found = self.codelists.get(short_name)
        if found is not None:
            return found.code
        return self.known_codes.get(short_name)


def load_ct(path: str | Path | None = None, *, extra: str | Path | Iterable[str | Path] | None = None) -> ControlledTerminology:
    """Load controlled terminology (cached per resolved path; the result is immutable).

    ``path`` None loads the shipped subset; a ``.txt``/``.tsv``/``.csv`` file is read as an
    NCI EVS release; a ``.yaml`` file or a folder of them in our own format is read as such; a
    folder of NCI EVS files (e.g. the SDTM and ADaM releases) is read as one terminology.
    ``extra`` adds a study's sponsor codelists and extensions (a folder or file(s)).
    """
    key = _resolve(path) if path is not None else None
    if extra is None:
        extras: tuple[str, ...] = ()
    elif isinstance(extra, (str, Path)):
        extras = (_resolve(extra),)
    else:
        extras = tuple(_resolve(e) for e in extra)
    return _load_ct_cached(key, extras)


def _resolve(path: str | Path) -> str:
    resolved = Path(path).expanduser().resolve()
    if not resolved.exists():
        raise StandardsError("controlled terminology file or folder not found", Location(resolved))
    return str(resolved)


@lru_cache(maxsize=16)
def _load_ct_cached(path: str | None, extras: tuple[str, ...]) -> ControlledTerminology:
    if path is None:
        base = _load_yaml_set(sorted((specs_dir() / "ct").glob("*.yaml")))
    else:
        p = Path(path)
        if p.is_dir() and any(p.glob("*.yaml")):
            base = _load_yaml_set(sorted(p.glob("*.yaml")))
        elif p.is_dir():
            from .evs import read_evs

            releases = sorted(f for f in p.iterdir() if f.suffix.lower() in (".txt", ".tsv", ".csv"))
            if not releases:
                raise StandardsError("no CT files (*.yaml, or NCI EVS *.txt/*.csv) in this folder", Location(p))
            base = merge_ct([read_evs(f) for f in releases])
        elif p.suffix.lower() in (".yaml", ".yml"):
            base = _load_yaml_set([p])
        else:
            from .evs import read_evs

            base = read_evs(p)
    for extra in extras:
        e = Path(extra)
        files = sorted(e.glob("*.yaml")) if e.is_dir() else [e]
        for file in files:
            base = _apply_extension(base, file)
    return base


def merge_ct(parts: list[ControlledTerminology]) -> ControlledTerminology:
    """Several CT packages as one (e.g. the SDTM and ADaM releases a Define-XML needs).

    A codelist present in two packages must be the same codelist (same NCI code); the first
    copy is kept.
    """
    versions: dict[str, str] = {}
    codelists: dict[str, Codelist] = {}
    known: dict[str, str] = {}
    sources: tuple[str, ...] = ()
    for part in parts:
        versions.update(part.versions)
        for short, cl in part.codelists.items():
            first = codelists.get(short)
            if first is not None and first.code != cl.code:
                raise StandardsError(
                    f"codelist {short} is {first.code} in {first.source} but {cl.code} in {cl.source}", Location(cl.source)
                )
            codelists.setdefault(short, cl)
        for short, code in part.known_codes.items():
            known.setdefault(short, code)
        sources += part.sources
    return ControlledTerminology(
        versions=MappingProxyType(versions), codelists=MappingProxyType(codelists),
        known_codes=MappingProxyType(known), sources=sources,
    )


def _load_yaml_set(files: list[Path]) -> ControlledTerminology:
    if not files:
        raise StandardsError("no controlled terminology files (*.yaml) found", Location(specs_dir() / "ct"))
    versions: dict[str, str] = {}
    codelists: dict[str, Codelist] = {}
    known: dict[str, str] = {}
    for file in files:
        package, version, lists, refs = load_ct_yaml(file)
        versions[package] = version
        for cl in lists:
            if cl.short_name in codelists:
                raise StandardsError(
                    f"codelist {cl.short_name} defined twice (also in {codelists[cl.short_name].source})", Location(file)
                )
            codelists[cl.short_name] = cl
        for short, code in refs.items():
            known.setdefault(short, code)
    for cl in codelists.values():
        if cl.code:
            known.setdefault(cl.short_name, cl.code)
    return ControlledTerminology(
        versions=MappingProxyType(versions), codelists=MappingProxyType(codelists),
        known_codes=MappingProxyType(known), sources=tuple(str(f) for f in files),
    )


def load_ct_yaml(path: Path) -> tuple[str, str, list[Codelist], dict[str, str]]:
    """Parse one CT file of our format -> (package, version, codelists, referenced codelist codes)."""
    path = Path(path)
    return parse_fast_then_located(path, lambda doc: _parse_ct_doc(doc, path))


def _parse_ct_doc(doc, path: Path) -> tuple[str, str, list[Codelist], dict[str, str]]:
    what = f"CT file {path.name}"
    package = require(doc, "package", str, what)
    version = str(require(doc, "version", (str,), what))
    entries = require(doc, "codelists", list, what)
    lists = [_codelist_from_yaml(entry, entries, i, path, sponsor_file=False) for i, entry in enumerate(entries)]
    refs: dict[str, str] = {}
    for i, ref in enumerate(doc.get("referenced", []) or []):
        short = require(ref, "short_name", str, f"{what}, referenced codelist {i + 1}")
        code = require(ref, "code", str, f"{what}, referenced codelist {short}")
        if not _CODE.match(code):
            raise StandardsError(f"referenced codelist {short}: {code!r} is not an NCI C-code", loc_of(doc["referenced"], i))
        refs[short] = code
    return package, version, lists, refs


def _codelist_from_yaml(entry, container, index: int, path: Path, *, sponsor_file: bool) -> Codelist:
    where = loc_of(container, index)
    what = f"{path.name}, codelist {index + 1}"
    short = require(entry, "short_name", str, what)
    what = f"{path.name}, codelist {short}"
    sponsor = bool(entry.get("sponsor", False))
    code = entry.get("code")
    if code is not None and (not isinstance(code, str) or not _CODE.match(code)):
        raise StandardsError(f"{what}: code {code!r} is not an NCI C-code (C followed by digits)", loc_of(container, index))
    if code is None and not (sponsor or entry.get("unverified")):
        raise StandardsError(f"{what}: a CDISC codelist needs its NCI code (or sponsor: true / unverified: true)", where)
    name = require(entry, "name", str, what)
    extensible = require(entry, "extensible", bool, what)
    raw_terms = require(entry, "terms", list, what)
    terms = tuple(_term_from_yaml(t, raw_terms, j, what, extended=sponsor_file) for j, t in enumerate(raw_terms))
    _check_unique(terms, what, where)
    return Codelist(
        short_name=short, code=code, name=name, extensible=extensible, terms=terms, sponsor=sponsor,
        unverified=bool(entry.get("unverified", False)), source=str(path),
    )


def _term_from_yaml(raw, container, index: int, what: str, *, extended: bool) -> Term:
    where = loc_of(container, index)
    if not isinstance(raw, dict):
        raise StandardsError(f"{what}: term {index + 1} must be a mapping with value/code/decode", where)
    unknown = set(raw) - {"value", "code", "decode", "synonyms", "definition", "unverified"}
    if unknown:
        raise StandardsError(f"{what}: term {index + 1} has unknown keys {sorted(unknown)}", where)
    value = raw.get("value")
    if not isinstance(value, str) or not value:
        raise StandardsError(f"{what}: term {index + 1} needs a text value, got {value!r}", where)
    code = raw.get("code")
    unverified = bool(raw.get("unverified", False))
    if code is not None and (not isinstance(code, str) or not _CODE.match(code)):
        raise StandardsError(f"{what}, term {value}: code {code!r} is not an NCI C-code", where)
    if code is None and not (extended or unverified):
        raise StandardsError(f"{what}, term {value}: a CDISC term needs its NCI code, or unverified: true", where)
    synonyms = raw.get("synonyms") or []
    if isinstance(synonyms, str) or not all(isinstance(s, str) for s in synonyms):
        raise StandardsError(f"{what}, term {value}: synonyms must be a list of text", where)
    decode = raw.get("decode")
    return Term(
        value=value, code=code, decode=str(decode) if decode is not None else None, synonyms=tuple(synonyms),
        definition=raw.get("definition"), extended=extended, unverified=unverified,
    )


def _check_unique(terms: tuple[Term, ...], what: str, where: Location | None) -> None:
    values = [t.value for t in terms]
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise StandardsError(f"{what}: duplicate submission values {dupes}", where)


def _apply_extension(ct: ControlledTerminology, path: Path) -> ControlledTerminology:
    """Add a study's sponsor codelists / extended terms / synonyms from ``path``."""
    doc = read_yaml(path)
    what = f"sponsor CT file {path.name}"
    if isinstance(doc, dict) and "codelists" not in doc:
        return _apply_synonym_table(ct, doc, path)
    entries = require(doc, "codelists", list, what)
    codelists = dict(ct.codelists)
    for i, entry in enumerate(entries):
        where = loc_of(entries, i)
        if isinstance(entry, dict) and "extends" in entry:
            target = entry["extends"]
            base = codelists.get(target) if isinstance(target, str) else None
            if base is None:
                raise StandardsError(f"{what}: extends unknown codelist {target!r}", where)
            new_terms = entry.get("terms") or []
            if new_terms and not base.extensible:
                # CDISC: sponsors may not add terms to a non-extensible codelist.
                raise StandardsError(
                    f"{what}: codelist {target} ({base.code}) is not extensible; terms cannot be added", where
                )
            added = tuple(_term_from_yaml(t, new_terms, j, f"{what}, extends {target}", extended=True) for j, t in enumerate(new_terms))
            terms = list(base.terms) + list(added)
            for value, extra_synonyms in (entry.get("synonyms") or {}).items():
                idx = next((k for k, t in enumerate(terms) if t.value == value), None)
                if idx is None:
                    raise StandardsError(f"{what}: synonyms for {value!r}, which is not a term of {target}", where)
                if isinstance(extra_synonyms, str):
                    extra_synonyms = [extra_synonyms]
                terms[idx] = replace(terms[idx], synonyms=terms[idx].synonyms + tuple(str(s) for s in extra_synonyms))
            _check_unique(tuple(terms), f"{what}, extends {target}", where)
            codelists[target] = replace(base, terms=tuple(terms), _by_value={})
        else:
            cl = _codelist_from_yaml(entry, entries, i, path, sponsor_file=True)
            if cl.short_name in codelists:
                raise StandardsError(
                    f"{what}: codelist {cl.short_name} already exists (use 'extends: {cl.short_name}' to add terms)", where
                )
            codelists[cl.short_name] = cl
    versions = dict(ct.versions)
    versions.setdefault("Sponsor", str(doc.get("version", "study")))
    return ControlledTerminology(
        versions=MappingProxyType(versions), codelists=MappingProxyType(codelists),
        known_codes=ct.known_codes, sources=ct.sources + (str(path),),
    )


def _apply_synonym_table(ct: ControlledTerminology, doc, path: Path) -> ControlledTerminology:
    """A plain synonym table ``{CODELIST: {collected text: submission value}}`` (mapping aids only)."""
    codelists = dict(ct.codelists)
    for short, table in doc.items():
        where = doc.location(short) if hasattr(doc, "location") else Location(path)
        base = codelists.get(short)
        if base is None:
            raise StandardsError(f"synonym table {path.name}: unknown codelist {short!r}", where)
        if not isinstance(table, dict):
            raise StandardsError(f"synonym table {path.name}, {short}: expected 'collected text: submission value' pairs", where)
        terms = list(base.terms)
        for text, value in table.items():
            idx = next((k for k, t in enumerate(terms) if t.value == value), None)
            if idx is None:
                raise StandardsError(
                    f"synonym table {path.name}, {short}: {text!r} maps to {value!r}, which is not a term of {short}",
                    table.location(text) if hasattr(table, "location") else where,
                    hint=f"terms: {', '.join(base.values)}",
                )
            terms[idx] = replace(terms[idx], synonyms=terms[idx].synonyms + (str(text),))
        codelists[short] = replace(base, terms=tuple(terms), _by_value={})
    return ControlledTerminology(
        versions=ct.versions, codelists=MappingProxyType(codelists), known_codes=ct.known_codes,
        sources=ct.sources + (str(path),),
    )

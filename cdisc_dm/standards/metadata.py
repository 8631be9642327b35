"""Variable and dataset metadata of a CDISC standard (SDTMIG domains, ADaMIG structures).

These are the facts the implementation guides publish per dataset and variable; they
drive column order, labels, types, required-variable checks and Define-XML. Instances
are immutable because loaders cache them and share one copy between all callers.

Example::

    dm = load_sdtmig().domain("DM")
    dm.variable("SEX").codelist      # 'SEX'
    [v.name for v in dm.variables][:3]   # ['STUDYID', 'DOMAIN', 'USUBJID']
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["VariableMeta", "DomainMeta"]


@dataclass(frozen=True)
class VariableMeta:
    """One variable as the implementation guide defines it.

    ``core`` is Req/Exp/Perm (SDTMIG) or Req/Cond/Perm (ADaMIG). ``codelist`` is the
    CDISC submission value of the codelist (e.g. ``"SEX"``); ``codelists`` lists all of
    them when the IG names several (DSDECOD: NCOMPLT, PROTMLST, OTHEVENT).
    ``value_domain`` is a described value domain (``"ISO 8601 datetime or interval"``,
    ``"MedDRA"``...). ``order`` is the 1-based position in the IG's table.
    """

    name: str
    label: str
    type: str  # "Char" | "Num"
    core: str
    role: str | None
    codelist: str | None
    order: int
    codelists: tuple[str, ...] = ()
    value_domain: str | None = None
    variable_set: str | None = None  # ADaMIG variable grouping, e.g. "Treatment Variables"
    pattern: str | None = None  # ADaMIG indexed name this was expanded from, e.g. "TRTxxP"


@dataclass(frozen=True)
class DomainMeta:
    """A dataset (SDTM domain or ADaM structure) with its variables in IG order.

    ``klass`` is the Define-XML class (``"FINDINGS"``, ``"BASIC DATA STRUCTURE"``...);
    ``keys`` the natural keys the project uses (Define-XML keys are sponsor-defined). Lookups of indexed ADaM names such as
    ``TRT03P`` resolve through ``patterns`` (see :meth:`variable`).
    """

    name: str
    label: str
    klass: str
    structure: str
    keys: tuple[str, ...]
    variables: tuple[VariableMeta, ...]
    source: str = ""  # the shipped file this came from, for error messages
    patterns: tuple[VariableMeta, ...] = ()
    _index: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        self._index.update({v.name: v for v in self.variables})

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def __contains__(self, name: object) -> bool:
        return self.find(name) is not None if isinstance(name, str) else False

    def find(self, name: str) -> VariableMeta | None:
        """The variable called ``name``, or None. Indexed ADaM names match their pattern."""
        var = self._index.get(name)
        if var is not None or not self.patterns:
            return var
        from .patterns import match_pattern  # local: SDTM domains never need it

        return match_pattern(self.patterns, name)

    def variable(self, name: str) -> VariableMeta:
        var = self.find(name)
        if var is None:
            raise KeyError(f"{self.name} has no standard variable {name}")
        return var

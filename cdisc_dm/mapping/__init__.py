"""Mapping specs and the engine that runs them: raw exports -> SDTM datasets.

Parse, resolve, then execute (DESIGN.md principle 3)::

    from cdisc_dm.mapping import load_plan, run_plan
    plan = load_plan("il2dm")                 # every spec parsed and checked; no data read
    print(plan.to_json())                     # inspectable, as `cdisc-dm convert --plan`
    result = run_plan(plan, raw, study)       # MappingResult: package, report, lineage, dropped

The spec language is documented in ``docs/mapping-spec.md``; the algorithm catalog lives in
``cdisc_dm/mapping/algorithms/`` (one module per spec word) and is listed by
:func:`algorithms`. :func:`spec_schema` is the JSON Schema of a spec file, generated from
the catalog.
"""
from __future__ import annotations

from .engine import MappingResult, check_raw, run_plan
from .plan import Plan, check_dictionary, load_plan
from .registry import Algorithm, algorithms, register, spec_schema
from .spec import DatasetSpec, load_spec

__all__ = [
    "load_plan", "Plan", "check_dictionary", "run_plan", "check_raw", "MappingResult",
    "load_spec", "DatasetSpec", "algorithms", "Algorithm", "register", "spec_schema",
]

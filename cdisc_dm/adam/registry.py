"""Derivation name -> function: the only functions an ADaM spec can call (no eval of strings).

The names are those of the derivation library (:mod:`cdisc_dm.adam.derivations`) plus the generic
spec steps of :mod:`cdisc_dm.adam.steps`. ``specs/schemas/adam-spec.schema.json`` lists the same
names (a test ties them). Each function's ``.method`` becomes the Define-XML method of the
variables it creates. Example::

    >>> REGISTRY["derive_var_chg"].method
    'CHG = AVAL - BASE (missing when either is missing).'

Argument kinds: the engine turns spec values into Python objects by argument name, never by
evaluating text: ``CONDITION_ARGS`` take a structured condition, ``DATASET_ARGS`` the name of a
dataset (SDTM input, ADaM dataset derived earlier, or a frame of the spec), ``TABLE_ARGS`` the
name of a table of the spec (a CSV shipped next to it).
"""
from __future__ import annotations

from collections.abc import Callable

from . import steps
from .derivations import (
    derive_extreme_records, derive_param_haqdi, derive_param_mmt8, derive_param_tis, derive_var_ablfl,
    derive_var_anl01fl, derive_var_anrind, derive_var_base, derive_var_chg, derive_var_compliance,
    derive_var_extreme_flag, derive_var_merged_exist_flag, derive_var_merged_summary, derive_var_pchg,
    derive_var_threshold_range, derive_var_trtdurd, derive_var_trtemfl, derive_vars_avisit, derive_vars_dt,
    derive_vars_dtm, derive_vars_dy, derive_vars_if_absent, derive_vars_merged, derive_vars_period,
    derive_vars_suppqual, derive_vars_trtdt_period,
)

__all__ = ["REGISTRY", "CONDITION_ARGS", "DATASET_ARGS", "TABLE_ARGS", "TUPLE_MAP_ARGS", "names"]

REGISTRY: dict[str, Callable] = {f.__name__: f for f in (
    derive_vars_merged, derive_var_merged_exist_flag, derive_vars_trtdt_period, derive_vars_dt, derive_vars_dtm,
    derive_vars_dy, derive_var_ablfl, derive_var_base, derive_var_chg, derive_var_pchg, derive_var_anrind,
    derive_vars_avisit, derive_var_anl01fl, derive_vars_period, derive_var_trtemfl, derive_var_extreme_flag,
    derive_param_mmt8, derive_param_haqdi, derive_param_tis,
    derive_var_trtdurd, derive_var_merged_summary, derive_var_compliance, derive_vars_suppqual,
    derive_vars_if_absent, derive_extreme_records, derive_var_threshold_range,
    steps.derive_vars_copy, steps.derive_var_case_when, steps.derive_vars_agegr, steps.derive_vars_supp,
    steps.derive_var_uln_multiple, steps.derive_var_paste, steps.derive_var_date_offset, steps.derive_records_appended, steps.derive_param_imacs_doi,
)}

#: arguments whose spec value is a structured condition (compiled to a ``frame -> mask`` callable)
CONDITION_ARGS = frozenset({"filter", "filter_add", "filter_ex", "condition"})
#: arguments whose spec value names a dataset
DATASET_ARGS = frozenset({"dataset_add", "dataset_adsl", "dataset_ex", "dataset_supp"})
#: arguments whose spec value names a table of the spec
TABLE_ARGS = frozenset({"windows", "breaks"})
#: mapping arguments whose list values become tuples (MMT-8 items: code -> (group, side))
TUPLE_MAP_ARGS = frozenset({"items"})


def names() -> list[str]:
    """The registered derivation names, sorted (what the schema's ``call`` enum must list)."""
    return sorted(REGISTRY)

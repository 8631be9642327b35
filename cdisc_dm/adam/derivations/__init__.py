"""One module per derivation family, named after the function it defines (admiral's layout).

Every public ``derive_*``/``compute_*`` function carries a ``method`` attribute: one sentence for the
Define-XML MethodDef of the variable or parameter it produces, so Define describes what actually ran.
"""
from __future__ import annotations

from .assert_data import DerivationError, assert_data_has_vars, assert_unique_keys
from .compute_agegr import compute_agegr
from .compute_imacs_doi import compute_imacs_doi
from .compute_tis import compute_improvement_pct, compute_tis, compute_tis_category, compute_tis_points
from .compute_uln_multiple import compute_uln_multiple
from .derive_param_haqdi import compute_haqdi, derive_param_haqdi
from .derive_param_mmt8 import MMT8_ITEMS, compute_mmt8, derive_param_mmt8
from .derive_param_tis import derive_param_tis
from .derive_var_ablfl import derive_var_ablfl
from .derive_var_anl01fl import derive_var_anl01fl
from .derive_var_anrind import compute_anrind, derive_var_anrind
from .derive_var_base import derive_var_base
from .derive_var_chg import compute_chg, derive_var_chg
from .derive_var_extreme_flag import derive_var_extreme_flag
from .derive_var_merged_exist_flag import derive_var_merged_exist_flag
from .derive_var_pchg import compute_pchg, derive_var_pchg
from .derive_var_trtemfl import derive_var_trtemfl
from .derive_vars_avisit import derive_vars_avisit
from .derive_vars_dt import derive_vars_dt
from .derive_vars_dtm import derive_vars_dtm
from .derive_vars_dy import derive_vars_dy
from .derive_vars_merged import derive_vars_merged
from .derive_vars_period import derive_vars_period
from .derive_vars_trtdt_period import derive_vars_trtdt_period
from .derive_extreme_records import derive_extreme_records
from .derive_var_compliance import compute_compliance, derive_var_compliance
from .derive_var_merged_summary import derive_var_merged_summary
from .derive_var_threshold_range import derive_var_threshold_range
from .derive_var_trtdurd import compute_duration_days, derive_var_trtdurd
from .derive_vars_if_absent import derive_vars_if_absent
from .derive_vars_suppqual import derive_vars_suppqual

__all__ = [
    "DerivationError",
    "assert_data_has_vars",
    "assert_unique_keys",
    "compute_agegr",
    "compute_anrind",
    "compute_chg",
    "compute_haqdi",
    "compute_imacs_doi",
    "compute_improvement_pct",
    "compute_mmt8",
    "compute_pchg",
    "compute_tis",
    "compute_tis_category",
    "compute_tis_points",
    "compute_uln_multiple",
    "derive_param_haqdi",
    "derive_param_mmt8",
    "derive_param_tis",
    "derive_var_ablfl",
    "derive_var_anl01fl",
    "derive_var_anrind",
    "derive_var_base",
    "derive_var_chg",
    "derive_var_extreme_flag",
    "derive_var_merged_exist_flag",
    "derive_var_pchg",
    "derive_var_trtemfl",
    "derive_vars_avisit",
    "derive_vars_dt",
    "derive_vars_dtm",
    "derive_vars_dy",
    "derive_vars_merged",
    "derive_vars_period",
    "derive_vars_trtdt_period",
    "derive_extreme_records",
    "compute_compliance",
    "derive_var_compliance",
    "derive_var_merged_summary",
    "derive_var_threshold_range",
    "compute_duration_days",
    "derive_var_trtdurd",
    "derive_vars_if_absent",
    "derive_vars_suppqual",
    "MMT8_ITEMS",
    "METHODS",
]

#: function name -> Define-XML method sentence, for every public derivation
METHODS: dict[str, str] = {
    name: obj.method for name, obj in list(globals().items())
    if name.startswith(("derive_", "compute_")) and callable(obj) and hasattr(obj, "method")
}

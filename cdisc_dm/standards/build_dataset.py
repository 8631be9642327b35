"""Attach standard metadata to a frame: the bridge from a mapped DataFrame to a :class:`Dataset`.

Example::

    ds = build_dataset("DM", frame, overrides={"SEX": {"origin": "Collected", "source": "DM.SEX"}})
    ds.names[:3]            # ['STUDYID', 'DOMAIN', 'USUBJID'] whatever the frame's column order
    ds.variable("SEX").codelist   # 'SEX'

    adlb = build_dataset("ADLB", frame, standard="ADaMIG 1.3", structure="BDS")
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from ..dataset import Dataset, ValueLevel, Variable
from ..errors import StandardsError
from .metadata import VariableMeta

__all__ = ["build_dataset", "parse_standard"]

# Keys an override may set; they map onto Variable fields of the same name.
_OVERRIDE_KEYS = {
    "label", "type", "length", "codelist", "origin", "source", "method", "method_name", "comment",
    "role", "core", "display_format", "data_type", "significant_digits", "value_level",
}
_STANDARD = re.compile(r"^\s*(SDTMIG|ADAMIG)\s*V?\s*(\d+\.\d+)\s*$", re.IGNORECASE)


def parse_standard(standard: str) -> tuple[str, str]:
    """``"SDTMIG 3.4"`` -> ``("SDTMIG", "3.4")``; ``"ADaMIG v1.3"`` -> ``("ADaMIG", "1.3")``."""
    match = _STANDARD.match(str(standard))
    if not match:
        raise StandardsError(
            f"unknown standard {standard!r}", hint='expected e.g. "SDTMIG 3.4" or "ADaMIG 1.3"'
        )
    family = "SDTMIG" if match.group(1).upper() == "SDTMIG" else "ADaMIG"
    return family, match.group(2)


def build_dataset(
    name: str,
    frame: pd.DataFrame,
    *,
    standard: str = "SDTMIG 3.4",
    overrides: Mapping[str, Mapping] | None = None,
    label: str | None = None,
    structure: str | None = None,
) -> Dataset:
    """Return a :class:`Dataset` of ``frame`` with the standard's metadata.

    Columns are put in the standard's order, then sponsor variables (known only from
    ``overrides``, which must give their ``label`` and ``type``) in the frame's order. Rows
    keep their order and index; ``frame`` is not modified. A column the standard does not
    know and ``overrides`` does not describe raises :class:`StandardsError` naming it.

    ``structure`` picks the ADaM structure ("BDS", "OCCDS") of a dataset other than ADSL.
    """
    family, version = parse_standard(standard)
    overrides = dict(overrides or {})
    name = str(name).upper()
    if family == "SDTMIG":
        from .sdtmig import load_sdtmig

        ig = load_sdtmig(version)
        meta = ig.domain(name)
        supp = name.startswith("SUPP") and name != "SUPPQUAL" and meta.name == name
        domain = None if supp else ig.parent_domain(name) if name != "SUPPQUAL" else None
        parent = name[4:] if supp else None
    else:
        from .adamig import load_adamig

        meta = load_adamig(version).resolve(name, structure)
        domain, parent = None, None
    std_label = f"{family} {version}"

    columns = list(frame.columns)
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise StandardsError(f"dataset {name}: duplicate columns {dupes}")
    stray = sorted(set(overrides) - set(map(str, columns)))
    if stray:
        raise StandardsError(
            f"dataset {name}: overrides given for {stray}, which the frame does not have",
            hint=f"frame columns: {', '.join(map(str, columns))}",
        )

    standard_vars: list[tuple[int, str, Variable]] = []
    copied_vars: list[Variable] = []
    sponsor_vars: list[Variable] = []
    unknown: list[str] = []
    for column in columns:
        col = str(column)
        over = overrides.get(col, {})
        bad_keys = sorted(set(over) - _OVERRIDE_KEYS)
        if bad_keys:
            raise StandardsError(
                f"dataset {name}, variable {col}: unknown override keys {bad_keys}",
                hint=f"allowed: {', '.join(sorted(_OVERRIDE_KEYS))}",
            )
        var_meta = meta.find(col)
        if var_meta is None and family == "ADaMIG" and not ("label" in over and "type" in over):
            sdtm_meta = _sdtm_variable(col)
            if sdtm_meta is not None:
                # ADaMIG 1.3: a variable copied unchanged from SDTM keeps its SDTM name, label and type.
                copied_vars.append(_variable_from_meta(name, sdtm_meta, over, keep_role=False))
                continue
        if var_meta is None:
            if "label" in over and "type" in over:
                sponsor_vars.append(_variable_from_override(name, col, over))
            else:
                unknown.append(col)
            continue
        standard_vars.append((var_meta.order, col, _variable_from_meta(name, var_meta, over)))
    if unknown:
        raise StandardsError(
            f"dataset {name}: columns {unknown} are not {std_label} variables of {meta.name}",
            hint="fix the variable name, or declare a sponsor variable with overrides={NAME: {'label': ..., 'type': 'Char'|'Num'}}"
            + ("; non-standard qualifiers of SDTM domains belong in SUPP--" if family == "SDTMIG" else ""),
        )
    # Indexed ADaM variables share their pattern's order; the name breaks the tie (TRT01P before TRT02P).
    ordered = [v for _, _, v in sorted(standard_vars, key=lambda t: (t[0], t[1]))] + copied_vars + sponsor_vars
    for var in ordered:
        _check_type(name, var, frame[var.name])
    names = [v.name for v in ordered]
    data = frame.loc[:, names] if names != columns else frame.copy(deep=False)
    return Dataset(
        name=name,
        label=label if label is not None else meta.label,
        data=data,
        variables=ordered,
        klass=meta.klass,
        structure=meta.structure,
        keys=[k for k in meta.keys if k in names],
        domain=domain,
        parent=parent,
        standard=std_label,
    )


def _sdtm_variable(name: str) -> VariableMeta | None:
    from .sdtmig import load_sdtmig

    return load_sdtmig().variable_anywhere(name)


def _variable_from_meta(dataset: str, meta: VariableMeta, over: Mapping, *, keep_role: bool = True) -> Variable:
    fields = dict(
        name=meta.name, label=meta.label, type=meta.type, codelist=meta.codelist,
        role=meta.role if keep_role else None, core=meta.core if keep_role else None,
    )
    fields.update(_checked_override(dataset, meta.name, over))
    if fields["type"] != meta.type:
        raise StandardsError(
            f"dataset {dataset}, variable {meta.name}: the standard defines type {meta.type}, override says {fields['type']}"
        )
    return Variable(**fields)


def _variable_from_override(dataset: str, name: str, over: Mapping) -> Variable:
    fields = _checked_override(dataset, name, over)
    if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,7}", name):
        raise StandardsError(
            f"dataset {dataset}: sponsor variable name {name!r} must be 1-8 upper-case letters, digits or _"
        )
    return Variable(name=name, **fields)


def _checked_override(dataset: str, name: str, over: Mapping) -> dict:
    fields = dict(over)
    if "type" in fields and fields["type"] not in ("Char", "Num"):
        raise StandardsError(f"dataset {dataset}, variable {name}: type must be 'Char' or 'Num', got {fields['type']!r}")
    if "label" in fields and (not isinstance(fields["label"], str) or not fields["label"].strip()):
        raise StandardsError(f"dataset {dataset}, variable {name}: label must be a non-empty string")
    if "value_level" in fields:
        vl = fields["value_level"]
        if not all(isinstance(item, ValueLevel) for item in vl):
            raise StandardsError(f"dataset {dataset}, variable {name}: value_level must be ValueLevel objects")
        fields["value_level"] = tuple(vl)
    return fields


def _check_type(dataset: str, var: Variable, column: pd.Series) -> None:
    """A Num variable needs numbers (or datetimes, which writers convert); a Char one needs text.

    An all-missing column fits either type (an empty Perm variable is common).
    """
    dtype = column.dtype
    if var.type == "Num":
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            return
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            return
    else:
        if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
            return
        if isinstance(dtype, pd.CategoricalDtype):
            return
    if column.isna().all():
        return
    raise StandardsError(
        f"dataset {dataset}, variable {var.name}: type {var.type} but the column has dtype {dtype}",
        hint="convert the column before building the dataset (numbers for Num, text for Char)",
    )

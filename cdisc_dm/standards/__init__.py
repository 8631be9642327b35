"""CDISC standards metadata: SDTMIG and ADaMIG variables, controlled terminology, and
:func:`build_dataset`, which puts a frame into a :class:`~cdisc_dm.dataset.Dataset` with
that metadata.

Example::

    from cdisc_dm.standards import load_sdtmig, load_adamig, load_ct, build_dataset
    load_sdtmig().domain("DM").variable("SEX").codelist    # 'SEX'
    load_adamig().dataset("ADSL").variable("TRT01P").label  # 'Planned Treatment for Period 01'
    load_ct().codelist("SEX").code                          # 'C66731'
    ds = build_dataset("DM", frame)
"""
from __future__ import annotations

from .adamig import AdamIG, load_adamig
from .build_dataset import build_dataset
from .compare_ct import compare_ct
from .ct import Codelist, ControlledTerminology, Term, load_ct
from .evs import read_evs
from .metadata import DomainMeta, VariableMeta
from .sdtmig import SdtmIG, load_sdtmig

__all__ = [
    "build_dataset",
    "load_sdtmig",
    "load_adamig",
    "load_ct",
    "read_evs",
    "compare_ct",
    "SdtmIG",
    "AdamIG",
    "DomainMeta",
    "VariableMeta",
    "ControlledTerminology",
    "Codelist",
    "Term",
]

"""Synthetic raw exports of the IL-2 dermatomyositis study (``cdisc-dm synth``).

What the EDC and the labs would deliver: one CSV per CRF form, a long lab transfer and a
data dictionary, with the messiness of real exports at stated rates (docs/raw-export.md)::

    from cdisc_dm.synth import synthesize, MessRates
    summary = synthesize("raw", subjects=240, seed=7)
    summary.screened, summary.by_arm        # (about 300, {'IL2': 120, 'PBO': 120})
"""
from __future__ import annotations

from .config import MessRates, TrialRates
from .synthesize import SynthSummary, synthesize

__all__ = ["synthesize", "SynthSummary", "MessRates", "TrialRates"]

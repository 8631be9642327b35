"""The disease course behind the core set measures and the immunology.

Each randomized subject has a responsiveness ``s`` (0-1.5); the share of baseline disease
activity resolved at study day ``t`` is ``s * E(arm, t)``: on IL-2 ``E`` rises towards
0.5 with a 40-day time constant from Day 1; on placebo it rises to 0.15 during the blinded
period and then, once the subject switches to open-label IL-2, towards 0.5 as well. This
gives the IL-2 > placebo difference at the end of the blinded period and improvement in
both arms in the open-label period::

    >>> import numpy as np
    >>> from cdisc_dm.synth.disease import expected_effect
    >>> expected_effect(np.array([0, 1]), np.array([85, 85]), 85).round(3).tolist()
    [0.439, 0.132]
"""
from __future__ import annotations

import numpy as np

__all__ = ["expected_effect", "days_on_il2", "E_MAX_IL2", "E_MAX_PBO", "TAU"]

E_MAX_IL2 = 0.50
E_MAX_PBO = 0.15
TAU = 40.0


def expected_effect(arm: np.ndarray, sday: np.ndarray, ol_day: int) -> np.ndarray:
    """Resolved share of baseline activity for a fully responsive subject (arm 0 IL-2, 1 placebo)."""
    x = np.maximum(np.asarray(sday, float) - 1.0, 0.0)
    il2 = E_MAX_IL2 * (1 - np.exp(-x / TAU))
    pbo_blind = E_MAX_PBO * (1 - np.exp(-np.minimum(x, ol_day - 1) / TAU))
    after = np.maximum(np.asarray(sday, float) - ol_day, 0.0)
    pbo = pbo_blind + (E_MAX_IL2 - pbo_blind) * (1 - np.exp(-after / TAU))
    return np.where(np.asarray(arm) == 0, il2, pbo)


def days_on_il2(arm: np.ndarray, sday: np.ndarray, ol_day: int, last_dose_sday: np.ndarray) -> np.ndarray:
    """Days of IL-2 exposure by study day ``sday`` (0 before the first IL-2 dose)."""
    start = np.where(np.asarray(arm) == 0, 1, ol_day)
    stop = np.minimum(np.asarray(sday), last_dose_sday)
    return np.maximum(stop - start + 1, 0)

"""CRF date text as each site writes it: the site's style, style slips, partial dates.

    >>> import numpy as np
    >>> from cdisc_dm.synth.config import MessRates
    >>> from cdisc_dm.synth.crf_dates import site_styles
    >>> site_styles(["01", "04", "07"], MessRates()).tolist()
    [0, 1, 2]
"""
from __future__ import annotations

import numpy as np

from ..errors import UsageError
from .config import DATE_STYLES, MessRates
from .textfmt import STYLE_CRF, STYLE_DMY, STYLE_ISO, format_partial_dates

__all__ = ["site_styles", "crf_dates"]

_CODE = {"crf": STYLE_CRF, "iso": STYLE_ISO, "dmy": STYLE_DMY}


def site_styles(siteids: list[str], mess: MessRates) -> np.ndarray:
    for site, style in mess.site_date_style.items():
        if style not in DATE_STYLES:
            raise UsageError(f"MessRates.site_date_style: site {site!r} has style {style!r}; expected one of {sorted(DATE_STYLES)}")
    return np.array([_CODE[mess.site_date_style.get(s, "crf")] for s in siteids], dtype=np.int64)


def crf_dates(days: np.ndarray, site_idx: np.ndarray, styles: np.ndarray, mess: MessRates,
              rng: np.random.Generator, partial: tuple[float, float] | None = None) -> np.ndarray:
    """Date text for dates ``days`` entered at sites ``site_idx``.

    ``partial`` = (rate day unknown, rate day and month unknown) for fields that allow partial dates.
    Random draws are made for every value so the stream does not depend on the data.
    """
    days = np.asarray(days, dtype=np.int64)
    n = len(days)
    style = styles[site_idx]
    slip = (style == STYLE_CRF) & (rng.random(n) < mess.date_style_slip)
    style = np.where(slip, STYLE_ISO, style)
    u = rng.random(n)
    level = np.zeros(n, np.int64)
    if partial is not None:
        p_day, p_month = partial
        level = np.where(u < p_day, 1, np.where(u < p_day + p_month, 2, 0))
    return format_partial_dates(days, style, level)

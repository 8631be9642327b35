"""Every bucket boundary of every TIS measure, against the published table typed in here by hand.

Table: Aggarwal R et al., 2016 ACR/EULAR criteria for minimal, moderate and major clinical response in
adult DM/PM, Ann Rheum Dis 2017;76:792 (conjoint-analysis points; Rider LG et al., Rheumatology
2017;56:1884, Table 3), as reproduced in ../shared/DOMAIN.md. It is written out again here, NOT imported
from the code, so a typo in the code's table fails these tests.
"""
from __future__ import annotations

import pytest

from cdisc_dm.adam.derivations import compute_tis_points

# measure: (bucket upper bounds in %, points for <=b1, (b1,b2], (b2,b3], (b3,b4], >b4)
PUBLISHED = {
    "PHYSICIAN_GLOBAL": ((5, 15, 25, 40), (0, 7.5, 15, 17.5, 20)),
    "PATIENT_GLOBAL": ((5, 15, 25, 40), (0, 2.5, 5, 7.5, 10)),
    "MMT8": ((2, 10, 20, 30), (0, 10, 20, 27.5, 32.5)),
    "HAQ": ((5, 15, 25, 40), (0, 5, 7.5, 7.5, 10)),
    "ENZYME": ((5, 15, 25, 40), (0, 2.5, 5, 7.5, 7.5)),
    "EXTRAMUSCULAR": ((5, 15, 25, 40), (0, 7.5, 12.5, 15, 20)),
}

CASES = []
for measure, (bounds, points) in PUBLISHED.items():
    CASES.append((measure, -30.0, 0.0))      # worsening scores 0
    CASES.append((measure, 0.0, 0.0))
    for i, b in enumerate(bounds):
        CASES.append((measure, float(b), float(points[i])))           # ">5-15%" means 5 < x <= 15: b is in the lower bucket
        CASES.append((measure, b + 0.001, float(points[i + 1])))      # just above b: next bucket
    CASES.append((measure, 100.0, float(points[-1])))


@pytest.mark.parametrize("measure,pct,expected", CASES, ids=[f"{m}:{p}" for m, p, _ in CASES])
def test_every_boundary(measure, pct, expected):
    assert compute_tis_points(measure, [pct])[0] == expected


def test_maximum_points_sum_to_100():
    assert sum(points[-1] for _, points in PUBLISHED.values()) == 100

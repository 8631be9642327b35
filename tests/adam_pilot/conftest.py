"""One run of our CDISC pilot specs (mappings/cdiscpilot01/adam/) on the pilot's SDTM, shared by the tests."""
from __future__ import annotations

import pytest

from pilot_compare import pilot_sdtm, read


@pytest.fixture(scope="session")
def pilot_run():
    from cdisc_dm.adam.engine import run_adam_plan
    from cdisc_dm.adam.spec import load_adam_plan

    plan = load_adam_plan("cdiscpilot01")
    result = run_adam_plan(plan, pilot_sdtm())
    pilot = {name.upper(): read("adam", name) for name in ("adsl", "adae", "advs", "adlbc", "adlbh")}
    return {"result": result, "adam": {ds.name: ds.data for ds in result.package}, "pilot": pilot,
            "sdtm": pilot_sdtm()}

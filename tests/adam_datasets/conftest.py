"""One shared run for the ADaM dataset tests: synthesize 40 subjects, convert to SDTM, derive ADaM."""
from __future__ import annotations

import pytest

synth = pytest.importorskip("cdisc_dm.synth")


@pytest.fixture(scope="session")
def adam_run(tmp_path_factory):
    from cdisc_dm.convert import convert
    from cdisc_dm.derive import derive, read_sdtm

    base = tmp_path_factory.mktemp("adam_run")
    synth.synthesize(base / "raw", subjects=40, seed=23)
    convert(base / "raw", "il2dm", base / "run", created="2026-01-01T00:00:00")
    result = derive(base / "run", "il2dm", base / "run", created="2026-01-01T00:00:00")
    return {"result": result, "sdtm": read_sdtm(base / "run"), "base": base,
            "adam": {ds.name: ds.data for ds in result.package}}

"""A small IL-2 SDTM package (synthesized and converted once per session) for the ADSL gap tests."""
from __future__ import annotations

import pytest

synth = pytest.importorskip("cdisc_dm.synth")


@pytest.fixture(scope="session")
def il2_sdtm(tmp_path_factory):
    from cdisc_dm.convert import convert
    from cdisc_dm.derive import read_sdtm

    base = tmp_path_factory.mktemp("il2_gaps")
    synth.synthesize(base / "raw", subjects=30, seed=5)
    convert(base / "raw", "il2dm", base / "run", created="2026-01-01T00:00:00")
    return read_sdtm(base / "run")

"""Fixtures for the Define-XML tests: a small hand-built SDTM package whose metadata says
where each value came from (origins, methods, comments, value-level metadata, codelists),
the way the conversion sets it, plus the study's controlled terminology."""
from __future__ import annotations

import pytest

from define_fixtures import CREATED, SEQ_METHOD, STUDY, TEST_CT, USUBJID_METHOD, make_package  # noqa: F401
from cdisc_dm.dataset import Package
from cdisc_dm.resources import study_dir
from cdisc_dm.standards import load_ct


@pytest.fixture(scope="session")
def ct():
    return load_ct(extra=TEST_CT)


@pytest.fixture(scope="session")
def study_folder(tmp_path_factory):
    """A study folder with the built-in study's definition and the test sponsor terminology."""
    import shutil

    folder = tmp_path_factory.mktemp("study") / "il2dm"
    (folder / "ct").mkdir(parents=True)
    shutil.copy(study_dir("il2dm") / "study.yaml", folder / "study.yaml")
    shutil.copy(TEST_CT / "sponsor.yaml", folder / "ct" / "sponsor.yaml")
    return folder


@pytest.fixture()
def package() -> Package:
    return make_package()

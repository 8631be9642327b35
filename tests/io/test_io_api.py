"""The public surface of cdisc_dm.io: what __all__ promises exists and is documented."""
from __future__ import annotations

import inspect

import cdisc_dm.io as io


def test_all_names_exist_and_functions_have_docstrings():
    for name in io.__all__:
        obj = getattr(io, name)
        if inspect.isfunction(obj):
            assert obj.__doc__ and obj.__doc__.strip(), f"cdisc_dm.io.{name} has no docstring"


def test_contract_signatures():
    # /notes/contracts.md: the keyword names other helpers call
    assert "creation_datetime" in inspect.signature(io.write_xpt).parameters
    json_params = inspect.signature(io.write_dataset_json).parameters
    for name in ("ndjson", "study_oid", "metadata_version_oid", "creation_datetime"):
        assert json_params[name].kind is inspect.Parameter.KEYWORD_ONLY
    pkg_params = inspect.signature(io.write_package).parameters
    assert pkg_params["formats"].default == ("xpt", "json") and "creation_datetime" in pkg_params


def test_docstring_examples_run():
    import doctest

    from cdisc_dm.io import ibm_float, oids

    for module in (ibm_float, oids):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__

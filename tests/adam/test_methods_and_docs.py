"""Every public derivation carries a Define-ready method sentence and a docstring example that runs."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import cdisc_dm.adam.derivations as pkg

MODULES = [m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")]
PUBLIC = [n for n in pkg.__all__ if n.startswith(("derive_", "compute_"))]


@pytest.mark.parametrize("name", PUBLIC)
def test_method_sentence(name):
    method = getattr(pkg, name).method
    assert isinstance(method, str) and 20 <= len(method) <= 400 and method.endswith(".")


@pytest.mark.parametrize("module", MODULES)
def test_module_named_after_what_it_defines_and_examples_run(module):
    mod = importlib.import_module(f"{pkg.__name__}.{module}")
    # assert_data holds the assert_* family (assert_data_has_vars, assert_unique_keys)
    assert module in mod.__all__ or module == "assert_data", module
    assert ">>>" in (mod.__doc__ or "")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    assert result.failed == 0


def test_methods_registry_covers_every_public_function():
    assert sorted(pkg.METHODS) == sorted(PUBLIC)


def test_all_lists_exactly_the_public_names():
    import inspect
    public = {n for n, v in vars(pkg).items() if not n.startswith("_") and not inspect.ismodule(v)} - {"annotations"}
    assert public == set(pkg.__all__)

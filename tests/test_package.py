"""The package surface: public names, the CLI contract, shipped resources."""
from __future__ import annotations

import subprocess
import sys

import cdisc_dm
from cdisc_dm.cli import main
from cdisc_dm.resources import mappings_dir, specs_dir


def test_all_names_exist_and_are_public():
    assert cdisc_dm.__all__, "the package must declare its public API"
    for name in cdisc_dm.__all__:
        assert hasattr(cdisc_dm, name), f"cdisc_dm.__all__ lists {name} but the package has no such attribute"
    public = {n for n in vars(cdisc_dm) if not n.startswith("_") and not __import__("inspect").ismodule(getattr(cdisc_dm, n))}
    undeclared = public - set(cdisc_dm.__all__) - {"annotations"}
    assert not undeclared, f"public names missing from __all__: {sorted(undeclared)}"


def test_specs_and_mappings_ship_with_the_package():
    assert (mappings_dir() / "il2dm").is_dir()
    assert specs_dir().is_dir()


def test_cli_unknown_option_exits_2_with_one_line(capsys):
    try:
        main(["--no-such-option"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unrecognized arguments" in err


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "cdisc_dm.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and cdisc_dm.__version__ in out.stdout

"""Helpers of the LB tests (a uniquely named module: several test folders have a conftest.py)."""
from __future__ import annotations

import shutil
from pathlib import Path


def copy_export(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest

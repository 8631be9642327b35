"""Write a report file atomically: a temp file in the same folder, then one rename.

A reader (a CI job, a browser with the report open) never sees a half-written report, and
a failed run leaves the previous report in place instead of a truncated one.

Example::

    with atomic_target(Path("reports/validation.xlsx")) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp))   # writes to the temp path
        ...
    # the finished file is now reports/validation.xlsx
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_target", "write_bytes_atomic"]


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temp path next to ``path``; rename it onto ``path`` when the block succeeds."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # Created with mode 0o666 filtered by the umask, so the final file has the same
    # permissions as any other file the user writes (mkstemp would give 0o600).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return ``path``."""
    path = Path(path)
    with atomic_target(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return path

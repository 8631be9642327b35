"""Detect the text encoding of a raw export file, byte-exactly.

Order of detection (first that fits wins):

1. a byte-order mark: UTF-8 (``utf-8-sig``, as Excel writes "CSV UTF-8") or UTF-16
   (Excel's "Unicode text");
2. strict UTF-8 over the whole file (an ASCII file is reported as ``utf-8``);
3. strict GB18030, the Chinese national standard that Chinese hospital and EDC
   systems export in (a superset of GBK and GB2312).

There is deliberately no single-byte fallback such as Latin-1: Latin-1 decodes any
byte sequence, so it would turn a damaged or unexpected file into silent mojibake.
When nothing fits, :class:`RawInputError` names the file and the byte offset where
UTF-8 and GB18030 failed; the caller may then pass ``encoding=`` explicitly.
Known ambiguity: a Windows-1252 file can be valid GB18030 byte-wise (``é`` + a
letter); such a file must be read with an explicit ``encoding="cp1252"``.

>>> detect_encoding(Path("edc/DM.csv"))            # doctest: +SKIP
'utf-8'
"""
from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import Location, RawInputError

__all__ = ["detect_encoding", "FALLBACK_ENCODINGS"]

FALLBACK_ENCODINGS: tuple[str, ...] = ("utf-8", "gb18030")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHUNK = 1 << 24


def _first_bad_offset(path: Path, encoding: str) -> int | None:
    """Byte offset of the first undecodable byte, or None when the file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    fed = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            final = not chunk
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                return fed - pending + exc.start
            if final:
                return None
            fed += len(chunk)


def detect_encoding(path: Path, encoding: str | None = None) -> str:
    """Return the codec name to read ``path`` with; RawInputError if none fits.

    With ``encoding`` given, the file is checked against it (a wrong explicit
    encoding is an error naming the offset, not mojibake).
    """
    path = Path(path)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise RawInputError(f"unknown text encoding {encoding!r}", Location(file=path)) from None
        bad = _first_bad_offset(path, encoding)
        if bad is not None:
            raise RawInputError(
                f"cannot be decoded as {encoding}: invalid byte at offset {bad}",
                Location(file=path),
            )
        return encoding
    with open(path, "rb") as fh:
        head = fh.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            bad = _first_bad_offset(path, name)
            if bad is not None:
                raise RawInputError(
                    f"starts with a {name} byte-order mark but has an invalid byte at offset {bad}",
                    Location(file=path),
                )
            return name
    failures = []
    for name in FALLBACK_ENCODINGS:
        bad = _first_bad_offset(path, name)
        if bad is None:
            return name
        failures.append(f"{name} fails at byte offset {bad}")
    raise RawInputError(
        "text encoding not recognised: " + "; ".join(failures),
        Location(file=path),
        hint="pass encoding= explicitly if the sender used another encoding",
    )

"""Reading zip exports safely: members are read in memory by name, never extracted."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from boneimu.errors import CorruptFileError, UnsafeArchiveError

MAX_TOTAL_UNCOMPRESSED_BYTES = 8 * 1024**3
"""8 GiB: a 24 h, 200 Hz Sensor Logger export is well under 2 GiB."""
MAX_COMPRESSION_RATIO = 200.0
"""CSV of sensor numbers compresses 3-10x; a far higher ratio is a zip bomb."""
MAX_MEMBERS = 10_000


def open_zip(path: str | Path) -> zipfile.ZipFile:
    """Open and vet a zip archive: refuse bombs, absolute or escaping member paths."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise CorruptFileError(path, f"not a readable zip archive ({exc})") from None
    except OSError as exc:
        raise CorruptFileError(path, f"cannot open ({exc.strerror or exc})") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        zf.close()
        raise UnsafeArchiveError(path, f"zip has {len(infos)} members (limit {MAX_MEMBERS})")
    total = 0
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
            zf.close()
            raise UnsafeArchiveError(path, f"zip member {name!r} points outside the archive")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024**2 and ratio > MAX_COMPRESSION_RATIO:
            zf.close()
            raise UnsafeArchiveError(
                path, f"zip member {name!r} expands {ratio:.0f}x (a zip bomb?); refusing to read"
            )
    if total > MAX_TOTAL_UNCOMPRESSED_BYTES:
        zf.close()
        raise UnsafeArchiveError(
            path,
            f"zip expands to {total / 1024**3:.1f} GiB (limit "
            f"{MAX_TOTAL_UNCOMPRESSED_BYTES / 1024**3:.0f} GiB); refusing to read",
        )
    return zf


def member_by_basename(zf: zipfile.ZipFile, basename: str) -> zipfile.ZipInfo | None:
    """The member whose file name (any folder) equals ``basename``, case-insensitively.

    Skips macOS resource forks (``__MACOSX/``, ``._*``).
    """
    want = basename.lower()
    for info in zf.infolist():
        p = PurePosixPath(info.filename)
        if info.is_dir() or "__MACOSX" in p.parts or p.name.startswith("._"):
            continue
        if p.name.lower() == want:
            return info
    return None


def read_member(path: str | Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Bytes of one member, stopping at its declared size (guards lying headers)."""
    try:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise CorruptFileError(path, f"zip member {info.filename!r} is corrupt ({exc})") from None
    if len(data) > info.file_size:
        raise UnsafeArchiveError(path, f"zip member {info.filename!r} is larger than declared")
    return data

"""The files of an export, whether a zip archive or an extracted folder (:class:`Bundle`)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from boneimu.io._archive import open_zip, read_member
from boneimu.io._csv import Source, read_bytes


class Bundle:
    """The files of an export, whether a zip archive or an extracted folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = sorted(
                q.relative_to(path).as_posix() for q in path.rglob("*") if q.is_file()
            )
        else:
            self._zip = open_zip(path)
            self.names = [i.filename for i in self._zip.infolist() if not i.is_dir()]
        self.names = [n for n in self.names if not _is_junk(n)]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def find(self, basename: str, *, folder: str | None = None) -> str | None:
        """The member whose file name equals ``basename`` (case-insensitive), optionally only
        directly inside a folder called ``folder``; shallowest first."""
        want = basename.lower()
        hits = []
        for n in self.names:
            p = PurePosixPath(n)
            if p.name.lower() != want:
                continue
            if folder is not None and (p.parent.name.lower() != folder.lower()):
                continue
            hits.append(n)
        return min(hits, key=lambda n: (n.count("/"), n)) if hits else None

    def source(self, name: str) -> Source:
        """A member as something :func:`read_table` parses (a path for folders)."""
        if self._zip is None:
            return self.path / name
        return read_member(self.path, self._zip, self._zip.getinfo(name))

    def read(self, name: str) -> bytes:
        src = self.source(name)
        return read_bytes(src) if isinstance(src, Path) else src


@contextmanager
def open_bundle(path: Path) -> Iterator[Bundle]:
    b = Bundle(path)
    try:
        yield b
    finally:
        b.close()


def _is_junk(name: str) -> bool:
    p = PurePosixPath(name)
    return "__MACOSX" in p.parts or p.name.startswith("._") or p.name == ".DS_Store"

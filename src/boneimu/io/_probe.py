"""What sniffers look at: file kind, member names and the first bytes of text."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from boneimu.errors import CorruptFileError
from boneimu.io._archive import open_zip

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Probe:
    path: Path
    kind: Literal["file", "zip", "dir"]
    names: list[str] = field(default_factory=list)
    """Zip members or files in the folder (relative, POSIX), for archives and folders."""
    head_bytes: bytes = b""
    """First bytes of a plain file."""

    @property
    def head(self) -> str:
        """``head_bytes`` decoded (UTF-8 with BOM stripped; undecodable bytes replaced)."""
        return self.head_bytes.decode("utf-8-sig", errors="replace")

    def basenames(self) -> set[str]:
        return {n.rsplit("/", 1)[-1].lower() for n in self.names}

    def describe_unsupported(self) -> str:
        if self.kind == "file" and not self.head_bytes.strip():
            return "file is empty"
        if self.kind == "file" and b"\x00" in self.head_bytes[:512]:
            return "binary file in no format boneimu reads (see docs/formats/)"
        if self.kind != "file":
            shown = ", ".join(sorted(self.basenames())[:8]) or "nothing"
            return (
                f"{self.kind} holds no recording boneimu recognises (found: {shown}); "
                "see docs/formats/"
            )
        first = self.head.splitlines()[0][:80] if self.head.splitlines() else ""
        return (
            f"unrecognised format (first line: {first!r}); for a lab CSV use the generic reader "
            "options (boneimu info --help)"
        )


def probe_path(path: str | Path) -> Probe:
    p = Path(path)
    if p.is_dir():
        names = sorted(str(q.relative_to(p).as_posix()) for q in p.rglob("*") if q.is_file())
        return Probe(p, "dir", names)
    if not p.exists():
        raise CorruptFileError(p, "no such file or directory")
    try:
        with p.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise CorruptFileError(p, f"cannot read ({exc.strerror or exc})") from None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06") or zipfile.is_zipfile(p):
        with open_zip(p) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
        return Probe(p, "zip", names)
    return Probe(p, "file", [], head)

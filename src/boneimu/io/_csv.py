"""Fast CSV parsing shared by the phone-app readers, built on ``pyarrow.csv``.

Everything here works on columns looked up BY NAME (case- and space-insensitive) and turns
parser failures into :mod:`boneimu.errors` exceptions naming the file. Time-unit conversions:
:mod:`boneimu.io._times`; a zip export or its extracted folder: :mod:`boneimu.io._bundle`.
"""

from __future__ import annotations

import gzip
import io
import mmap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from boneimu.errors import CorruptFileError, MissingChannelError

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
NULL_VALUES: list[str] = ["", "NaN", "nan", "NAN", "NA", "N/A", "null", "NULL", "-nan"]

Source = Path | bytes
"""A CSV to parse: a file on disk (streamed by pyarrow) or its bytes (zip members)."""


def normalise_name(name: str) -> str:
    return " ".join(name.strip().strip('"').split()).lower()


def read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """File bytes, gunzipped when the file is gzip-compressed (``.gz`` or gzip magic)."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(2)
        if magic == b"\x1f\x8b":
            with gzip.open(path, "rb") as gz:
                return gz.read() if limit is None else gz.read(limit)
        with path.open("rb") as fh:
            return fh.read() if limit is None else fh.read(limit)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CorruptFileError(path, f"cannot read ({exc})") from None


def head_lines(data: bytes, n: int) -> list[str]:
    """First ``n`` lines of ``data`` decoded as UTF-8 (BOM stripped, bad bytes replaced)."""
    text = data[: 64 * 1024].decode("utf-8-sig", errors="replace")
    return text.splitlines()[:n]


def sniff_delimiter(lines: Sequence[str], candidates: Sequence[str] = DELIMITERS) -> str:
    """The candidate that splits the header and the next lines into the same number (> 1) of
    fields, preferring the one giving most fields; a run of spaces is the last resort."""
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return ","
    best, best_n = "", 1
    for d in candidates:
        counts = {ln.count(d) for ln in lines[:5]}
        if len(counts) == 1 and (n := counts.pop() + 1) > best_n:
            best, best_n = d, n
    if best:
        return best
    if all(len(ln.split()) > 1 for ln in lines[:5]):
        return " "
    return ","


@dataclass(frozen=True)
class CsvLayout:
    """How to parse one CSV."""

    delimiter: str = ","
    decimal: str = "."
    skip_rows: int = 0
    header: bool = True


def _to_buffer(src: Source, layout: CsvLayout, path: Path) -> pa.NativeFile | Path | io.BytesIO:
    if isinstance(src, Path):
        if layout.decimal == "." and layout.delimiter != " " and not _is_gzip(src, path):
            return src
        src = read_bytes(src)
    data = src
    if layout.delimiter == " ":
        # whitespace-separated text: collapse runs of spaces/tabs into one separator
        lines = data.decode("utf-8-sig", errors="replace").splitlines()
        data = "\n".join(" ".join(ln.split()) for ln in lines if ln.strip()).encode()
    if layout.decimal == ",":
        data = data.replace(b",", b".")
    return pa.BufferReader(data)


def _is_gzip(p: Path, path: Path) -> bool:
    try:
        with p.open("rb") as fh:
            return fh.read(2) == b"\x1f\x8b"
    except OSError as exc:
        raise CorruptFileError(path, f"cannot read ({exc.strerror or exc})") from None


def read_table(
    src: Source,
    *,
    path: Path,
    layout: CsvLayout,
    columns: Sequence[str] | None = None,
    int64_columns: Sequence[str] = (),
    string_columns: Sequence[str] = (),
    infer_columns: Sequence[str] = (),
    timestamp_columns: Sequence[str] = (),
) -> pa.Table:
    """Parse a CSV with pyarrow into a table.

    ``columns`` (exact header names, as found by :func:`find_columns`) restricts what is
    converted; ``int64_columns`` are parsed as exact 64-bit integers (never via float);
    ``infer_columns`` get pyarrow's inferred type; other selected columns are float64 with
    ``NaN``/empty cells as NaN. Without a header, columns are named ``"0"``, ``"1"``, ...
    """
    # explicit names (header cells stripped), so " x" and "x" are the same column
    names = header_names(src, path=path, layout=layout)
    types: dict[str, pa.DataType] = {}
    if columns is not None:
        types = {c: pa.float64() for c in columns}
        types.update({c: pa.int64() for c in int64_columns})
        types.update({c: pa.string() for c in string_columns})
        types.update({c: pa.timestamp("ns") for c in timestamp_columns})
        for c in infer_columns:
            types.pop(c, None)
    read_opts = pacsv.ReadOptions(
        skip_rows=layout.skip_rows + int(layout.header), column_names=names, block_size=16 << 20
    )
    parse_opts = pacsv.ParseOptions(delimiter=layout.delimiter, quote_char='"')
    conv_opts = pacsv.ConvertOptions(
        column_types=types,
        include_columns=list(columns) if columns is not None else None,
        null_values=NULL_VALUES,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    buf = _to_buffer(src, layout, path)
    try:
        return pacsv.read_csv(
            buf,
            read_options=read_opts,
            parse_options=parse_opts,
            convert_options=conv_opts,
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise CorruptFileError(path, f"cannot parse CSV: {_first_line(str(exc))}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptFileError(path, f"cannot read CSV ({_first_line(str(exc))})") from None


def _first_line(msg: str) -> str:
    msg = msg.strip().splitlines()[0] if msg.strip() else "unknown error"
    if "Expected" in msg and "columns" in msg:
        msg += " (file truncated or a row has the wrong number of fields)"
    return msg[:200]


def header_names(src: Source, *, path: Path, layout: CsvLayout) -> list[str]:
    """Column names of a CSV (reads only the start of the file)."""
    data = read_bytes(src, limit=1 << 16) if isinstance(src, Path) else src[: 1 << 16]
    lines = data.decode("utf-8-sig", errors="replace").splitlines()
    lines = lines[layout.skip_rows :]
    if not lines or not lines[0].strip():
        raise CorruptFileError(path, "no header line (file empty?)")
    first = lines[0]
    if layout.delimiter == " ":
        cells = first.split()
    else:
        cells = next(_csv_reader([first], layout.delimiter))
    if not layout.header:
        return [str(i) for i in range(len(cells))]
    return [c.strip() for c in cells]


def _csv_reader(lines: list[str], delimiter: str) -> Iterator[list[str]]:
    import csv

    return csv.reader(lines, delimiter=delimiter, quotechar='"')


def find_columns(
    names: Sequence[str], wanted: Sequence[str], *, path: Path, what: str
) -> list[str]:
    """Exact header names matching ``wanted`` (case/space-insensitive); error lists what exists."""
    lookup: dict[str, str] = {}
    for n in names:
        lookup.setdefault(normalise_name(n), n)
    found, missing = [], []
    for w in wanted:
        hit = lookup.get(normalise_name(w))
        if hit is None:
            missing.append(w)
        else:
            found.append(hit)
    if missing:
        shown = ", ".join(repr(n) for n in names[:20]) or "none"
        raise MissingChannelError(
            path, f"{what}: no column {', '.join(map(repr, missing))} (columns found: {shown})"
        )
    return found


def has_columns(names: Sequence[str], wanted: Sequence[str]) -> bool:
    have = {normalise_name(n) for n in names}
    return all(normalise_name(w) in have for w in wanted)


def float_matrix(table: pa.Table, columns: Sequence[str]) -> NDArray[np.float64]:
    """(n, k) float64 from table columns, chunk by chunk (no intermediate copies); nulls -> NaN."""
    out = np.empty((table.num_rows, len(columns)), dtype=np.float64)
    for k, name in enumerate(columns):
        i = 0
        for chunk in table.column(name).chunks:
            m = len(chunk)
            out[i : i + m, k] = chunk.to_numpy(zero_copy_only=False)
            i += m
    return out


CHUNK_BYTES = 8 << 20
SMALL_CHUNK_BYTES = 4 << 20
SMALL_FILE_BYTES = 64 << 20
"""Files smaller than this are parsed on one thread (an hour at 100 Hz is ~20 MiB per CSV)."""
"""Text parsed per pyarrow call by :func:`read_numeric` (bounds its transient memory)."""


def read_numeric(
    src: Source,
    *,
    path: Path,
    layout: CsvLayout,
    time_col: str,
    value_cols: Sequence[str],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """An exact int64 time column and (n, k) float64 values of a large plain CSV.

    Parses ``CHUNK_BYTES`` of text at a time (multi-threaded within a chunk) straight into
    arrays sized from the bytes per row seen so far, so peak memory is the final arrays plus
    one chunk. Other layouts (decimal comma, whitespace, no header) go through one table.
    """
    if layout.decimal != "." or layout.delimiter == " " or not layout.header:
        table = read_table(
            src, path=path, layout=layout, columns=[time_col, *value_cols], int64_columns=[time_col]
        )
        if table.num_rows == 0:
            raise CorruptFileError(path, "no data rows")
        return int64_column(table, time_col, path=path), float_matrix(table, value_cols)
    if isinstance(src, Path) and _is_gzip(src, path):
        src = read_bytes(src)  # decompressed in memory
    names = header_names(src, path=path, layout=layout)
    size = len(src) if isinstance(src, bytes) else _file_size(src, path)
    types = {c: pa.float64() for c in value_cols}
    types[time_col] = pa.int64()
    conv = pacsv.ConvertOptions(
        column_types=types,
        include_columns=[time_col, *value_cols],
        null_values=NULL_VALUES,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    parse = pacsv.ParseOptions(delimiter=layout.delimiter, quote_char='"')
    t = np.empty(0, dtype=np.int64)
    v = np.empty((0, len(value_cols)), dtype=np.float64)
    n = 0
    skip = layout.skip_rows + 1
    # small files on one thread: Arrow's per-thread buffers would dominate their peak memory
    # (readers of several small files parse them concurrently instead)
    threaded = size > SMALL_FILE_BYTES
    for chunk, consumed in _chunks(src, path, CHUNK_BYTES if threaded else SMALL_CHUNK_BYTES):
        opts = pacsv.ReadOptions(
            skip_rows=skip, column_names=names, block_size=4 << 20, use_threads=threaded
        )
        skip = 0
        try:
            table = pacsv.read_csv(
                pa.py_buffer(chunk), read_options=opts, parse_options=parse, convert_options=conv
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise CorruptFileError(path, f"cannot parse CSV: {_first_line(str(exc))}") from None
        m = table.num_rows
        if n + m > t.shape[0]:
            # capacity from the bytes per row so far, with 25% headroom; pages never written
            # are never resident, so the headroom costs address space, not memory
            per_row = consumed / max(n + m, 1)
            cap = max(int((size / per_row) * 1.25) + 1024, n + m)
            t = _grow(t, cap, n)
            v = _grow(v, cap, n)
        t[n : n + m] = int64_column(table, time_col, path=path)
        for k, name in enumerate(value_cols):
            v[n : n + m, k] = table.column(name).to_numpy()
        n += m
        del table
    # hand the parser's freed buffers back to the OS so they don't add to the caller's peak
    pa.default_memory_pool().release_unused()
    if n == 0:
        raise CorruptFileError(path, "no data rows")
    return t[:n], v[:n]


def _grow(a: NDArray[Any], cap: int, n: int) -> NDArray[Any]:
    out = np.empty((cap, *a.shape[1:]), dtype=a.dtype)
    out[:n] = a[:n]
    return out


def _file_size(p: Path, path: Path) -> int:
    try:
        return p.stat().st_size
    except OSError as exc:
        raise CorruptFileError(path, f"cannot read ({exc.strerror or exc})") from None


def _chunks(
    src: Source, path: Path, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[memoryview, int]]:
    """``chunk_bytes`` pieces of the text ending at line ends, with bytes consumed so far.

    A file is read with one copy per chunk: after the last line end the file position is
    moved back, so the next read starts at the next line.
    """
    if isinstance(src, bytes):
        view, start = memoryview(src), 0
        while start < len(src):
            end = min(start + chunk_bytes, len(src))
            if end < len(src):
                nl = src.rfind(b"\n", start, end)
                end = nl + 1 if nl >= start else len(src)
            yield view[start:end], end
            start = end
        return
    try:
        with src.open("rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError) as exc:
        raise CorruptFileError(path, f"cannot read ({exc})") from None
    start, size = 0, len(mm)
    while start < size:
        end = min(start + chunk_bytes, size)
        if end < size:
            nl = mm.rfind(b"\n", start, end)
            end = nl + 1 if nl >= start else _next_line_end(mm, end, size)
        yield memoryview(mm)[start:end], end
        # parsed pages are no longer needed: drop them from this process's resident set
        # (the map is read-only, so they would simply be read again from the file)
        lo = start - start % mmap.PAGESIZE
        if hasattr(mm, "madvise") and end - lo >= mmap.PAGESIZE:
            mm.madvise(mmap.MADV_DONTNEED, lo, (end - lo) // mmap.PAGESIZE * mmap.PAGESIZE)
        start = end
    # the map is unmapped when the last view into it is garbage-collected


def _next_line_end(mm: mmap.mmap, pos: int, size: int) -> int:
    nl = mm.find(b"\n", pos)
    return size if nl < 0 else nl + 1


def int64_column(table: pa.Table, name: str, *, path: Path) -> NDArray[np.int64]:
    """An exact int64 column; a missing cell is an error (time must be complete)."""
    col = table.column(name)
    if col.null_count:
        row = _first_null_row(col)
        raise CorruptFileError(path, f"column {name!r}: missing value in data row {row + 1}")
    out = np.empty(table.num_rows, dtype=np.int64)
    i = 0
    for chunk in col.chunks:
        m = len(chunk)
        out[i : i + m] = chunk.to_numpy(zero_copy_only=False)
        i += m
    return out


def _first_null_row(col: pa.ChunkedArray) -> int:
    offset = 0
    for chunk in col.chunks:
        if chunk.null_count:
            mask = chunk.is_null().to_numpy(zero_copy_only=False)
            return offset + int(np.flatnonzero(mask)[0])
        offset += len(chunk)
    return 0

"""Shared CSV helpers: chunked parsing, time conversion, separator sniffing, column lookup."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from boneimu.errors import CorruptFileError, MissingChannelError
from boneimu.io import _csv, _times


def _plain_csv(
    n: int, *, crlf: bool = False, last_newline: bool = True
) -> tuple[bytes, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    t = 1_698_501_144_401_773_001 + np.cumsum(rng.integers(1, 10**8, n))
    v = rng.normal(0, 50, (n, 3))
    nl = "\r\n" if crlf else "\n"
    rows = [f"{a},{x!r},{y!r},{z!r}" for a, (x, y, z) in zip(t.tolist(), v.tolist(), strict=True)]
    text = nl.join(["time,x,y,z", *rows]) + (nl if last_newline else "")
    return text.encode(), t, v


@pytest.mark.parametrize("chunk", [37, 1000, 1 << 20])
@pytest.mark.parametrize("as_file", [True, False])
@pytest.mark.parametrize(("crlf", "last_newline"), [(False, True), (True, True), (False, False)])
def test_read_numeric_chunk_boundaries(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
    as_file: bool,
    crlf: bool,
    last_newline: bool,
) -> None:
    monkeypatch.setattr(_csv, "CHUNK_BYTES", chunk)
    data, t, v = _plain_csv(300 if chunk < 100 else 700, crlf=crlf, last_newline=last_newline)
    p = tmp_path / "x.csv"
    p.write_bytes(data)
    src: _csv.Source = p if as_file else data
    got_t, got_v = _csv.read_numeric(
        src, path=p, layout=_csv.CsvLayout(), time_col="time", value_cols=["x", "y", "z"]
    )
    np.testing.assert_array_equal(got_t, t)
    np.testing.assert_array_equal(got_v, v)


def test_read_numeric_errors_name_file(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(b"time,x,y,z\n1,2,3,4\n5,6\n")
    with pytest.raises(CorruptFileError, match="truncated") as err:
        _csv.read_numeric(
            p, path=p, layout=_csv.CsvLayout(), time_col="time", value_cols=["x", "y", "z"]
        )
    assert str(p) in str(err.value)
    p.write_bytes(b"time,x,y,z\n")
    with pytest.raises(CorruptFileError, match="no data rows"):
        _csv.read_numeric(
            p, path=p, layout=_csv.CsvLayout(), time_col="time", value_cols=["x", "y", "z"]
        )


def test_seconds_to_ns_rounds() -> None:
    t = np.array([0.29, 1e-9, 2.5e-9, 1_698_501_144.401, -0.001])
    got = _times.seconds_to_ns(t)
    assert got.tolist()[:2] == [290_000_000, 1]
    assert got[3] == pytest.approx(1_698_501_144_401_000_000, abs=256)
    assert got[4] == -1_000_000
    assert (
        _times.scaled_to_ns(np.array([1.568054271042705e15]), 1000)[0] == 1_568_054_271_042_705_000
    )


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        (["a,b,c", "1,2,3"], ","),
        (["a;b;c", "1,5;2,5;3"], ";"),
        (["a\tb", "1\t2"], "\t"),
        (["1 2  3", "4 5 6"], " "),
        (["a|b", "1|2"], "|"),
    ],
)
def test_sniff_delimiter(lines: list[str], want: str) -> None:
    assert _csv.sniff_delimiter(lines) == want


def test_find_columns_case_and_space_insensitive() -> None:
    names = [" Time ", "Acc  X", "acc y"]
    assert _csv.find_columns(names, ["time", "ACC X"], path=Path("f"), what="t") == [
        " Time ",
        "Acc  X",
    ]
    with pytest.raises(MissingChannelError, match="columns found"):
        _csv.find_columns(names, ["acc z"], path=Path("f"), what="t")

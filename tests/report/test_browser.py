"""Reports as a person sees them: rendered offline in headless Chromium.

Needs Debian's ``chromium`` (``apt-get install -y chromium``); skips when it is absent.
One Chromium run per page dumps the DOM and takes a screenshot; the browser's console log
(``--enable-logging=stderr``) must be free of messages: a blocked external load (the page's
Content-Security-Policy forbids all) or a script error would show there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


@dataclass
class Rendered:
    dom: str
    console: list[str]
    screenshot: np.ndarray


def render(page: Path, tmp: Path, *, height_px: int = 2400) -> Rendered:
    import matplotlib.image as mpimg

    shot = tmp / f"{page.stem}.png"
    proc = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={tmp / 'profile'}",
            f"--window-size=1100,{height_px}",
            f"--screenshot={shot}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return Rendered(proc.stdout, console, mpimg.imread(shot))


def _not_blank(img: np.ndarray) -> None:
    rgb = img[..., :3]
    assert rgb.shape[0] > 1000 and rgb.shape[1] > 1000
    assert float(rgb.std()) > 0.08  # text, figures and panels, not a white page
    dark = (rgb.mean(axis=2) < 0.4).mean()
    assert 0.005 < dark < 0.5


def test_session_report_renders_offline(written: dict[str, Path], tmp_path: Path) -> None:
    r = render(written["session"], tmp_path)
    assert r.console == []
    for el in ("report-header", "summary", "fig-signal", "fig-impacts", "fig-tempo",
               "fig-balance", "fig-sts", "reps-table", "report-footer"):  # fmt: skip
        assert f'id="{el}"' in r.dom, el
    assert r.dom.count("<svg ") == 5 and r.dom.count('<tr class="flagged">') >= 1
    _not_blank(r.screenshot)


def test_week_report_renders_offline(written: dict[str, Path], tmp_path: Path) -> None:
    r = render(written["week"], tmp_path)
    assert r.console == []
    for el in ("report-header", "summary", "warnings", "dashboard", "pillar-impact",
               "pillar-balance", "fig-pillars", "fig-dose", "balance-table"):  # fmt: skip
        assert f'id="{el}"' in r.dom, el
    _not_blank(r.screenshot)


def test_console_check_catches_an_external_load(tmp_path: Path) -> None:
    """Control: a page that tries to load from the network is caught by the console check."""
    from boneimu.report.html import page

    bad = page("t", "s", '<img alt="x" src="https://example.invalid/x.png"><p>x</p>')
    path = tmp_path / "bad.html"
    path.write_text(bad, encoding="utf-8")
    r = render(path, tmp_path, height_px=400)
    assert any("Content Security Policy" in line for line in r.console)


def test_session_report_prints_on_a_few_a4_pages(written: dict[str, Path], tmp_path: Path) -> None:
    pdf = tmp_path / "session.pdf"
    proc = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            written["session"].resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes and all(
        abs(float(w) - 595.3) < 1.0 and abs(float(h) - 841.9) < 1.0 for w, h in boxes
    )  # A4 portrait in points
    n_pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert 1 <= n_pages <= 6

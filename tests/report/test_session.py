"""The session report's HTML: what a reader needs is there, nothing loads from outside."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from report_cases import SessionCase

from boneimu.report import session_report
from boneimu.results import AnalysisResult, RecordingSummary

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?!data:|#)|url\((?!#|data:)|@import""", re.I)


def test_page_holds_every_section_and_figure(session_case: SessionCase) -> None:
    page = session_case.report.html
    for el in (
        "summary", "overview", "fig-signal", "impacts", "fig-impacts", "bins-table", "reps",
        "sets-table", "reps-table", "fig-tempo", "balance", "fig-balance", "balance-table",
        "sts", "fig-sts", "sts-table", "walking-table",
    ):  # fmt: skip
        assert f'id="{el}"' in page, el
    assert page.count("<svg ") == len(session_case.report.figures) == 5


def test_page_is_self_contained(session_case: SessionCase) -> None:
    page = session_case.report.html
    assert "default-src 'none'" in page
    assert "<script" not in page.lower()
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "http://" not in page.replace("http://www.w3.org/", "")
    assert "https://" not in page


def test_flagged_rep_reason_in_table_and_hover_text(session_case: SessionCase) -> None:
    page = session_case.report.html
    escaped = "drop 0.31 s vs your usual 0.62 s &lt;fast&gt;"
    assert session_case.flagged_reason not in page  # never unescaped
    rows = [r for r in re.findall(r"<tr class=flagged>(.*?)</tr>", page) if escaped in r]
    assert len(rows) == 1 and "&#9873; rushed</span>" in rows[0]
    n_flagged = sum(1 for s in session_case.result.sets for r in s.reps if r.flags)
    assert page.count("<tr class=flagged>") == n_flagged
    # the signal and tempo figures carry the reason as an SVG <title> on the flagged rep
    k = session_case.flagged_set_no
    titles = re.findall(rf'<g id="(?:rep|tempo)-{k}-3"><title>([^<]*)</title>', page)
    assert len(titles) == 2 and all("FLAGGED rushed" in t and escaped in t for t in titles)


def test_numbers_match_the_analysis(session_case: SessionCase) -> None:
    res, page = session_case.result, session_case.report.html
    assert f">{res.dose.n_impacts}<" in page
    reps = [r for s in res.sets for r in s.reps]
    assert page.count("<tr") - page.count("<tr class=flagged>") >= len(reps)
    for b in res.dose.impact_bins:
        assert f"<td class=num>{b.count}</td>" in page
    sts = max((s for s in res.sets if s.exercise == "sit_to_stand"), key=lambda s: len(s.reps))
    assert len(sts.reps) >= 5  # so the 5-rep time and Alcazar power are shown
    t5 = sts.extra.get("time_5x_sts_s", sts.reps[4].end_s - sts.reps[0].start_s)
    assert f"<td class=num>{t5:.1f}</td>" in page
    assert "Alcazar 5-rep" in page


def test_accessible_and_printable(session_case: SessionCase) -> None:
    page = session_case.report.html
    assert '<html lang="en">' in page
    for fig in session_case.report.figures:
        svg = fig.svg()
        assert svg.startswith('<svg role="img" aria-labelledby=')
        assert f'<title id="{fig.fig_id}-svgtitle">' in svg and "<desc>" in svg
        assert len(fig.alt) > 20
    assert "@page { size: A4" in page and "break-inside: avoid" in page
    assert "&#9873;" in page  # flag symbol: flags are not told by colour alone


def test_write_html_and_pngs(written: dict[str, Path], session_case: SessionCase) -> None:
    import matplotlib.image as mpimg

    html = written["session"].read_text(encoding="utf-8")
    assert html == session_case.report.html
    pngs = sorted(p.name for p in written["png"].iterdir())
    assert pngs == sorted(f"{f.fig_id}.png" for f in session_case.report.figures)
    img = mpimg.imread(written["png"] / "fig-signal.png")
    assert img.shape[1] >= 1000 and float(np.std(img[..., :3])) > 0.05


def test_minimal_result_without_reps_still_renders(session_case: SessionCase) -> None:
    rec = session_case.rec
    empty = AnalysisResult(
        recording=RecordingSummary(
            path=None, format="test", duration_s=rec.duration_s, n_samples=rec.n_samples,
            sample_rate_hz=rec.fs_hz, has_gyro=rec.has_gyro, placement=None,
        ),
        warnings=["placement not given and not detectable; assuming a trunk sensor"],
    )  # fmt: skip
    doc = session_report(rec.with_meta(warnings=["3 duplicate timestamps dropped"]), empty)
    assert [f.fig_id for f in doc.figures] == ["fig-signal"]
    assert 'id="warnings"' in doc.html and "assuming a trunk sensor" in doc.html
    assert "recording: 3 duplicate timestamps dropped" in doc.html
    assert 'id="reps-table"' not in doc.html


def test_png_dir_must_be_a_folder(session_case: SessionCase, tmp_path: Path) -> None:
    import pytest

    from boneimu.errors import ConfigError

    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        session_case.report.write(tmp_path / "r.html", png_dir=tmp_path / "file")
    with pytest.raises(ConfigError, match="does not exist"):
        session_case.report.write(tmp_path / "missing" / "r.html")

"""A built report: its HTML and the figures behind it, written once to HTML and PNGs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from boneimu.errors import ConfigError
from boneimu.report.figure import ReportFigure

Step = tuple[str, Callable[[], ReportFigure | None]]


def build_figures(steps: list[Step], progress: Callable[[str], None] | None) -> list[ReportFigure]:
    """Run figure builders in order, reporting ``[k/n] name`` before each one."""
    figs = []
    for k, (name, build) in enumerate(steps, 1):
        if progress is not None:
            progress(f"[{k}/{len(steps)}] {name}")
        fig = build()
        if fig is not None:
            figs.append(fig)
    return figs


@dataclass
class Report:
    """``html``: the complete self-contained page; ``figures``: for PNG export."""

    html: str
    figures: list[ReportFigure] = field(default_factory=list)

    def write(
        self,
        out: Path,
        *,
        png_dir: Path | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> list[Path]:
        """Write the HTML atomically to ``out`` and, with ``png_dir``, one PNG per figure.
        Returns the paths written (HTML first)."""
        out = Path(out)
        if out.is_dir():
            raise ConfigError(f"{out}: is a directory; give the report's file name")
        if not out.parent.is_dir():
            raise ConfigError(f"{out.parent}: output folder does not exist")
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.html)
            umask = os.umask(0)
            os.umask(umask)
            Path(tmp).chmod(0o666 & ~umask)
            Path(tmp).replace(out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written = [out]
        if png_dir is not None:
            png_dir = Path(png_dir)
            if png_dir.exists() and not png_dir.is_dir():
                raise ConfigError(f"{png_dir}: exists and is not a folder")
            png_dir.mkdir(parents=True, exist_ok=True)
            for k, fig in enumerate(self.figures, 1):
                if progress is not None:
                    progress(f"PNG {k}/{len(self.figures)}: {fig.fig_id}.png")
                written.append(fig.save_png(png_dir))
        return written

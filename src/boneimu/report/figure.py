"""One figure, two outputs: a matplotlib Figure serialised as inline SVG (HTML) and as PNG.

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot, no global backend
state). Artists that carry a hover text get a matplotlib ``gid``; after SVG serialisation a
``<title>`` element is inserted into the group with that id, which browsers show on hover and
screen readers read. Colours are the Okabe-Ito colour-blind-safe palette, and everything that
matters (flags, clipped peaks, status) is also told by marker shape, hatching or text.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boneimu.errors import ConfigError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#6b6b6b",
}
EXERCISE_COLOURS = {
    "heel_drop": OKABE_ITO["blue"],
    "hop": OKABE_ITO["vermillion"],
    "sit_to_stand": OKABE_ITO["green"],
    "walking": OKABE_ITO["orange"],
    "balance": OKABE_ITO["purple"],
}
EXERCISE_MARKERS = {"heel_drop": "v", "hop": "^", "sit_to_stand": "s"}
FLAG_COLOUR = OKABE_ITO["vermillion"]
FLAG_MARKER = "X"
FLAG_HATCH = "////"
WIDTH_IN = 10.0
"""Figure width in inches; the HTML scales figures to the page width."""
PNG_DPI = 150

_RC: Any = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 10.0,
    "axes.titlesize": 11.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.labelcolor": "#222222",
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "legend.fontsize": 9.0,
    "hatch.linewidth": 1.0,
    "svg.fonttype": "none",
    "svg.hashsalt": "boneimu",
    "figure.facecolor": "white",
}


def pretty(name: str) -> str:
    """``sit_to_stand`` -> ``Sit-to-stand``, ``heel_drop`` -> ``Heel drop``."""
    text = name.replace("sit_to_stand", "sit-to-stand").replace("_", " ")
    return text[:1].upper() + text[1:]


@dataclass
class ReportFigure:
    """A built figure. ``fig_id`` names the HTML element and the PNG file; ``alt`` is the
    text alternative; ``titles`` maps artist gids to hover / screen-reader text."""

    fig_id: str
    caption: str
    alt: str
    figure: Figure
    titles: dict[str, str] = field(default_factory=dict)

    def svg(self) -> str:
        """Inline SVG (no XML prolog), ids prefixed by ``fig_id``, with <title>/<desc>."""
        from matplotlib import rc_context

        buf = io.StringIO()
        with rc_context({**_RC, "svg.hashsalt": self.fig_id}):
            self.figure.savefig(buf, format="svg", metadata={"Date": None})
        text = buf.getvalue()
        text = text[text.index("<svg") :]
        text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
        text = re.sub(r' xmlns:(?:dc|cc|rdf)="[^"]*"', "", text)
        for gid, title in self.titles.items():
            text = text.replace(
                f'<g id="{gid}">', f'<g id="{gid}"><title>{html.escape(title)}</title>', 1
            )
        label = html.escape(self.alt, quote=True)
        text = re.sub(
            r"<svg ",
            f'<svg role="img" aria-labelledby="{self.fig_id}-svgtitle" ',
            text,
            count=1,
        )
        head = (
            f'<title id="{self.fig_id}-svgtitle">{html.escape(self.caption)}</title>'
            f"<desc>{label}</desc>"
        )
        return re.sub(r"(<svg[^>]*>)", r"\1" + head.replace("\\", "\\\\"), text, count=1)

    def save_png(self, directory: Path) -> Path:
        from matplotlib import rc_context

        path = directory / f"{self.fig_id}.png"
        with rc_context(_RC):
            self.figure.savefig(path, format="png", dpi=PNG_DPI, metadata={"Software": None})
        return path


def new_figure(height_in: float, width_in: float = WIDTH_IN) -> Figure:
    """A white, constrained-layout figure under the report style."""
    try:
        from matplotlib import rc_context
        from matplotlib.figure import Figure
    except ModuleNotFoundError as exc:  # the 'plot' extra is not installed
        raise ConfigError("reports need matplotlib: pip install 'boneimu[plot]'") from exc
    with rc_context(_RC):
        return Figure(figsize=(width_in, height_in), layout="constrained")


def styled(build: Callable[..., ReportFigure | None]) -> Callable[..., ReportFigure | None]:
    """Run a figure builder under the report's matplotlib style."""

    def run(*args: Any, **kwargs: Any) -> ReportFigure | None:
        from matplotlib import rc_context

        with rc_context(_RC):
            return build(*args, **kwargs)

    run.__name__ = build.__name__
    run.__doc__ = build.__doc__
    return run

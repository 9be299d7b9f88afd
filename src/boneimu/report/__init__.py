"""boneimu.report: session and week reports as one self-contained HTML file, plus PNG figures.

- :func:`session_report` (``boneimu.report.session``): a recording and its analysis.
- :func:`week_report_page` (``boneimu.report.week``): a dose-log week report.
Both return a :class:`~boneimu.report.document.Report`; ``Report.write(out, png_dir=...)``
writes the HTML and, optionally, each figure as a PNG. Figures are drawn once with matplotlib
(the ``plot`` extra) and serialised to inline SVG and PNG. See docs/reports.md.
"""

from __future__ import annotations

from boneimu.report.document import Report
from boneimu.report.session import session_report
from boneimu.report.week import week_report_page

__all__ = ["Report", "session_report", "week_report_page"]

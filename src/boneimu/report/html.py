"""Self-contained HTML pages: inline CSS, inline SVG figures, no scripts, no network.

A Content-Security-Policy meta tag forbids every external load (``default-src 'none'``), so a
report that opens at all opens offline. The print stylesheet lays the page out on A4 and keeps
figures, cards and table rows whole.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from boneimu import __version__
from boneimu.report.figure import ReportFigure

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
:root { --ink:#1b1b1b; --muted:#555; --line:#d0d0d0; --bg:#ffffff; --panel:#f5f6f8;
  --accent:#0b4f8a; --met:#0a6b3d; --partial:#8a5a00; --missed:#a4161a; --warn:#7a3e00; }
* { box-sizing: border-box; }
html { background: #e9ebee; }
body { font: 15px/1.45 "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: var(--ink); background: var(--bg); max-width: 1040px; margin: 0 auto;
  padding: 28px 40px 40px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 18px; }
header.top .brand { color: var(--accent); font-weight: 700; letter-spacing: .04em;
  text-transform: uppercase; font-size: 12px; }
h1 { font-size: 26px; margin: 2px 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; color: var(--accent);
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
p.meta { color: var(--muted); margin: 0; }
p.lead { margin: 6px 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(108px, 1fr));
  gap: 10px; margin: 12px 0 6px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 12px; }
.card .value { font-size: 20px; font-weight: 700; white-space: nowrap; }
.card .label { font-size: 12px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .03em; }
.card .sub { font-size: 12px; color: var(--muted); }
.callout { border: 2px solid var(--warn); border-left-width: 8px; background: #fff8ef;
  border-radius: 4px; padding: 8px 14px; margin: 12px 0; }
.callout h2 { margin-top: 4px; border: 0; color: var(--warn); }
.callout ul { margin: 4px 0 6px; padding-left: 20px; }
.ok-note { border-left: 6px solid var(--met); background: #f0f8f3; padding: 6px 12px; }
figure { margin: 10px 0 16px; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13.5px; }
caption { text-align: left; font-weight: 700; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }
th { background: var(--panel); font-weight: 700; }
table.compact { width: auto; min-width: 320px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.flagged td { background: #fff1ec; }
tr.flagged td:first-child { border-left: 5px solid var(--missed); }
.flag { font-weight: 700; color: var(--missed); }
.badge { display: inline-block; border-radius: 10px; padding: 1px 9px; font-size: 12.5px;
  font-weight: 700; border: 1.5px solid currentColor; white-space: nowrap; }
.status-met { color: var(--met); background: #eaf6ef; }
.status-partial { color: var(--partial); background: #fdf5e3; }
.status-missed { color: var(--missed); background: #fcecec; }
.status-na { color: var(--muted); background: #f1f1f1; }
.days { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; letter-spacing: 3px;
  white-space: nowrap; }
.pillar { border: 1px solid var(--line); border-radius: 6px; padding: 4px 14px 2px;
  margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
.pillar h3 { display: flex; justify-content: space-between; align-items: baseline; gap: 10px; }
.legend { font-size: 12.5px; color: var(--muted); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 30px; border-top: 1px solid var(--line); padding-top: 8px;
  font-size: 12px; color: var(--muted); }
@media (max-width: 600px) { body { padding: 14px 12px 24px; } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 18pt; } h2 { font-size: 13pt; margin-top: 14px; }
  .table-wrap { overflow: visible; }
  table { font-size: 8pt; margin: 4px 0 8px; }
  th, td { padding: 1px 4px; }
  .card { padding: 4px 8px; } .card .value { font-size: 14pt; }
  figure { margin: 4px 0 8px; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section { break-inside: auto; }
  .cards { grid-template-columns: repeat(auto-fit, minmax(80px, 1fr)); gap: 6px; }
  .card, .callout { break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-height: 105mm; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def card(label: str, value: str, sub: str = "") -> str:
    tail = f'<div class="sub">{esc(sub)}</div>' if sub else ""
    return (
        f'<div class="card"><div class="label">{esc(label)}</div>'
        f'<div class="value">{esc(value)}</div>{tail}</div>'
    )


def cards(items: Iterable[str], el_id: str) -> str:
    return f'<div class="cards" id="{el_id}">' + "".join(items) + "</div>"


def figure(fig: ReportFigure) -> str:
    return (
        f'<figure id="{fig.fig_id}">{fig.svg()}<figcaption>{esc(fig.caption)}</figcaption></figure>'
    )


def table(
    el_id: str,
    caption: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    row_classes: Sequence[str] | None = None,
    raw: bool = False,
    compact: bool = False,
    caption_visible: bool = True,
) -> str:
    """An HTML table; cells are escaped unless ``raw`` (callers then escape themselves)."""
    num = set(numeric)
    head = "".join(
        f'<th scope="col"{" class=num" if i in num else ""}>{esc(h)}</th>'
        for i, h in enumerate(header)
    )
    body = []
    for k, row in enumerate(rows):
        cls = row_classes[k] if row_classes is not None else ""
        cells = "".join(
            f"<td{' class=num' if i in num else ''}>{c if raw else esc(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr{f' class={cls}' if cls else ''}>{cells}</tr>")
    return (
        f'<div class="table-wrap"><table id="{el_id}"{" class=compact" if compact else ""}>'
        f"<caption{'' if caption_visible else ' class=sr-only'}>{esc(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def section(el_id: str, title: str, body: str, lead: str = "") -> str:
    intro = f'<p class="lead">{esc(lead)}</p>' if lead else ""
    return f'<section id="{el_id}"><h2>{esc(title)}</h2>{intro}{body}</section>'


def page(title: str, subtitle: str, body: str, notes: Sequence[str] = ()) -> str:
    """A complete HTML document."""
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    note_html = "".join(f"<p>{esc(n)}</p>" for n in notes)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="boneimu {__version__}">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n"
        f'<body><header class="top" id="report-header"><div class="brand">boneimu</div>'
        f'<h1>{esc(title)}</h1><p class="meta">{esc(subtitle)}</p></header>\n'
        f'<main id="report">{body}</main>\n'
        f'<footer id="report-footer">{note_html}'
        f"<p>Made with boneimu {__version__} on {made}. Estimates support, and do not replace, "
        "advice from your clinician or trainer.</p></footer>\n"
        "</body></html>\n"
    )

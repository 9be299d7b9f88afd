"""Export a profile's log as JSON or CSV and import it back (idempotent: keyed by hash/key).

JSON: ``{"schema": "boneimu.dose-export", "version": 1, "profile": {...}, "sessions": [...]}``
with each recording's full analysis result. CSV: one row per session with the summary columns
a spreadsheet needs, manual-entry columns, and the recording's analysis JSON in one column,
so the CSV re-imports without loss.
"""

from __future__ import annotations

import csv
import io
from datetime import date as Date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from boneimu.dose.models import ManualEntry, ProfileIn, SessionRow
from boneimu.dose.store import DoseLog
from boneimu.errors import DoseLogError
from boneimu.results import AnalysisResult

EXPORT_SCHEMA = "boneimu.dose-export"
CSV_COLUMNS = (
    "kind",
    "content_hash",
    "date",
    "exercise",
    "sets",
    "reps",
    "load_kg",
    "minutes",
    "flights",
    "seconds",
    "n_sets",
    "n_reps",
    "n_impacts",
    "osteogenic_index",
    "peak_acc_g",
    "source_path",
    "notes",
    "analysis_json",
)


class ExportedSession(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    content_hash: str
    date: Date
    notes: str | None = None
    manual: ManualEntry | None = None
    analysis: AnalysisResult | None = None
    summary: dict[str, Any] = Field(default_factory=dict)


class Export(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    schema_: str = Field(EXPORT_SCHEMA, alias="schema")
    version: int = 1
    profile: ProfileIn
    sessions: list[ExportedSession]


def _summary(s: SessionRow) -> dict[str, Any]:
    return s.model_dump(
        mode="json", include={"n_sets", "n_reps", "n_impacts", "osteogenic_index", "peak_acc_g"}
    )


def export_profile(log: DoseLog, profile: str) -> Export:
    prof = log.profile(profile)
    out = []
    for s in log.sessions(profile):
        out.append(
            ExportedSession(
                kind=s.kind,
                content_hash=s.content_hash,
                date=s.date,
                notes=s.notes,
                manual=log.manual_entry(s.id) if s.kind == "manual" else None,
                analysis=log.analysis(s.id) if s.kind == "recording" else None,
                summary=_summary(s),
            )
        )
    return Export(
        schema=EXPORT_SCHEMA,
        profile=ProfileIn(**prof.model_dump(exclude={"id", "created_utc"})),
        sessions=out,
    )


def export_json(log: DoseLog, profile: str) -> str:
    return export_profile(log, profile).model_dump_json(by_alias=True, indent=1) + "\n"


def export_csv(log: DoseLog, profile: str) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for s in export_profile(log, profile).sessions:
        m = s.manual
        w.writerow(
            {
                "kind": s.kind,
                "content_hash": s.content_hash,
                "date": s.date.isoformat(),
                "exercise": m.exercise if m else "",
                "sets": _cell(m.sets if m else None),
                "reps": _cell(m.reps if m else None),
                "load_kg": _cell(m.load_kg if m else None),
                "minutes": _cell(m.minutes if m else None),
                "flights": _cell(m.flights if m else None),
                "seconds": _cell(m.seconds if m else None),
                **{k: _cell(v) for k, v in s.summary.items()},
                "source_path": s.analysis.recording.path or "" if s.analysis else "",
                "notes": s.notes or "",
                "analysis_json": s.analysis.model_dump_json() if s.analysis else "",
            }
        )
    return buf.getvalue()


def _cell(v: object) -> str:
    return "" if v is None else str(v)


def import_data(
    log: DoseLog, text: str, *, fmt: str, profile: str | None = None, where: str = "import"
) -> tuple[int, int]:
    """Import an export (``fmt`` json or csv); returns (added, already present).

    JSON carries its profile, created when missing; CSV needs ``profile`` (an existing one).
    """
    try:
        if fmt == "json":
            exp = Export.model_validate_json(text)
            name = profile or exp.profile.name
            if name not in {p.name for p in log.profiles()}:
                log.add_profile(exp.profile.model_copy(update={"name": name}))
            sessions = exp.sessions
        elif fmt == "csv":
            if profile is None:
                raise DoseLogError(f"{where}: a CSV import needs --profile")
            name = profile
            log.profile(name)
            sessions = [_from_row(r) for r in csv.DictReader(io.StringIO(text))]
        else:
            raise DoseLogError(f"{where}: unknown import format {fmt!r} (json or csv)")
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise DoseLogError(f"{where}: not valid JSON ({first['msg']})") from None
        loc = ".".join(str(x) for x in first["loc"]) or "top level"
        raise DoseLogError(f"{where}: invalid export at {loc}: {first['msg']}") from None
    except (ValueError, KeyError) as exc:
        raise DoseLogError(f"{where}: invalid CSV export ({exc})") from None
    added = skipped = 0
    for s in sessions:
        if s.kind == "manual" and s.manual is not None:
            entry = s.manual.model_copy(update={"key": s.content_hash})
            row = log.add_manual(name, entry)
        elif s.kind == "recording" and s.analysis is not None:
            row = log.add_analysis(
                name, s.analysis, content_hash=s.content_hash, date=s.date, notes=s.notes
            )
        else:
            raise DoseLogError(f"{where}: session {s.content_hash} has no {s.kind} data")
        added, skipped = (added + 1, skipped) if row is not None else (added, skipped + 1)
    return added, skipped


def _from_row(r: dict[str, str]) -> ExportedSession:
    def num(k: str) -> str | None:
        return r.get(k) or None

    manual = None
    if r["kind"] == "manual":
        manual = ManualEntry.model_validate(
            {
                "date": r["date"],
                "exercise": r["exercise"],
                **{k: num(k) for k in ("sets", "reps", "load_kg", "minutes", "flights", "seconds")},
                "notes": r.get("notes") or None,
            }
        )
    analysis = (
        AnalysisResult.model_validate_json(r["analysis_json"]) if r.get("analysis_json") else None
    )
    return ExportedSession(
        kind=r["kind"],
        content_hash=r["content_hash"],
        date=Date.fromisoformat(r["date"]),
        notes=r.get("notes") or None,
        manual=manual,
        analysis=analysis,
    )

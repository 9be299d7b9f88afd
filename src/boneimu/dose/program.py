"""The exercise program a week is checked against: a versioned, editable JSON file.

The default (``boneimu/data/program_default.json``) encodes the four-pillar program in
docs/dose-log.md; a clinician can pass their own file with ``--program FILE``.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from boneimu.dose.fmt import fmt
from boneimu.errors import ConfigError

PROGRAM_SCHEMA: Literal["boneimu.program"] = "boneimu.program"
PROGRAM_VERSION: Literal[1] = 1
RiskFlag = Literal["osteopenia", "osteoporosis", "vertebral_fracture", "medical_clearance"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Dose(_Model):
    """The dose of one session. A day meets it when ANY given criterion is met:

    * ``sets`` x ``reps_min``: at least ``sets`` sets (x2 when ``per_side``) of >= ``reps_min``;
    * ``sets`` x ``seconds_min``: at least that many holds of >= ``seconds_min`` s;
    * ``minutes_min``: the day's minutes add up to at least that;
    * ``flights_min``: the day's flights of stairs add up to at least that.
    The ``*_max`` ends are the top of the range (shown, and used by nothing else).
    """

    sets: int | None = Field(None, ge=1)
    reps_min: int | None = Field(None, ge=1)
    reps_max: int | None = Field(None, ge=1)
    seconds_min: float | None = Field(None, gt=0)
    per_side: bool = False
    minutes_min: float | None = Field(None, gt=0)
    minutes_max: float | None = Field(None, gt=0)
    flights_min: float | None = Field(None, gt=0)
    flights_max: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _has_criterion(self) -> Dose:
        if not (self.reps_min or self.seconds_min or self.minutes_min or self.flights_min):
            raise ValueError("a dose needs reps_min, seconds_min, minutes_min or flights_min")
        if (self.reps_min or self.seconds_min) and not self.sets:
            raise ValueError("reps_min/seconds_min need sets")
        return self

    @property
    def required_sets(self) -> int:
        return (self.sets or 0) * (2 if self.per_side else 1)

    def describe(self) -> str:
        parts = []
        side = " per side" if self.per_side else ""
        if self.reps_min:
            top = f"-{self.reps_max}" if self.reps_max and self.reps_max != self.reps_min else ""
            parts.append(f"{self.sets}x{self.reps_min}{top} reps{side}")
        if self.seconds_min:
            parts.append(f"{self.sets}x{fmt(self.seconds_min, 'number')} s{side}")
        if self.flights_min:
            top = f"-{fmt(self.flights_max, 'number')}" if self.flights_max else ""
            parts.append(f"{fmt(self.flights_min, 'number')}{top} flights")
        if self.minutes_min:
            top = f"-{fmt(self.minutes_max, 'number')}" if self.minutes_max else ""
            parts.append(f"{fmt(self.minutes_min, 'number')}{top} min")
        return " or ".join(parts)


class ProgramExercise(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    dose: Dose
    per_week_min: int = Field(ge=1, le=7, description="days per week; 7 when daily")
    per_week_max: int | None = Field(None, ge=1, le=7)
    daily: bool = False
    recorded_as: list[str] = Field(
        default_factory=list,
        description="what the analysis reports: set:<exercise>, walk:<kind>, balance:<stance>",
    )
    requires: list[RiskFlag] = Field(default_factory=list, description="needed, else n/a")
    avoid_if: list[RiskFlag] = Field(default_factory=list, description="present: n/a")

    @model_validator(mode="after")
    def _daily(self) -> ProgramExercise:
        if self.daily and self.per_week_min != 7:
            raise ValueError(f"{self.id}: daily items need per_week_min 7")
        return self


class Pillar(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    days_per_week_min: int | None = Field(
        None, ge=1, le=7, description="days with any of the pillar's work; sets its status"
    )
    session_minutes: str | None = None
    recorded_as: list[str] = Field(
        default_factory=list,
        description="extra recorded work counting as a pillar day (fnmatch, e.g. balance:*)",
    )
    exercises: list[ProgramExercise]


class Checks(_Model):
    """Thresholds of the weekly checks (see docs/dose-log.md for their sources)."""

    max_weekly_increase_pct: float = Field(10.0, gt=0)
    flagged_rep_share_max: float = Field(0.20, gt=0, le=1)
    flagged_rep_min_reps: int = Field(10, ge=1)
    high_impact_g: float = Field(4.0, gt=1)
    habitual_weeks: int = Field(4, ge=1)
    no_overload_weeks: int = Field(3, ge=1)
    stair_steps_per_flight: float = Field(12.0, gt=0)


class Program(_Model):
    schema_: Literal["boneimu.program"] = Field(PROGRAM_SCHEMA, alias="schema")
    version: Literal[1] = PROGRAM_VERSION
    name: str
    revision: str
    source: str | None = None
    checks: Checks = Checks.model_validate({})
    pillars: list[Pillar]

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> Program:
        ids = [e.id for p in self.pillars for e in p.exercises]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"exercise ids must be unique: {', '.join(dupes)}")
        return self

    def exercise_ids(self) -> list[str]:
        return [e.id for p in self.pillars for e in p.exercises]

    def find(self, name: str) -> ProgramExercise | None:
        """An exercise by id, or by what the analysis reports (``heel_drop`` -> heel_drops)."""
        for p in self.pillars:
            for e in p.exercises:
                if name == e.id or any(k.split(":", 1)[1] == name for k in e.recorded_as):
                    return e
        return None


def load_program(path: str | Path | None = None) -> Program:
    """The program in ``path`` (JSON), or the packaged default when ``path`` is None/default."""
    if path is None or str(path) == "default":
        text = resources.files("boneimu").joinpath("data/program_default.json").read_text()
        where = "program_default.json"
    else:
        p = Path(path)
        where = str(p)
        try:
            text = p.read_text()
        except OSError as exc:
            raise ConfigError(f"{p}: cannot read program ({exc.strerror or exc})") from None
    try:
        return Program.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{where}: program is not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"{where}: invalid program at {loc or 'top'}: {first['msg']}") from None

"""Pydantic models for the rows entering and leaving the dose log."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileIn(_Model):
    """A person whose loading is logged. ``program`` is ``default`` or a program file path."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[^\s].*$")
    body_mass_kg: float | None = Field(None, gt=0, lt=500)
    height_m: float | None = Field(None, gt=0.5, lt=2.8)
    date_of_birth: Date | None = None
    age_band: str | None = Field(None, max_length=20, description="e.g. 60-69, when no DOB")
    osteopenia: bool = False
    osteoporosis: bool = False
    vertebral_fracture: bool = False
    medical_clearance: bool = False
    program: str = "default"


class Profile(ProfileIn):
    id: int
    created_utc: datetime


class ManualEntry(_Model):
    """What a phone cannot count: one exercise on one day, typed in."""

    date: Date
    exercise: str = Field(min_length=1)
    sets: int | None = Field(None, ge=1, le=100)
    reps: int | None = Field(None, ge=0, le=1000, description="reps per set")
    load_kg: float | None = Field(None, ge=0, le=1000)
    minutes: float | None = Field(None, gt=0, le=24 * 60)
    flights: float | None = Field(None, gt=0, le=1000)
    seconds: float | None = Field(None, gt=0, le=24 * 3600, description="hold per set")
    notes: str | None = None
    key: str | None = Field(None, description="stable identity for export/import")

    @model_validator(mode="after")
    def _has_amount(self) -> ManualEntry:
        if all(v is None for v in (self.reps, self.minutes, self.flights, self.seconds)):
            raise ValueError("give at least one of reps, minutes, flights or seconds")
        if (self.reps is not None or self.seconds is not None) and self.sets is None:
            self.sets = 1
        return self


class SessionRow(_Model):
    """One logged session (a recording or a manual entry) as stored."""

    id: int
    profile: str
    kind: Literal["recording", "manual"]
    content_hash: str
    date: Date
    start_time_utc: datetime | None = None
    source_path: str | None = None
    format: str | None = None
    duration_s: float | None = None
    placement: str | None = None
    body_mass_kg: float | None = None
    exercise: str | None = None
    minutes: float | None = None
    flights: float | None = None
    notes: str | None = None
    n_sets: int = 0
    n_reps: int = 0
    n_impacts: int = 0
    osteogenic_index: float = 0.0
    daily_stress_stimulus: float = 0.0
    peak_acc_g: float | None = None
    peak_grf_bw: float | None = None
    any_clipped: bool = False
    created_utc: datetime

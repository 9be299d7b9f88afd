"""The analysis result and its JSON contract (schema version 1).

Fixed fields (never renamed or removed within version 1): ``schema_version``, ``recording``,
``sets[].exercise/start_s/end_s/reps``, ``reps[].start_s/end_s/impact_s/peak_acc_g/flags``,
``balance[].start_s/end_s/stance/sway_score``, ``walking``, ``dose``. More fields may be added.
Times are seconds from the recording's first sample. JSON Schema: docs/analysis.schema.json.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from boneimu.labels import Exercise, Stance, WalkKind

SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Flag(_Model):
    """A flag on a rep, with its reason and the number behind it."""

    name: Literal["rushed", "jerky", "clipped", "low_rate"]
    reason: str
    value: float | None = None
    threshold: float | None = None


class RepResult(_Model):
    start_s: float
    end_s: float
    impact_s: float | None = Field(description="heel strike / landing; null for sit_to_stand")
    peak_acc_g: float = Field(description="peak resultant acceleration, g incl. gravity")
    flags: list[Flag] = Field(default_factory=list)
    duration_s: float | None = None
    clipped: bool = Field(False, description="peak at the sensor range: a lower bound")
    loading_rate_g_s: float | None = Field(None, description="indicative only (Kiernan 2023)")
    peak_grf_bw: float | None = None
    peak_grf_n: float | None = None
    phases_s: dict[str, float] = Field(default_factory=dict)
    ldlj_a: float | None = None
    sparc: float | None = None
    vertical_displacement_m: float | None = None
    peak_vertical_velocity_m_s: float | None = None
    power_w: float | None = None


class SetResult(_Model):
    exercise: Exercise
    start_s: float
    end_s: float
    reps: list[RepResult]
    n_reps: int = 0
    extra: dict[str, float] = Field(default_factory=dict)


class BalanceResult(_Model):
    start_s: float
    end_s: float
    stance: Stance
    sway_score: float = Field(description="0-100, higher = steadier")
    hold_s: float | None = None
    probable_rest: bool = Field(
        default=False,
        description="quiet standing between two holds of one balance exercise: probably the "
        "rest between them rather than a hold (still reported, never dropped)",
    )
    metrics: dict[str, float] = Field(default_factory=dict)


class WalkingResult(_Model):
    start_s: float
    end_s: float
    kind: WalkKind = "walk"
    steps: int
    cadence_spm: float


class ImpactBin(_Model):
    lower_g: float
    upper_g: float | None
    count: int


class DoseResult(_Model):
    n_impacts: int = 0
    impact_bins: list[ImpactBin] = Field(default_factory=list)
    peak_acc_g: float | None = None
    peak_grf_bw: float | None = None
    peak_grf_n: float | None = None
    grf_model: str | None = None
    osteogenic_index: float = 0.0
    daily_stress_stimulus: float = 0.0
    any_clipped: bool = False


class RecordingSummary(_Model):
    path: str | None
    format: str
    duration_s: float
    n_samples: int
    sample_rate_hz: float
    has_gyro: bool
    placement: str | None
    placement_detected: bool = False
    start_time_utc: datetime | None = None
    body_mass_kg: float | None = None
    height_m: float | None = None
    chair_height_m: float | None = None


class AnalysisResult(_Model):
    schema_version: Literal[1] = 1
    recording: RecordingSummary
    sets: list[SetResult] = Field(default_factory=list)
    balance: list[BalanceResult] = Field(default_factory=list)
    walking: list[WalkingResult] = Field(default_factory=list)
    dose: DoseResult = Field(default_factory=DoseResult)
    warnings: list[str] = Field(default_factory=list)


def analysis_json_schema() -> str:
    return json.dumps(AnalysisResult.model_json_schema(), indent=2, sort_keys=True) + "\n"

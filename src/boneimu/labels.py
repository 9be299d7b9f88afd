"""Ground-truth labels for a recording (schema version 1).

Written by ``firmware_sims`` for every simulated session and writable by hand for your own
recordings; read by ``boneimu validate``. Times are seconds from the recording's first sample.
The JSON Schema is published at docs/labels.schema.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from boneimu.errors import ConfigError

Exercise = Literal["heel_drop", "hop", "sit_to_stand"]
EXERCISES: tuple[Exercise, ...] = ("heel_drop", "hop", "sit_to_stand")
Stance = Literal["two_leg", "tandem", "single_leg", "unknown"]
WalkKind = Literal["walk", "brisk_walk", "stairs_up", "stairs_down"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RepLabel(_Model):
    exercise: Exercise
    start_s: float
    end_s: float
    impact_s: float | None = Field(None, description="heel strike / landing; null for sit_to_stand")
    peak_acc_g: float | None = Field(
        None, description="true peak resultant acceleration at the sensor, g incl. gravity"
    )
    clipped: bool = Field(False, description="the recorded peak is clipped by the sensor range")
    rushed: bool = False
    jerky: bool = False
    phases_s: dict[str, float] = Field(
        default_factory=dict,
        description="phase durations, e.g. rise/hold/drop, flexion/rise/extension/descent",
    )
    vertical_displacement_m: float | None = None


class SetLabel(_Model):
    exercise: Exercise
    start_s: float
    end_s: float
    reps: list[RepLabel]


class BalanceLabel(_Model):
    start_s: float
    end_s: float
    stance: Stance
    eyes: Literal["open", "closed"] = "open"
    hold_s: float = Field(description="time from start until the first touch-down or step")
    touchdowns_s: list[float] = Field(default_factory=list)
    true_sway_rms_m_s2: float | None = Field(
        None, description="RMS of the true horizontal trunk acceleration during the hold"
    )


class WalkLabel(_Model):
    start_s: float
    end_s: float
    kind: WalkKind
    steps: int
    cadence_spm: float | None = None


class OtherLabel(_Model):
    start_s: float
    end_s: float
    activity: str = Field(description="sitting, standing, handling, fidget, ...")


class Labels(_Model):
    schema_version: Literal[1] = 1
    recording: str = Field(description="file name of the recording these labels describe")
    placement: str | None = None
    body_mass_kg: float | None = None
    sets: list[SetLabel] = Field(default_factory=list)
    balance: list[BalanceLabel] = Field(default_factory=list)
    walking: list[WalkLabel] = Field(default_factory=list)
    other: list[OtherLabel] = Field(default_factory=list)
    notes: str | None = None


def load_labels(path: str | Path) -> Labels:
    """Read and validate a labels JSON file."""
    p = Path(path)
    try:
        return Labels.model_validate_json(p.read_bytes())
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read labels ({exc.strerror or exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"{p}: invalid labels at {loc}: {first['msg']}") from None


def save_labels(labels: Labels, path: str | Path) -> None:
    Path(path).write_text(labels.model_dump_json(indent=1, exclude_none=False) + "\n")


def labels_json_schema() -> str:
    return json.dumps(Labels.model_json_schema(), indent=2, sort_keys=True) + "\n"

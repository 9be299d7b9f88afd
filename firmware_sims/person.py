"""Simulated people: body size, age, tempo, impact stiffness, sway and gait traits."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Person:
    """Traits that shape every movement of one simulated person.

    Multipliers are 1.0 for a typical older adult; per-rep variability is drawn on top.
    """

    body_mass_kg: float = 68.0
    height_m: float = 1.65
    age_years: float = 66.0
    tempo: float = 1.0
    """Multiplier on movement phase durations (> 1 slower)."""
    impact_stiffness: float = 1.0
    """Multiplier on impact sharpness (> 1: stiffer landings, higher, shorter peaks)."""
    sway_level: float = 1.0
    """Multiplier on postural sway amplitude."""
    cadence_spm: float = 108.0
    """Preferred ordinary walking cadence, steps/min."""
    gait_impact: float = 1.0
    """Multiplier on walking heel-strike transients."""
    heel_rise_m: float = 0.045
    """Typical heel-raise height of the body in a heel drop."""
    hop_flight_s: float = 0.2
    """Typical flight time of a mini hop."""
    chair_height_m: float = 0.45
    balance_skill: float = 1.0
    """> 1: fewer touch-downs during balance holds."""

    @property
    def thigh_length_m(self) -> float:
        return 0.245 * self.height_m

    @property
    def com_height_m(self) -> float:
        return 0.55 * self.height_m

    def describe(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in asdict(self).items()}


def random_person(rng: np.random.Generator) -> Person:
    """Draw a plausible adult at risk of or living with osteoporosis (ages ~45–88)."""
    age = float(rng.uniform(45.0, 88.0))
    female = rng.random() < 0.75
    height = float(rng.normal(1.62 if female else 1.75, 0.06))
    bmi = float(np.clip(rng.normal(25.5, 3.5), 18.5, 36.0))
    older = np.clip((age - 45.0) / 40.0, 0.0, 1.0)
    return Person(
        body_mass_kg=round(bmi * height**2, 1),
        height_m=round(height, 3),
        age_years=round(age, 1),
        tempo=float(np.clip(rng.lognormal(np.log(1.0 + 0.15 * older), 0.15), 0.7, 1.6)),
        impact_stiffness=float(np.clip(rng.lognormal(0.0, 0.18), 0.65, 1.5)),
        sway_level=float(np.clip(rng.lognormal(np.log(0.85 + 0.4 * older), 0.25), 0.5, 2.2)),
        cadence_spm=float(np.clip(rng.normal(112.0 - 10.0 * older, 6.0), 92.0, 124.0)),
        gait_impact=float(np.clip(rng.lognormal(0.0, 0.15), 0.7, 1.4)),
        heel_rise_m=float(np.clip(rng.normal(0.045, 0.008), 0.03, 0.065)),
        hop_flight_s=float(np.clip(rng.normal(0.21 - 0.04 * older, 0.03), 0.12, 0.3)),
        chair_height_m=float(rng.uniform(0.42, 0.48)),
        balance_skill=float(np.clip(rng.lognormal(np.log(1.2 - 0.4 * older), 0.2), 0.5, 1.8)),
    )

"""Peak ground-reaction force (GRF) from peak hip / lower-back acceleration and body mass.

Published force-plate regressions, applied to the peak RESULTANT acceleration in g INCLUDING
gravity (boneimu's impact convention, 1.0 g at rest). Every estimate carries the model used,
its reported error (where boneimu could verify one), and an ``extrapolated`` flag when the
input lies outside what the model was calibrated on. Chest and thigh placements have no
validated model: boneimu returns no estimate rather than a guess.

Models (see docs/algorithms/impact.md for the full table and sources):
- Veras et al. (impactr R package, MIT) "jumping" and "walking/running" models:
  ``GRF[N] = b0 + b1*pACC + b2*mass + b3*pACC*mass``.
- Neugebauer, Collins & Hawkins 2014 (PLoS ONE 9:e99023), hip, walking/running:
  ``ln(GRF[N]) = 5.247 + 0.271*pACC + 0.014*mass + 0.934*run - 0.216*pACC*run``;
  mean absolute percent error 8.3% on the hold-out test set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import AnalysisError
from boneimu.recording import Placement
from boneimu.units import STANDARD_GRAVITY_M_S2

Activity = Literal["jumping", "walking", "running"]
ModelSite = Literal["hip", "lower_back"]


@dataclass(frozen=True)
class GrfModel:
    """One published regression from peak acceleration (g) and body mass (kg) to peak GRF (N).

    ``form``: ``"linear"`` (b0 + b1*a + b2*m + b3*a*m) or ``"neugebauer"`` (log-linear with a
    walk/run indicator, coefficients b0..b4 = intercept, acc, mass, run, acc*run).
    ``acc_range_g`` / ``mass_range_kg``: calibration domain where known (None = not reported
    in a source boneimu could check); outside it an estimate is flagged ``extrapolated``.
    """

    name: str
    citation: str
    site: ModelSite
    activities: tuple[Activity, ...]
    vector: Literal["resultant", "vertical"]
    form: Literal["linear", "neugebauer"]
    coefficients: tuple[float, ...]
    reported_error: str | None
    acc_range_g: tuple[float, float] | None
    mass_range_kg: tuple[float, float] | None

    def predict_n(
        self, peak_acc_g: NDArray[np.floating] | float, body_mass_kg: float, *, run: bool = False
    ) -> NDArray[np.float64]:
        """Peak GRF in newtons (array, same shape as ``peak_acc_g``)."""
        a = np.asarray(peak_acc_g, dtype=np.float64)
        b = self.coefficients
        if self.form == "linear":
            return b[0] + b[1] * a + b[2] * body_mass_kg + b[3] * a * body_mass_kg
        r = 1.0 if run else 0.0
        return np.exp(b[0] + b[1] * a + b[2] * body_mass_kg + b[3] * r + b[4] * a * r)


_IMPACTR = "Veras L et al., impactr R package (github.com/verasls/impactr, R/predict.R), MIT"
_NEUGEBAUER = "Neugebauer JM, Collins KH, Hawkins DA (2014) PLoS ONE 9(6):e99023"

GRF_MODELS: dict[str, GrfModel] = {
    m.name: m
    for m in (
        GrfModel(
            "veras_jumping_hip_resultant",
            _IMPACTR,
            "hip",
            ("jumping",),
            "resultant",
            "linear",
            (-493.877, 188.759, 18.008, 1.279),
            None,
            (1.3, math.inf),
            None,
        ),
        GrfModel(
            "veras_jumping_back_resultant",
            _IMPACTR,
            "lower_back",
            ("jumping",),
            "resultant",
            "linear",
            (-350.125, 152.952, 22.618, 0.654),
            None,
            (1.3, math.inf),
            None,
        ),
        GrfModel(
            "veras_walking_running_back_resultant",
            _IMPACTR,
            "lower_back",
            ("walking", "running"),
            "resultant",
            "linear",
            (795.173, -258.882, 5.951, 4.903),
            None,
            (1.3, math.inf),
            None,
        ),
        GrfModel(
            "veras_walking_running_hip_resultant",
            _IMPACTR,
            "hip",
            ("walking", "running"),
            "resultant",
            "linear",
            (844.500, -264.692, 4.677, 5.118),
            None,
            (1.3, math.inf),
            None,
        ),
        GrfModel(
            "neugebauer2014_hip_vertical",
            _NEUGEBAUER,
            "hip",
            ("walking", "running"),
            "vertical",
            "neugebauer",
            (5.247, 0.271, 0.014, 0.934, -0.216),
            "mean absolute percent error 8.3% (hold-out test set, 9 young adults)",
            None,
            (44.6, 90.6),
        ),
    )
}
"""Registered models by name. Neugebauer's mass range is the sample mean +/- 2 SD
(67.6 +/- 11.5 kg, ages 21 +/- 1.3); the Veras acc lower bound is impactr's peak threshold."""

DEFAULT_MODEL: dict[tuple[ModelSite, Activity], str] = {
    ("hip", "jumping"): "veras_jumping_hip_resultant",
    ("lower_back", "jumping"): "veras_jumping_back_resultant",
    ("hip", "walking"): "neugebauer2014_hip_vertical",
    ("hip", "running"): "neugebauer2014_hip_vertical",
    ("lower_back", "walking"): "veras_walking_running_back_resultant",
    ("lower_back", "running"): "veras_walking_running_back_resultant",
}

PLACEMENT_SITE: dict[str, ModelSite | None] = {
    "waist": "hip",
    "lower_back": "lower_back",
    "chest": None,
    "thigh": None,
}
"""boneimu placement -> regression site. Chest and thigh: no validated model (no estimate)."""


@dataclass(frozen=True)
class GrfEstimate:
    """A peak-GRF estimate: ``peak_grf_n`` (N), ``peak_grf_bw`` (body weights), the model and
    its reported error, ``extrapolated`` (input outside the calibration domain) and notes."""

    peak_grf_n: float
    peak_grf_bw: float
    model: str
    citation: str
    reported_error: str | None
    extrapolated: bool
    notes: tuple[str, ...]


def model_for(placement: Placement | str | None, activity: Activity) -> GrfModel | None:
    """The default model for a placement and activity, or ``None`` when none is validated."""
    if activity not in ("jumping", "walking", "running"):
        raise AnalysisError(f"unknown activity {activity!r}; use jumping, walking or running")
    site = PLACEMENT_SITE.get(placement) if placement is not None else None
    return None if site is None else GRF_MODELS[DEFAULT_MODEL[(site, activity)]]


def estimate_peak_grf(
    peak_acc_g: float,
    *,
    body_mass_kg: float,
    placement: Placement | str | None,
    activity: Activity,
    model_name: str | None = None,
) -> GrfEstimate | None:
    """Peak GRF for one impact. ``None`` when no validated model exists for the placement.

    ``peak_acc_g``: peak resultant acceleration, g incl. gravity (a clipped peak gives a lower
    bound). ``model_name`` overrides the default choice (see :data:`GRF_MODELS`).
    """
    if not (body_mass_kg > 0 and math.isfinite(body_mass_kg)):
        raise AnalysisError(f"body mass must be positive, got {body_mass_kg!r} kg")
    if not math.isfinite(peak_acc_g):
        raise AnalysisError(f"peak acceleration must be finite, got {peak_acc_g!r} g")
    if model_name is not None:
        if model_name not in GRF_MODELS:
            raise AnalysisError(f"unknown GRF model {model_name!r}; known: {sorted(GRF_MODELS)}")
        model: GrfModel | None = GRF_MODELS[model_name]
    else:
        model = model_for(placement, activity)
    if model is None:
        return None
    notes: list[str] = []
    extrapolated = False
    if activity not in model.activities:
        extrapolated = True
        notes.append(f"model calibrated on {'/'.join(model.activities)}, not {activity}")
    if model.acc_range_g is not None and not (
        model.acc_range_g[0] <= peak_acc_g <= model.acc_range_g[1]
    ):
        extrapolated = True
        notes.append(f"peak {peak_acc_g:.2f} g outside calibration range {model.acc_range_g}")
    if model.mass_range_kg is not None and not (
        model.mass_range_kg[0] <= body_mass_kg <= model.mass_range_kg[1]
    ):
        extrapolated = True
        notes.append(f"body mass {body_mass_kg:g} kg outside calibration {model.mass_range_kg}")
    if model.vector == "vertical":
        notes.append("model uses the vertical-axis peak; boneimu supplies the resultant peak")
    grf_n = float(model.predict_n(peak_acc_g, body_mass_kg, run=activity == "running"))
    return GrfEstimate(
        peak_grf_n=grf_n,
        peak_grf_bw=grf_n / (body_mass_kg * STANDARD_GRAVITY_M_S2),
        model=model.name,
        citation=model.citation,
        reported_error=model.reported_error,
        extrapolated=extrapolated,
        notes=tuple(notes),
    )

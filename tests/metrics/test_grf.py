"""Peak GRF regressions: hand-computed values from the published coefficients."""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose

from boneimu.errors import AnalysisError
from boneimu.metrics.grf import GRF_MODELS, estimate_peak_grf, model_for
from boneimu.units import STANDARD_GRAVITY_M_S2 as G


def test_veras_jumping_hip_hand_computed() -> None:
    est = estimate_peak_grf(4.0, body_mass_kg=70.0, placement="waist", activity="jumping")
    assert est is not None
    expected = -493.877 + 188.759 * 4.0 + 18.008 * 70.0 + 1.279 * 4.0 * 70.0
    assert_allclose(est.peak_grf_n, expected)
    assert_allclose(est.peak_grf_bw, expected / (70.0 * G))
    assert est.model == "veras_jumping_hip_resultant"
    assert not est.extrapolated


def test_veras_jumping_back_hand_computed() -> None:
    est = estimate_peak_grf(3.0, body_mass_kg=60.0, placement="lower_back", activity="jumping")
    assert est is not None
    assert_allclose(est.peak_grf_n, -350.125 + 152.952 * 3 + 22.618 * 60 + 0.654 * 3 * 60)


def test_neugebauer_walk_and_run_hand_computed() -> None:
    walk = estimate_peak_grf(1.5, body_mass_kg=67.6, placement="waist", activity="walking")
    run = estimate_peak_grf(3.0, body_mass_kg=67.6, placement="waist", activity="running")
    assert walk is not None and run is not None
    assert_allclose(walk.peak_grf_n, math.exp(5.247 + 0.271 * 1.5 + 0.014 * 67.6))
    assert_allclose(run.peak_grf_n, math.exp(5.247 + 0.271 * 3 + 0.014 * 67.6 + 0.934 - 0.216 * 3))
    # physiologically sensible: walking ~1.1 BW, running ~2.2 BW
    assert 1.0 < walk.peak_grf_bw < 1.3
    assert 1.9 < run.peak_grf_bw < 2.6
    assert walk.reported_error is not None and "8.3%" in walk.reported_error


def test_more_acceleration_more_force() -> None:
    values = [
        estimate_peak_grf(a, body_mass_kg=65.0, placement="waist", activity="jumping")
        for a in (2.0, 3.0, 5.0)
    ]
    forces = [v.peak_grf_n for v in values if v is not None]
    assert forces == sorted(forces) and len(forces) == 3


def test_extrapolation_flags() -> None:
    heavy = estimate_peak_grf(1.5, body_mass_kg=120.0, placement="waist", activity="walking")
    assert heavy is not None and heavy.extrapolated
    low = estimate_peak_grf(1.1, body_mass_kg=70.0, placement="waist", activity="jumping")
    assert low is not None and low.extrapolated
    forced = estimate_peak_grf(
        1.5,
        body_mass_kg=70.0,
        placement="waist",
        activity="walking",
        model_name="veras_jumping_hip_resultant",
    )
    assert forced is not None and forced.extrapolated


@pytest.mark.parametrize("placement", ["chest", "thigh", None])
def test_no_validated_model_gives_no_estimate(placement: str | None) -> None:
    assert model_for(placement, "jumping") is None
    assert estimate_peak_grf(3.0, body_mass_kg=70, placement=placement, activity="jumping") is None


def test_bad_inputs() -> None:
    with pytest.raises(AnalysisError):
        estimate_peak_grf(3.0, body_mass_kg=0.0, placement="waist", activity="jumping")
    with pytest.raises(AnalysisError):
        estimate_peak_grf(
            3.0, body_mass_kg=70, placement="waist", activity="jumping", model_name="nope"
        )
    with pytest.raises(AnalysisError):
        model_for("waist", "swimming")  # type: ignore[arg-type]


def test_every_registered_model_predicts_positive_force_in_range() -> None:
    for model in GRF_MODELS.values():
        assert float(model.predict_n(2.5, 70.0)) > 0

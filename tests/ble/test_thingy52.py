"""Thingy:52 decoders against hand-made vectors and the simulated firmware's encoding."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boneimu.ble.errors import MalformedFrameError
from boneimu.ble.protocols import thingy52 as th


def test_raw_motion_vector() -> None:
    # 1 g on z, -0.5 g on x; 90 deg/s on y; compass (20, -5, 40) µT
    data = struct.pack("<9h", -512, 0, 1024, 0, 2880, 0, 320, -80, 640)
    got = th.decode_raw_motion(data)
    np.testing.assert_allclose(got.acc_g, [-0.5, 0.0, 1.0])
    np.testing.assert_allclose(got.gyro_dps, [0.0, 90.0, 0.0])
    np.testing.assert_allclose(got.compass_ut, [20.0, -5.0, 40.0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-32768, 32767), min_size=9, max_size=9))
def test_raw_motion_any_int16(values: list[int]) -> None:
    got = th.decode_raw_motion(struct.pack("<9h", *values))
    np.testing.assert_array_equal(got.acc_g * 1024, values[0:3])
    np.testing.assert_array_equal(got.gyro_dps * 32, values[3:6])
    np.testing.assert_array_equal(got.compass_ut * 16, values[6:9])


def test_config_round_trip_and_limits() -> None:
    cfg = th.MotionConfig(1000, 2000, 100, 200, True)
    blob = th.encode_config(cfg)
    assert blob == struct.pack("<HHHHB", 1000, 2000, 100, 200, 1)
    assert th.decode_config(blob) == cfg
    with pytest.raises(ValueError, match=r"5\.\.200"):
        th.encode_config(th.MotionConfig(1, 1, 1, 201, False))


@pytest.mark.parametrize("n", [0, 17, 19])
def test_malformed_lengths(n: int) -> None:
    with pytest.raises(MalformedFrameError):
        th.decode_raw_motion(bytes(n))
    with pytest.raises(MalformedFrameError):
        th.decode_config(bytes(n % 9 + 10))

"""Polar PMD decoders against the published worked example, our own vectors, and the
(independent) firmware-side encoders in firmware_sims.ble.pmd_codec."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from boneimu.ble.errors import MalformedFrameError
from boneimu.ble.protocols import polar_pmd as pmd
from boneimu.errors import BleError
from firmware_sims.ble import pmd_codec as enc


def test_worked_example_from_the_published_protocol() -> None:
    # reference D0 FF 65 01 E4 0F, then one 8-bit block of 2 samples: FC 07 FF, 0C 13 F2
    payload = bytes.fromhex("D0FF6501E40F" + "0802" + "FC07FF" + "0C13F2")
    frame = bytes([2]) + (123).to_bytes(8, "little") + bytes([0x81]) + payload
    got = pmd.decode_data_frame(frame, resolution_bits=16)
    assert got.compressed and got.frame_type == 1 and got.timestamp_ns == 123
    np.testing.assert_array_equal(
        got.samples, [[-48, 357, 4068], [-52, 364, 4067], [-40, 383, 4053]]
    )
    # the independent encoder packs those deltas into exactly the published bytes ...
    deltas = np.diff(got.samples, axis=0)
    assert enc.pack_deltas(deltas, 8) == bytes.fromhex("FC07FF0C13F2")
    # ... and its own (narrower, 6-bit) choice decodes to the same samples
    smaller = enc.compressed_frame(2, 123, 1, got.samples, 16)
    assert len(smaller) < len(frame)
    np.testing.assert_array_equal(pmd.decode_data_frame(smaller).samples, got.samples)


def test_features_h10() -> None:
    assert pmd.decode_features(bytes.fromhex("0f0500")) == {
        pmd.MeasurementType.ECG,
        pmd.MeasurementType.ACC,
    }
    assert pmd.MeasurementType.GYRO in pmd.decode_features(bytes.fromhex("0f2400"))
    with pytest.raises(MalformedFrameError):
        pmd.decode_features(b"\xf0\x05")


def test_start_command_matches_published_example() -> None:
    cmd = pmd.encode_start(
        pmd.MeasurementType.ACC,
        {
            pmd.SettingType.SAMPLE_RATE: 200,
            pmd.SettingType.RESOLUTION: 16,
            pmd.SettingType.RANGE: 8,
        },
    )
    assert cmd == bytes.fromhex("02020001C80001011000020108 00".replace(" ", ""))
    parsed = enc.parse_tlv(cmd[2:])
    assert parsed == {0: [200], 1: [16], 2: [8]}


def test_settings_tlv_round_trip_with_factor() -> None:
    blob = enc.build_tlv({0: [25, 50, 100, 200], 1: [16], 2: [2, 4, 8], 4: [3], 5: [0.5]})
    got = pmd.decode_settings(blob)
    assert got[pmd.SettingType.SAMPLE_RATE] == (25, 50, 100, 200)
    assert got[pmd.SettingType.RANGE] == (2, 4, 8)
    assert got[pmd.SettingType.CHANNELS] == (3,)
    assert got[pmd.SettingType.FACTOR] == (0.5,)
    for bad in (b"\x00", b"\x00\x02\xc8\x00", b"\x09\x01\x00"):
        with pytest.raises(MalformedFrameError):
            pmd.decode_settings(bad)


@pytest.mark.parametrize("status", range(14))
def test_every_status_code(status: int) -> None:
    resp = pmd.decode_control_response(
        enc.response(2, 2, status, b"\x05\x01" + struct.pack("<f", 1.0))
    )
    assert isinstance(resp, pmd.ControlResponse)
    assert resp.status == status and resp.op == 2 and resp.measurement_type == 2
    assert resp.ok is (status == 0)
    assert resp.status_name == pmd.PmdStatus(status).name.lower()
    assert pmd.status_message(resp).startswith("PMD start ACC")


def test_device_stopped_and_garbage() -> None:
    stopped = pmd.decode_control_response(enc.device_stopped([2, 5]))
    assert isinstance(stopped, pmd.DeviceStopped) and stopped.measurement_types == (2, 5)
    for bad in (b"", b"\xaa\x02\x02\x00", b"\xf0\x02"):
        with pytest.raises(MalformedFrameError):
            pmd.decode_control_response(bad)
    assert issubclass(MalformedFrameError, BleError)


@pytest.mark.parametrize(
    "frame_type, lo, hi", [(0, -128, 127), (1, -32768, 32767), (2, -(2**23), 2**23 - 1)]
)
def test_raw_frames_extremes(frame_type: int, lo: int, hi: int) -> None:
    counts = np.array([[lo, hi, 0], [-1, 1, lo + 1]], dtype=np.int64)
    frame = enc.raw_frame(2, 2**62 + 5, frame_type, counts)
    got = pmd.decode_data_frame(frame)
    assert not got.compressed and got.frame_type == frame_type
    assert got.timestamp_ns == 2**62 + 5
    np.testing.assert_array_equal(got.samples, counts)


def test_malformed_data_frames() -> None:
    good = enc.raw_frame(2, 10, 1, np.zeros((4, 3), np.int64))
    cases = [
        good[:5],  # shorter than the header
        good[:-1],  # not a whole number of samples
        good[:9] + b"\x07" + good[10:],  # unknown raw frame type
        enc.compressed_frame(2, 10, 1, np.arange(30).reshape(10, 3), 16)[:-2],  # block cut
        bytes([2]) + bytes(8) + b"\x80" + b"\x01\x00\x02",  # reference cut
        bytes([2]) + bytes(8) + b"\x80" + bytes(6) + b"\x00\x01\x00",  # 0-bit block
    ]
    for bad in cases:
        with pytest.raises(MalformedFrameError):
            pmd.decode_data_frame(bad)


samples_16 = arrays(
    np.int64, st.tuples(st.integers(1, 60), st.just(3)), elements=st.integers(-32768, 32767)
)


@settings(max_examples=60, deadline=None)
@given(samples_16, st.integers(0, 2**63 - 1))
def test_compressed_round_trip(samples: np.ndarray, ts: int) -> None:
    frame = enc.compressed_frame(2, ts, 0, samples, 16)
    got = pmd.decode_data_frame(frame, resolution_bits=16)
    assert got.compressed and got.timestamp_ns == ts
    np.testing.assert_array_equal(got.samples, samples)


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.int64,
        st.tuples(st.integers(1, 40), st.just(3)),
        elements=st.integers(-(2**23), 2**23 - 1),
    ),
    st.sampled_from([0, 1, 2]),
)
def test_raw_round_trip(samples: np.ndarray, frame_type: int) -> None:
    width = {0: 8, 1: 16, 2: 24}[frame_type]
    samples = np.clip(samples, -(2 ** (width - 1)), 2 ** (width - 1) - 1)
    got = pmd.decode_data_frame(enc.raw_frame(2, 1, frame_type, samples))
    np.testing.assert_array_equal(got.samples, samples)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-(2**20), 2**20), min_size=1, max_size=64), st.integers(1, 24))
def test_delta_bit_packing_lsb_first(values: list[int], extra_bits: int) -> None:
    deltas = np.array(values, dtype=np.int64)
    bits = int(enc.bits_for(deltas).max())
    bits = min(32, bits + extra_bits % 3)  # wider-than-needed blocks are legal too
    n = len(values) // 3 * 3
    if n == 0:
        return
    block = deltas[:n].reshape(-1, 3)
    payload = bytes(6) + bytes([bits, block.shape[0]]) + enc.pack_deltas(block, bits)
    frame = bytes([2]) + bytes(8) + b"\x80" + payload
    got = pmd.decode_data_frame(frame, resolution_bits=16)
    np.testing.assert_array_equal(got.samples[1:], np.cumsum(block, axis=0))

"""Drivers against the simulated firmware through the in-memory fake client (virtual time)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from boneimu.ble.drivers.polar import PolarPmdDriver
from boneimu.ble.drivers.thingy import Thingy52Driver
from boneimu.ble.errors import CommandTimeoutError, ControlPointError, UnsupportedFeatureError
from boneimu.ble.protocols import polar_pmd as pmd
from boneimu.ble.sim_client import SimLink
from boneimu.units import NS_PER_S
from firmware_sims.ble import Faults, PolarPmdFirmware, Thingy52Firmware, polar_h10, polar_verity


class CallLog:
    """Wraps a client and records every call (name, first argument)."""

    def __init__(self, inner: Any, log: list[tuple[str, Any]]) -> None:
        self.inner, self.log = inner, log

    @property
    def is_connected(self) -> bool:
        return bool(self.inner.is_connected)

    @property
    def mtu_size(self) -> int:
        return int(self.inner.mtu_size)

    def __getattr__(self, name: str) -> Any:
        fn = getattr(self.inner, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            arg = args[1] if name == "write_gatt_char" else (args[0] if args else None)
            self.log.append((name, bytes(arg) if isinstance(arg, bytes | bytearray) else arg))
            return await fn(*args, **kwargs)

        return call


def _true_motion_error(fw: Any, link: Any, got: Any) -> np.ndarray:
    true_s = (got.time_ns - link.start_unix_ns) / NS_PER_S
    acc, _ = fw.sample_motion(true_s)
    return np.abs(got.acc - acc)


def test_h10_raw_stream_matches_the_motion(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10())
    drv, link, got = run_sim(fw, PolarPmdDriver, duration_s=10.0, acc_rate_hz=200)
    n = got.time_ns.size
    assert abs(n - (10.0 - 0.5) * 200) <= 40  # start-up delay, then 200 Hz to the deadline
    dt_ms = np.diff(got.time_ns) / 1e6
    assert np.median(dt_ms) == pytest.approx(5.0, abs=1e-3)
    assert drv.stats.received_samples == n and drv.stats.gaps == []
    err = _true_motion_error(fw, link, got)
    assert np.median(err) < 0.01 and err.max() < 0.6  # 1 mG counts; impacts are steep
    assert drv.stop_reason == "duration reached" and not link.fw.connected


def test_h10_compressed_and_factor(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10(compressed=True))
    _, link, got = run_sim(fw, PolarPmdDriver, duration_s=5.0, acc_rate_hz=100)
    assert abs(got.time_ns.size - 450) <= 40
    assert np.median(_true_motion_error(fw, link, got)) < 0.01


def test_verity_acc_and_gyro_paired(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_verity())
    _, link, got = run_sim(fw, PolarPmdDriver, duration_s=8.0, acc_rate_hz=52, gyro_rate_hz=52)
    assert got.gyro.shape == got.acc.shape
    # the gyro stream starts a command later than ACC: only the first rows lack gyro (NaN)
    nan_rows = np.flatnonzero(np.isnan(got.gyro).any(axis=1))
    assert nan_rows.size <= 10 and np.array_equal(nan_rows, np.arange(nan_rows.size))
    true_s = (got.time_ns - link.start_unix_ns) / NS_PER_S
    acc, gyro = fw.sample_motion(true_s)
    ok = ~np.isnan(got.gyro).any(axis=1)
    assert np.median(np.abs(got.gyro[ok] - gyro[ok])) < 2e-3  # 0.061 dps counts
    assert np.median(np.abs(got.acc - acc)) < 0.01


def test_thingy_stream(run_sim: Any) -> None:
    fw = Thingy52Firmware()
    drv, link, got = run_sim(fw, Thingy52Driver, duration_s=5.0, rate_hz=60)
    assert abs(got.time_ns.size - 300) <= 3
    assert fw.rate_hz == 60  # the driver wrote the config
    assert np.median(_true_motion_error(fw, link, got)) < 0.01
    assert drv.stats.dropped_samples == 0


def test_thingy_lost_notifications_counted(run_sim: Any) -> None:
    fw = Thingy52Firmware(faults=Faults(drop_prob=0.05, seed=3))
    drv, link, _got = run_sim(fw, Thingy52Driver, duration_s=20.0, rate_hz=50)
    assert link.notifications_dropped > 10
    assert abs(drv.stats.dropped_samples - link.notifications_dropped) <= 1
    assert len(drv.stats.gaps) > 5


def _host_ticks(monkeypatch: pytest.MonkeyPatch, tick_s: float) -> None:
    """The host sees notifications only every ``tick_s`` (a busy event loop, OS buffering,
    connection events): each is stamped at the end of its tick, up to ``tick_s`` late."""
    real = SimLink.clock_ns
    tick_ns = int(tick_s * NS_PER_S)

    def clock_ns(self: SimLink) -> int:
        rel = real(self) - self.start_unix_ns
        return self.start_unix_ns + (rel // tick_ns + 1) * tick_ns

    monkeypatch.setattr(SimLink, "clock_ns", clock_ns)


@pytest.mark.parametrize(
    ("tick_s", "jitter_s", "rate_hz", "drift_ppm"),
    [(0.1, 0.0, 100, 50.0), (0.1, 0.0, 200, -50.0), (None, 0.005, 100, 50.0)],
)
def test_thingy_late_delivery_is_not_loss(
    tick_s: float | None,
    jitter_s: float,
    rate_hz: int,
    drift_ppm: float,
    run_sim: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Notifications many periods late (bursts every 100 ms, or exponential jitter) on a
    # lossless link: nothing dropped, no gaps, the true rate and drift.
    if tick_s is not None:
        _host_ticks(monkeypatch, tick_s)
    faults = Faults(clock_drift_ppm=drift_ppm, latency_s=0.01, jitter_s=jitter_s, seed=5)
    fw = Thingy52Firmware(faults=faults)
    drv, link, got = run_sim(fw, Thingy52Driver, duration_s=60.0, rate_hz=rate_hz, step_s=0.1)
    assert link.notifications_dropped == 0
    assert drv.stats.dropped_samples == 0 and drv.stats.gaps == []
    t = got.time_ns
    assert abs(t.size - 60 * rate_hz) <= 0.02 * 60 * rate_hz
    period_ns = NS_PER_S / rate_hz / (1 + drift_ppm * 1e-6)
    assert (t[-1] - t[0]) / (t.size - 1) == pytest.approx(period_ns, rel=2e-4)
    if tick_s is None:  # 100 ms host ticks hide 3 ms of drift in a minute
        assert abs(drv.stats.drift_ppm + drift_ppm) < 30


def test_thingy_losses_counted_under_late_delivery(
    run_sim: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _host_ticks(monkeypatch, 0.02)
    faults = Faults(drop_prob=0.03, latency_s=0.01, jitter_s=0.005, seed=5)
    fw = Thingy52Firmware(faults=faults)
    drv, link, _got = run_sim(fw, Thingy52Driver, duration_s=60.0, rate_hz=100, step_s=0.1)
    assert link.notifications_dropped > 100
    assert abs(drv.stats.dropped_samples - link.notifications_dropped) <= 1


def test_thingy_reconnect_outage_is_a_gap_not_loss(run_sim: Any) -> None:
    fw = Thingy52Firmware(faults=Faults(disconnect_at_s=[5.0]))
    drv, link, got = run_sim(fw, Thingy52Driver, duration_s=12.0, rate_hz=50)
    assert drv.stats.reconnects == 1 and drv.stats.dropped_samples == 0
    assert len(drv.stats.gaps) == 1
    assert np.all(np.diff(got.time_ns) > 0)
    assert np.median(_true_motion_error(fw, link, got)) < 0.01  # times right after it too


def test_order_features_before_subscribe_and_clean_teardown(run_sim: Any) -> None:
    log: list[tuple[str, Any]] = []
    fw = PolarPmdFirmware(polar_h10())
    run_sim(fw, PolarPmdDriver, duration_s=2.0, wrap=lambda c: CallLog(c, log))
    names = [n for n, _ in log]
    assert names[:4] == ["connect", "read_gatt_char", "start_notify", "start_notify"]
    writes = [a for n, a in log if n == "write_gatt_char"]
    assert writes[0] == bytes([1, 2]) and writes[1][:2] == bytes([2, 2])
    assert writes[-1] == bytes([3, 2])  # stop
    assert names[-3:] == ["stop_notify", "stop_notify", "disconnect"]


@pytest.mark.parametrize("status", [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13])
def test_start_error_status_raises_and_disconnects(status: int, run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10(), force_status={2: status})
    with pytest.raises(ControlPointError) as info:
        run_sim(fw, PolarPmdDriver, duration_s=2.0)
    assert info.value.status == status
    assert pmd.PmdStatus(status).name.lower() in str(info.value)
    assert not fw.connected


def test_real_status_paths_in_charger_bad_rate_missing_gyro(run_sim: Any) -> None:
    with pytest.raises(ControlPointError, match="device_in_charger"):
        run_sim(
            PolarPmdFirmware(polar_h10(), faults=Faults(in_charger=True)),
            PolarPmdDriver,
            duration_s=1.0,
        )
    with pytest.raises(UnsupportedFeatureError, match="rate 150 Hz not offered"):
        run_sim(PolarPmdFirmware(polar_h10()), PolarPmdDriver, duration_s=1.0, acc_rate_hz=150)
    with pytest.raises(UnsupportedFeatureError, match="GYRO"):
        run_sim(PolarPmdFirmware(polar_h10()), PolarPmdDriver, duration_s=1.0, gyro_rate_hz=52)


def test_already_in_state_restarts_the_stream(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10())
    # a previous session left ACC running at 25 Hz
    assert fw.handle_command(bytes.fromhex("020200011900"))[3] == 0
    _drv, _, got = run_sim(fw, PolarPmdDriver, duration_s=4.0, acc_rate_hz=200)
    assert np.median(np.diff(got.time_ns)) == pytest.approx(5e6, rel=1e-3)


def test_command_timeout(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10())

    async def silent(_cmd: bytes) -> None:
        return None

    fw.table.get(pmd.PMD_CONTROL_UUID).on_write = silent
    with pytest.raises(CommandTimeoutError):
        run_sim(fw, PolarPmdDriver, duration_s=1.0, command_timeout_s=0.1)
    assert not fw.connected


def test_dropped_notifications_counted_and_gaps_marked(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10(), faults=Faults(drop_prob=0.08, seed=5))
    drv, link, got = run_sim(fw, PolarPmdDriver, duration_s=30.0)
    lost = link.notifications_dropped
    assert lost > 5
    assert drv.stats.dropped_samples % 36 == 0  # whole 36-sample frames
    assert 36 * (lost - 1) <= drv.stats.dropped_samples <= 36 * lost
    assert 1 <= len(drv.stats.gaps) <= lost
    big = np.diff(got.time_ns) > 1.5 * 5e6
    assert big.sum() == len(drv.stats.gaps)


def test_malformed_frames_logged_and_skipped(
    caplog: pytest.LogCaptureFixture, run_sim: Any
) -> None:
    fw = PolarPmdFirmware(polar_h10(), faults=Faults(malformed_prob=0.05, seed=2))
    drv, _, got = run_sim(fw, PolarPmdDriver, duration_s=20.0)
    assert fw.frames_malformed > 2
    assert drv.stats.malformed == fw.frames_malformed
    assert drv.stats.dropped_samples >= 36 * (fw.frames_malformed - 1)
    assert "skipped frame" in caplog.text
    assert got.time_ns.size > 0.8 * 20 * 200


def test_disconnect_mid_set_reconnects_and_continues(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10(), faults=Faults(disconnect_at_s=[6.0]))
    drv, _, got = run_sim(fw, PolarPmdDriver, duration_s=15.0)
    assert drv.stats.reconnects == 1
    assert len(drv.stats.gaps) == 1
    start, end = drv.stats.gaps[0]
    assert 0.5 < (end - start) / NS_PER_S < 2.0  # back-off + connect + start-up delay
    t_s = (got.time_ns - got.time_ns[0]) / NS_PER_S
    assert t_s[-1] > 13.0 and (t_s > 8.0).sum() > 1000
    assert drv.stop_reason == "duration reached"


def test_device_initiated_stop_ends_the_session_cleanly(run_sim: Any) -> None:
    fw = PolarPmdFirmware(polar_h10(), faults=Faults(stop_at_s=4.0))
    drv, link, got = run_sim(fw, PolarPmdDriver, duration_s=30.0)
    assert drv.stats.device_stops == 1
    assert "device stopped" in drv.stop_reason
    assert (got.time_ns[-1] - link.start_unix_ns) / NS_PER_S <= 4.0 + 1e-3
    assert not fw.connected


@pytest.mark.parametrize("drift_ppm", [-100.0, 100.0])
def test_drift_over_an_hour_mapped_within_10_ms(drift_ppm: float, run_sim: Any) -> None:
    faults = Faults(clock_drift_ppm=drift_ppm, latency_s=0.005, jitter_s=0.01, seed=7)
    fw = PolarPmdFirmware(polar_h10(), faults=faults)
    drv, link, got = run_sim(fw, PolarPmdDriver, duration_s=3600.0, acc_rate_hz=25, step_s=0.5)
    t = got.time_ns
    assert (t[-1] - t[0]) / NS_PER_S > 3590
    # truth: sample k was taken at device time first + k / 25 s (no drops in this run)
    assert len(fw.start_log) == 1
    first_dev = fw.start_log[0][1]
    dev = first_dev + np.arange(t.size) * (NS_PER_S // 25)
    true_host = link.true_to_host_ns(0) + np.rint(fw.true_s(dev) * NS_PER_S).astype(np.int64)
    err_ms = np.abs(t - true_host) / 1e6  # includes the 5 ms minimum latency
    assert err_ms[250:].max() < 10.0  # after the first 10 s
    assert drv.stats.drift_ppm == pytest.approx(-drift_ppm, abs=5)

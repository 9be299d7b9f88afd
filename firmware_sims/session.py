"""Simulated sessions: person + program + placement + phone → Recording, exact labels, truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import ConfigError
from boneimu.io import finish_recording
from boneimu.labels import BalanceLabel, Labels, OtherLabel, RepLabel, SetLabel, WalkLabel
from boneimu.recording import PLACEMENTS, Recording
from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2
from firmware_sims.motion import Motion, SensorTruth, sensor_truth, synthesize_motion
from firmware_sims.motion.track import BalanceEvent, OtherEvent, SetEvent, WalkEvent
from firmware_sims.person import Person, random_person
from firmware_sims.sensors import SampledStream, SensorSpec, antialias, phone_spec, sample_stream

FloatArray = NDArray[np.float64]
FINE_MIN_HZ = 400.0
"""Motion is synthesised on a grid at least this fast (and ≥ 4× the output rate)."""
SIM_EPOCH = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SWAY_SETTLE_S = 0.5
"""A balance label's true sway RMS skips this much of the hold's start (the step into the
stance ends there and its footfall is still ringing)."""


@dataclass(frozen=True, eq=False)
class SimTruth:
    """Dense truth on the fine motion grid; ``t_s`` is seconds from the first recorded sample."""

    fs_hz: float
    t_s: FloatArray
    acc_m_s2: FloatArray
    """True specific force, device frame (n, 3), incl. gravity."""
    acc_bandlimited_m_s2: FloatArray
    """The same after the sensor's anti-alias filter: what label peaks are measured on."""
    gyro_rad_s: FloatArray
    gravity_m_s2: FloatArray
    """Gravity reaction in the device frame (n, 3)."""
    acc_world_m_s2: FloatArray
    """Linear acceleration of the device in the world frame, gravity excluded (n, 3)."""
    tilt_rad: FloatArray
    """Angle of the carrying segment's long axis from vertical (trunk tilt; thigh ~90° seated)."""
    thigh_pitch_rad: FloatArray
    mount: FloatArray


@dataclass(eq=False)
class SimSession:
    """A simulated session. ``recording`` is what the phone recorded; ``labels`` exact truth."""

    recording: Recording
    labels: Labels
    truth: SimTruth
    person: Person
    program: str
    placement: str
    seed: int
    spec: SensorSpec
    acc_stream: SampledStream
    gyro_stream: SampledStream | None
    start_time_utc: datetime
    motion: Motion

    @property
    def epoch_ns(self) -> int:
        return int(self.start_time_utc.timestamp()) * NS_PER_S

    def write(
        self, out_dir: str | Path, fmt: str = "sensor_logger_android", stem: str | None = None
    ) -> Path:
        """Write the recording in ``fmt`` and ``<stem>.labels.json``; returns the recording path."""
        from firmware_sims.writers import write_session

        return write_session(self, out_dir, fmt=fmt, stem=stem)


def fine_rate_hz(fs_hz: float) -> float:
    k = int(np.ceil(max(FINE_MIN_HZ, 4.0 * fs_hz) / fs_hz))
    return fs_hz * k


def simulate_session(
    program: str = "heel_drop:2x15, sit_to_stand:3x10, tandem:2x30s, walk:3min",
    placement: str = "waist",
    seed: int = 0,
    fs_hz: float = 100.0,
    person: Person | None = None,
    phone: str = "android",
    gyro: bool = True,
    *,
    spec: SensorSpec | None = None,
    mount: FloatArray | None = None,
    acc_range_g: float | None = None,
) -> SimSession:
    """Simulate a person doing ``program`` with a phone at ``placement``.

    ``person`` None draws one with :func:`random_person`. ``phone`` is ``android``, ``ios`` or
    ``ideal`` (no errors); ``spec`` overrides the whole sensor model (fault knobs). Deterministic
    for a given set of arguments.
    """
    if placement not in PLACEMENTS:
        raise ConfigError(f"unknown placement {placement!r}; known: {', '.join(PLACEMENTS)}")
    if not 10.0 <= fs_hz <= 1000.0:
        raise ConfigError(f"sample rate {fs_hz} Hz out of range (10..1000 Hz)")
    rng = np.random.default_rng(seed)
    person = person if person is not None else random_person(rng)
    if spec is None:
        try:
            spec = phone_spec(phone, fs_hz=fs_hz, gyro=gyro, acc_range_g=acc_range_g)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    fine = fine_rate_hz(spec.acc.fs_hz)
    motion = synthesize_motion(program, person, rng, fine)
    tr = sensor_truth(motion, placement, mount, rng)
    acc_s = sample_stream(motion.t_s, tr.acc_m_s2, spec.acc, rng, fine_fs_hz=fine)
    gyro_s = None
    if spec.gyro is not None:
        inst = None if spec.separate_gyro_clock else (acc_s.true_t_s, acc_s.time_ns)
        gyro_s = sample_stream(
            motion.t_s, tr.gyro_rad_s, spec.gyro, rng, fine_fs_hz=fine, instants=inst
        )
    start = SIM_EPOCH + timedelta(days=int(seed) % 365, seconds=int(rng.integers(0, 36000)))
    epoch_ns = int(start.timestamp()) * NS_PER_S
    rec = _recording(acc_s, gyro_s, spec, placement, epoch_ns, start, program, seed)
    t0_s = float(acc_s.time_ns[0]) / NS_PER_S
    bw = spec.acc.bandwidth_hz or 0.4 * spec.acc.fs_hz
    acc_bl = antialias(tr.acc_m_s2, fs_hz=fine, bandwidth_hz=bw)
    truth = SimTruth(
        fs_hz=fine,
        t_s=motion.t_s - t0_s,
        acc_m_s2=tr.acc_m_s2,
        acc_bandlimited_m_s2=acc_bl,
        gyro_rad_s=tr.gyro_rad_s,
        gravity_m_s2=tr.gravity_m_s2,
        acc_world_m_s2=tr.acc_world_m_s2,
        tilt_rad=tr.tilt_rad,
        thigh_pitch_rad=motion.thigh,
        mount=tr.mount,
    )
    labels = build_labels(motion, truth, tr, spec, placement, person, t0_s, name="")
    return SimSession(
        recording=rec,
        labels=labels,
        truth=truth,
        person=person,
        program=program,
        placement=placement,
        seed=seed,
        spec=spec,
        acc_stream=acc_s,
        gyro_stream=gyro_s,
        start_time_utc=start,
        motion=motion,
    )


def _recording(
    acc: SampledStream,
    gyro: SampledStream | None,
    spec: SensorSpec,
    placement: str,
    epoch_ns: int,
    start: datetime,
    program: str,
    seed: int,
) -> Recording:
    return finish_recording(
        None,
        time_ns=acc.time_ns + epoch_ns,
        acc_m_s2=acc.values,
        gyro_rad_s=None if gyro is None else gyro.values,
        gyro_time_ns=None if gyro is None else gyro.time_ns + epoch_ns,
        source_format="simulated",
        source_app="boneimu firmware_sims",
        platform=spec.platform if spec.platform in ("android", "ios") else "other",
        device=spec.device,
        placement=placement,
        nominal_rate_hz=spec.acc.fs_hz,
        time_is_absolute=True,
        start_time_utc=start,
        acc_range_g=spec.acc_range_g,
        extra={"program": program, "seed": str(seed)},
    )


def build_labels(
    motion: Motion,
    truth: SimTruth,
    tr: SensorTruth,
    spec: SensorSpec,
    placement: str,
    person: Person,
    t0_s: float,
    *,
    name: str,
) -> Labels:
    """Exact labels from the motion's events, with peaks measured on the band-limited truth."""
    fs = motion.fs_hz
    mag = np.linalg.norm(truth.acc_bandlimited_m_s2, axis=1)
    over = np.asarray((np.abs(truth.acc_bandlimited_m_s2) >= spec.acc.range).any(axis=1))

    def rel(t: float) -> float:
        return round(max(t - t0_s, 0.0), 4)

    sets, balance, walking, other = [], [], [], []
    for ev in motion.events:
        if isinstance(ev, SetEvent):
            reps = []
            for r in ev.reps:
                impact_s = peak = None
                clipped = False
                if r.contact_s is not None:
                    i0 = max(int((r.contact_s - 0.03) * fs), 0)
                    i1 = min(int((r.contact_s + 0.25) * fs), motion.n)
                    k = i0 + int(np.argmax(mag[i0:i1]))
                    impact_s = rel(k / fs)
                    peak = round(float(mag[k]) / STANDARD_GRAVITY_M_S2, 4)
                    clipped = bool(over[i0:i1].any())
                reps.append(
                    RepLabel(
                        exercise=r.exercise,  # type: ignore[arg-type]
                        start_s=rel(r.start_s),
                        end_s=rel(r.end_s),
                        impact_s=impact_s,
                        peak_acc_g=peak,
                        clipped=clipped,
                        rushed=r.rushed,
                        jerky=r.jerky,
                        phases_s={k2: round(float(v), 4) for k2, v in r.phases_s.items()},
                        vertical_displacement_m=None
                        if r.vertical_displacement_m is None
                        else round(float(r.vertical_displacement_m), 4),
                    )
                )
            sets.append(
                SetLabel(
                    exercise=ev.exercise,  # type: ignore[arg-type]
                    start_s=rel(ev.start_s),
                    end_s=rel(ev.end_s),
                    reps=reps,
                )
            )
        elif isinstance(ev, BalanceEvent):
            first = ev.touchdowns_s[0] if ev.touchdowns_s else ev.end_s
            # true sway: from the hold's start, after the last step's footfall has rung out
            # (SWAY_SETTLE_S), to the first touch-down
            i0, i1 = int((ev.start_s + SWAY_SETTLE_S) * fs), int(first * fs)
            horiz = tr.acc_world_m_s2[i0:i1, :2]
            sway = float(np.sqrt(np.mean(np.sum(horiz**2, axis=1)))) if i1 > i0 else None
            balance.append(
                BalanceLabel(
                    start_s=rel(ev.start_s),
                    end_s=rel(ev.end_s),
                    stance=ev.stance,  # type: ignore[arg-type]
                    eyes=ev.eyes,  # type: ignore[arg-type]
                    hold_s=round(first - ev.start_s, 4),
                    touchdowns_s=[rel(t) for t in ev.touchdowns_s],
                    true_sway_rms_m_s2=None if sway is None else round(sway, 5),
                )
            )
        elif isinstance(ev, WalkEvent):
            walking.append(
                WalkLabel(
                    start_s=rel(ev.start_s),
                    end_s=rel(ev.end_s),
                    kind=ev.kind,  # type: ignore[arg-type]
                    steps=ev.steps,
                    cadence_spm=round(ev.cadence_spm, 2),
                )
            )
        elif isinstance(ev, OtherEvent):
            other.append(
                OtherLabel(start_s=rel(ev.start_s), end_s=rel(ev.end_s), activity=ev.activity)
            )
    return Labels(
        recording=name,
        placement=placement,
        body_mass_kg=person.body_mass_kg,
        sets=sets,
        balance=balance,
        walking=walking,
        other=other,
        notes=f"simulated by firmware_sims; program: {motion.program}",
    )

"""Turn a program into one continuous :class:`Motion`: items, sets, rests and transitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from firmware_sims.motion.exercises import heel_drop_set, hop_set, sit_to_stand_set
from firmware_sims.motion.gait import stairs, walk
from firmware_sims.motion.postural import (
    balance_hold,
    fidget,
    handling,
    posture_change,
    sit_idle,
    stand_idle,
)
from firmware_sims.motion.shapes import band_noise, min_jerk_pos
from firmware_sims.motion.track import Event, Posture, Track, shift_event
from firmware_sims.person import Person
from firmware_sims.program import BALANCE_ITEMS, ProgramItem, parse_program

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Motion:
    """World-frame kinematics of a whole session on a uniform grid (see ``Track`` fields)."""

    fs_hz: float
    t_s: FloatArray
    acc: FloatArray
    impact: FloatArray
    rpy: FloatArray
    chest: FloatArray
    thigh: FloatArray
    hand_rv: FloatArray
    hand_acc: FloatArray
    events: list[Event] = field(default_factory=list)
    person: Person | None = None
    program: str = ""

    @property
    def n(self) -> int:
        return int(self.t_s.size)

    @property
    def duration_s(self) -> float:
        return self.n / self.fs_hz


def _start_posture(item: ProgramItem) -> Posture:
    return "sit" if item.name in ("sit", "sit_to_stand") else "stand"


def _item_chunk(item: ProgramItem, person: Person, rng: np.random.Generator, fs: float) -> Track:
    n = item.name
    if n == "heel_drop":
        return heel_drop_set(
            person, rng, fs, reps=item.reps or 1, rushed=item.rushed, jerky=item.jerky
        )
    if n == "hop":
        return hop_set(person, rng, fs, reps=item.reps or 1, rushed=item.rushed, jerky=item.jerky)
    if n == "sit_to_stand":
        return sit_to_stand_set(
            person, rng, fs, reps=item.reps or 1, rushed=item.rushed, jerky=item.jerky
        )
    secs = float(item.seconds or 10.0)
    if n in BALANCE_ITEMS:
        return balance_hold(
            person, rng, fs, stance=n, seconds=secs, eyes=item.eyes, touchdown_p=item.touchdowns
        )
    if n in ("walk", "brisk_walk", "slow_walk"):
        return walk(person, rng, fs, seconds=secs, kind=n, cadence_spm=item.cadence_spm)
    if n == "stairs":
        return stairs(person, rng, fs, seconds=secs)
    if n == "sit":
        return sit_idle(person, rng, fs, seconds=secs)
    if n == "stand":
        return stand_idle(person, rng, fs, seconds=secs)
    if n == "fidget":
        return fidget(person, rng, fs, seconds=secs)
    raise AssertionError(n)  # handling is built by the composer (it needs the mount state)


def synthesize_motion(
    program: str | list[ProgramItem],
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    lead_in: bool = True,
) -> Motion:
    """World-frame body kinematics for a whole program, sampled uniformly at ``fs_hz``.

    The session starts with the phone being put in place (handling) and a short stand, has
    realistic rests between sets (standing with shuffling and fidgeting; seated after
    sit-to-stands) and short transitions between items, and ends with the phone being taken out.
    ``lead_in=False`` drops the opening and closing handling (for firmware models).
    """
    items = parse_program(program) if isinstance(program, str) else list(program)
    fs = float(fs_hz)
    chunks: list[Track] = []
    posture: Posture = "stand"
    mount_rv = np.zeros(3)

    def add(tr: Track, hand_rv: FloatArray | None = None) -> None:
        nonlocal posture
        tr.hand_rv[:] = mount_rv if hand_rv is None else hand_rv
        chunks.append(tr)
        posture = tr.end_posture

    def go_to(p: Posture) -> None:
        if posture != p:
            add(posture_change(person, rng, fs, to=p))

    def handle(seconds: float, r0: FloatArray, r1: FloatArray) -> None:
        nonlocal mount_rv
        tr = handling(person, rng, fs, seconds=seconds, start_rv=r0, end_rv=r1, posture=posture)
        add(tr, tr.hand_rv.copy())
        mount_rv = r1

    def big_rotation() -> FloatArray:
        v = rng.standard_normal(3)
        return v / np.linalg.norm(v) * rng.uniform(1.0, 2.5)

    if lead_in:
        handle(rng.uniform(3.0, 6.0), big_rotation(), np.zeros(3))
        add(stand_idle(person, rng, fs, seconds=rng.uniform(2.0, 5.0)))
    rest_fns: dict[Posture, Callable[[float], Track]] = {
        "stand": lambda s: stand_idle(person, rng, fs, seconds=s, label="rest"),
        "sit": lambda s: sit_idle(person, rng, fs, seconds=s, label="rest"),
    }
    for i, item in enumerate(items):
        if i > 0:
            if posture == "stand" and rng.random() < 0.3:
                add(fidget(person, rng, fs, seconds=rng.uniform(3.0, 8.0)))
            else:
                add(rest_fns[posture](rng.uniform(3.0, 8.0)))
        for s in range(item.sets):
            if item.name == "handling":
                new = mount_rv + rng.normal(0.0, 0.15, 3)
                handle(float(item.seconds or 8.0), mount_rv, new)
                continue
            go_to(_start_posture(item))
            add(_item_chunk(item, person, rng, fs))
            if s < item.sets - 1:
                rest = item.rest_s if item.rest_s is not None else rng.uniform(15.0, 40.0)
                if rest > 0:
                    rest_chunk = rest_fns[posture](rest)
                    if posture == "stand" and rest > 10 and rng.random() < 0.5:
                        add(rest_chunk)
                        add(fidget(person, rng, fs, seconds=rng.uniform(4.0, 8.0)))
                    else:
                        add(rest_chunk)
    if lead_in:
        go_to("stand")
        add(stand_idle(person, rng, fs, seconds=rng.uniform(2.0, 4.0)))
        handle(rng.uniform(3.0, 5.0), mount_rv, big_rotation())
    return _concatenate(chunks, person, rng, fs, ", ".join(it.text for it in items))


def _blend_join(prev: Track, tr: Track, ramp_s: float = 0.4) -> None:
    """Remove angle and acceleration steps at a chunk boundary with a smooth ramp."""
    k = min(int(ramp_s * tr.fs_hz), tr.n)
    w = 1.0 - min_jerk_pos(np.arange(k) / tr.fs_hz, 0.0, ramp_s, 1.0)
    for name in ("rpy", "chest", "thigh", "acc"):
        a, b = getattr(prev, name), getattr(tr, name)
        step = a[-1] - b[0]
        if name == "rpy":
            step = step.copy()
            step[2] = 0.0  # yaw is re-based on the heading instead
        b[:k] += (w[:, None] if b.ndim == 2 else w) * step


def _concatenate(
    chunks: list[Track], person: Person, rng: np.random.Generator, fs: float, program: str
) -> Motion:
    heading = 0.0
    events: list[Event] = []
    offset = 0
    prev: Track | None = None
    for tr in chunks:
        rot = heading - float(tr.rpy[0, 2])
        c, s = np.cos(rot), np.sin(rot)
        for arr in (tr.acc, tr.impact, tr.hand_acc):
            x, y = arr[:, 0].copy(), arr[:, 1].copy()
            arr[:, 0] = c * x - s * y
            arr[:, 1] = s * x + c * y
        tr.rpy[:, 2] += rot
        heading = float(tr.rpy[-1, 2])
        if prev is not None:
            _blend_join(prev, tr)
        for ev in tr.events:
            shift_event(ev, offset / fs)
            events.append(ev)
        offset += tr.n
        prev = tr
    cat = {
        k: np.concatenate([getattr(tr, k) for tr in chunks])
        for k in ("acc", "impact", "rpy", "chest", "thigh", "hand_rv", "hand_acc")
    }
    n = offset
    t = np.arange(n) / fs
    # the phone creeps slowly in its pocket / on its belt (a few degrees over minutes)
    for ax in range(3):
        cat["hand_rv"][:, ax] += 0.025 * band_noise(rng, n, fs_hz=fs, low_hz=0.002, high_hz=0.02)
    # breathing: ~0.2–0.3 Hz chest rise and small trunk motion, present throughout
    f_b = rng.uniform(0.2, 0.3)
    cat["chest"] += 0.004 * np.sin(2 * np.pi * f_b * t)
    cat["acc"][:, 0] += 0.01 * (2 * np.pi * f_b) ** 2 * np.sin(2 * np.pi * f_b * t + 1.0)
    return Motion(fs_hz=fs, t_s=t, events=events, person=person, program=program, **cat)

"""Tiny hand-built sessions with known answers (independent of firmware_sims).

The body's vertical motion is written as specific force along 'up' in a tilted device frame,
plus a little sensor noise. Not a physiological model: just enough structure to test that
each detector finds what is there and nothing else.
"""

from __future__ import annotations

import numpy as np

from boneimu.io import finish_recording
from boneimu.recording import Recording
from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2

G = STANDARD_GRAVITY_M_S2


class Session:
    def __init__(self, *, fs_hz: float = 100.0, seed: int = 0) -> None:
        self.fs_hz = fs_hz
        self.rng = np.random.default_rng(seed)
        self.vert: list[np.ndarray] = []  # specific force along up, m/s² (g at rest)
        self.horiz: list[np.ndarray] = []
        self.impacts_s: list[float] = []
        self.sts_s: list[tuple[float, float]] = []

    @property
    def t_s(self) -> float:
        return sum(len(v) for v in self.vert) / self.fs_hz

    def _n(self, dur_s: float) -> int:
        return round(dur_s * self.fs_hz)

    def _add(self, v: np.ndarray, h: np.ndarray | None = None) -> None:
        self.vert.append(v)
        self.horiz.append(np.zeros(len(v)) if h is None else h)

    def stand(self, dur_s: float) -> Session:
        self._add(np.full(self._n(dur_s), G))
        return self

    def _spike(self, peak_g: float) -> np.ndarray:
        t = np.arange(self._n(0.12)) / self.fs_hz
        return G + (peak_g - 1.0) * G * np.exp(-0.5 * ((t - 0.03) / 0.012) ** 2)

    def hop(self, peak_g: float = 3.5, flight_s: float = 0.22) -> Session:
        self._add(np.full(self._n(0.15), 1.8 * G))  # push-off
        self._add(np.full(self._n(flight_s), 0.02 * G))  # flight
        self.impacts_s.append(self.t_s + 0.03)
        self._add(self._spike(peak_g))
        self._add(np.full(self._n(0.4), G))
        return self

    def heel_drop(self, peak_g: float = 2.2) -> Session:
        n = self._n(0.8)  # rise onto the toes: 5 cm in 0.8 s, smooth
        t = np.arange(n) / self.fs_hz
        self._add(G + 0.05 * (2 * np.pi / 0.8) ** 2 / 2 * np.cos(2 * np.pi * t / 0.8) * 0.2)
        self._add(np.full(self._n(1.0), G))  # hold on the toes
        self._add(np.full(self._n(0.1), 0.6 * G))  # drop
        self.impacts_s.append(self.t_s + 0.03)
        self._add(self._spike(peak_g))
        self._add(np.full(self._n(1.2), G))
        return self

    def toe_push(self, peak_g: float = 2.0) -> Session:
        """A heel-drop-sized peak with no unloading before it (a push onto the toes)."""
        self.stand(1.5)
        self._add(self._spike(peak_g))
        self._add(np.full(self._n(1.5), G))
        return self

    def jerky_piece(self, peak_g: float = 2.0) -> Session:
        """A stop-and-go piece of a rise onto the toes: pushed up (0.5 g extra for 0.1 s),
        braked (|a| 0.5 g for 0.1 s, the body still moving up), then a jolt: unloaded before
        the peak like a drop, but never falling."""
        self._add(np.full(self._n(0.1), 1.5 * G))
        self._add(np.full(self._n(0.1), 0.5 * G))
        self._add(self._spike(peak_g))
        self._add(np.full(self._n(0.6), G))
        return self

    def sit_down_hard(self, drop_m: float = 0.4, peak_g: float = 1.9) -> Session:
        """Descend ``drop_m`` (minimum jerk, 1 s), land on the seat, sit 2 s, rise again."""
        for sign in (-1.0, 1.0):
            n = self._n(1.0)
            tau = np.arange(n) / (n - 1)
            self._add(G + sign * drop_m * (120 * tau**3 - 180 * tau**2 + 60 * tau))
            if sign < 0:
                self._add(self._spike(peak_g))
                self.stand(2.0)
        return self.stand(1.5)

    def heel_drop_swaying(self, peak_g: float = 2.2) -> Session:
        """A heel-drop-shaped impact with strong forward-back motion around it."""
        start = len(self.vert)
        self.heel_drop(peak_g)
        for k in range(start, len(self.vert)):
            t = np.arange(len(self.vert[k])) / self.fs_hz
            self.horiz[k] = 0.6 * G * np.sin(2 * np.pi * 1.6 * t)
        return self

    def walk(self, dur_s: float, cadence_spm: float = 110.0) -> Session:
        n = self._n(dur_s)
        t = np.arange(n) / self.fs_hz
        f = cadence_spm / 60.0
        v = G + 0.25 * G * np.sin(2 * np.pi * f * t)
        step_phase = (t * f) % 1.0
        v += 0.4 * G * np.exp(-0.5 * ((step_phase - 0.25) / 0.03) ** 2)
        h = 0.2 * G * np.sin(np.pi * f * t)
        self._add(v, h)
        return self

    def sit_to_stand(self, rise_s: float = 1.2, height_m: float = 0.35) -> Session:
        """Sit still 1.5 s, rise (minimum-jerk displacement), stand 1.5 s, sit back down."""
        self.stand(1.5)
        for sign in (1.0, -1.0):
            n = self._n(rise_s)
            tau = np.arange(n) / (n - 1)
            acc = height_m / rise_s**2 * (120 * tau**3 - 180 * tau**2 + 60 * tau)  # d²/dt² of MJ
            if sign > 0:
                self.sts_s.append((self.t_s, self.t_s + rise_s))
            self._add(G + sign * acc)
            self.stand(1.5)
        return self

    def recording(self, *, tilt_deg: float = 20.0, gyro: bool = False) -> Recording:
        v = np.concatenate(self.vert)
        h = np.concatenate(self.horiz)
        n = len(v)
        th = np.radians(tilt_deg)
        up = np.array([np.sin(th), np.cos(th), 0.0])
        side = np.array([np.cos(th), -np.sin(th), 0.0])
        acc = v[:, None] * up + h[:, None] * side
        acc += self.rng.normal(0, 0.02 * G, size=(n, 3))
        t = (np.arange(n) * (NS_PER_S / self.fs_hz)).astype(np.int64)
        g = self.rng.normal(0, 0.01, size=(n, 3)) if gyro else None
        return finish_recording(
            None,
            time_ns=t,
            acc_m_s2=acc,
            gyro_rad_s=g,
            source_format="synthetic",
            nominal_rate_hz=self.fs_hz,
        )

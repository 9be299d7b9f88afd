"""Fault knobs shared by the simulated firmware models and the simulated link."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Faults:
    """What can go wrong. All defaults mean a perfect device and link.

    - ``drop_prob``: probability that a data notification is lost on the air.
    - ``malformed_prob``: probability that a data notification is truncated/garbled.
    - ``clock_drift_ppm``: device clock runs fast (+) or slow (−) by this much.
    - ``disconnect_at_s``: link drops at these times (s after the first connect).
    - ``stop_at_s``: the device stops its measurements on its own at this time.
    - ``in_charger``: every start is refused with status 13.
    - ``latency_s`` / ``jitter_s``: air + host delivery delay (fixed + exponential mean).
    """

    drop_prob: float = 0.0
    malformed_prob: float = 0.0
    clock_drift_ppm: float = 0.0
    disconnect_at_s: list[float] = field(default_factory=list)
    stop_at_s: float | None = None
    in_charger: bool = False
    latency_s: float = 0.0
    jitter_s: float = 0.0
    seed: int = 0

"""Streaming rep quality: push chunks of samples, get rep events (with rushed/jerky flags) as
reps end, so a live recorder can cue "slow down" within half a second of a rep's end.

:class:`LiveRepMonitor` keeps the last ``window_s`` seconds in ring buffers. Each push does
O(new samples) work (|a|, a quiet test, a take-off scan); the offline detectors and per-rep
computations (:mod:`boneimu.detect.impacts`, :mod:`boneimu.detect.sts`,
:mod:`boneimu.detect.quality`) run only when a rep can be decided, on a bounded window (the
undecided span plus the context the measurements look back over), at most one run per
push and per :data:`MIN_ANALYSIS_INTERVAL_S` of stream time, so the work per notification
is bounded and the work per second of data does not grow with ``window_s``.

When a rep ends (the instant its cue latency is measured from):

- heel drop: the impact; decided :data:`HEEL_DECIDE_S` after it
  (:mod:`boneimu.detect.live_impact`).
- hop: the end of its ground contact (the next take-off); a set's last hop, with no
  take-off after it, at its landing (:mod:`boneimu.detect.live_impact`).
- sit-to-stand: standing upright, the end of the rise and the trunk's re-extension
  (:mod:`boneimu.detect.live_sts`), where a cue is useful before the person sits again.

The baseline is the person's history when given, else the reps already emitted in this
stream (past reps only, unlike the offline set baseline). Hook:
``Recorder(on_samples=monitor.on_samples)`` (boneimu.ble.recorder). See
docs/algorithms/rep_quality.md, "Streaming".
"""

from __future__ import annotations

from boneimu.detect.live_base import (
    FLIGHT_G,
    IMPACT_CONTEXT_S,
    MIN_ANALYSIS_INTERVAL_S,
    QUIET_S,
    QUIET_SD_G,
    STS_WINDOW_S,
    TAKEOFF_RUN_S,
    RepEvent,
)
from boneimu.detect.live_impact import (
    HEEL_DECIDE_S,
    HEEL_MIN_SEPARATION_S,
    HOP_DETECT_S,
    HOP_MAX_WAIT_S,
    IMPACT_TRIGGER_FRACTION,
    ImpactSteps,
)
from boneimu.detect.live_sts import (
    STS_EDGE_S,
    STS_END_EDGE_S,
    STS_MAX_EXTENSION_S,
    STS_MIN_RISE_S,
    STS_MIN_SEPARATION_S,
    STS_STEP_S,
    StsSteps,
)

__all__ = [
    "FLIGHT_G",
    "HEEL_DECIDE_S",
    "HEEL_MIN_SEPARATION_S",
    "HOP_DETECT_S",
    "HOP_MAX_WAIT_S",
    "IMPACT_CONTEXT_S",
    "IMPACT_TRIGGER_FRACTION",
    "MIN_ANALYSIS_INTERVAL_S",
    "QUIET_S",
    "QUIET_SD_G",
    "STS_EDGE_S",
    "STS_END_EDGE_S",
    "STS_MAX_EXTENSION_S",
    "STS_MIN_RISE_S",
    "STS_MIN_SEPARATION_S",
    "STS_STEP_S",
    "STS_WINDOW_S",
    "TAKEOFF_RUN_S",
    "LiveRepMonitor",
    "RepEvent",
]


class LiveRepMonitor(ImpactSteps, StsSteps):
    """Incremental rep detection and quality for one exercise on a sample stream."""

    def _step(self) -> list[RepEvent]:
        if self.exercise == "sit_to_stand":
            return self._step_sts()
        if self.exercise == "hop":
            return self._step_hop()
        return self._step_heel()

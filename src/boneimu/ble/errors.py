"""Typed BLE errors; all derive from :class:`boneimu.errors.BleError`."""

from __future__ import annotations

from boneimu.errors import BleError


class MalformedFrameError(BleError):
    """A notification or response whose bytes do not follow the protocol."""


class ControlPointError(BleError):
    """The device answered a control-point command with an error status."""

    def __init__(self, message: str, *, status: int) -> None:
        self.status = status
        super().__init__(message)


class CommandTimeoutError(BleError):
    """The device did not answer a command within its time-out."""


class UnsupportedFeatureError(BleError):
    """The device does not offer the measurement that was asked for."""


class ConnectionLostError(BleError):
    """The link dropped and could not be re-established within the retry budget."""

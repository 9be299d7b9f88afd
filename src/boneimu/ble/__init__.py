"""Live BLE capture: protocol decoders → drivers → recorder (see docs/sensors/index.md).

Importing this package does not import bleak; only ``boneimu.ble.bleak_backend`` (real radios)
and ``boneimu.ble.bumble_backend`` (a bleak backend over bumble) do.
"""

from boneimu.ble.drivers.base import SampleBlock, StreamingDriver, StreamStats
from boneimu.ble.drivers.polar import PolarPmdDriver
from boneimu.ble.drivers.thingy import Thingy52Driver
from boneimu.ble.errors import (
    CommandTimeoutError,
    ConnectionLostError,
    ControlPointError,
    MalformedFrameError,
    UnsupportedFeatureError,
)
from boneimu.ble.timemap import DeviceClockMapper

__all__ = [
    "CommandTimeoutError",
    "ConnectionLostError",
    "ControlPointError",
    "DeviceClockMapper",
    "MalformedFrameError",
    "PolarPmdDriver",
    "SampleBlock",
    "StreamStats",
    "StreamingDriver",
    "Thingy52Driver",
    "UnsupportedFeatureError",
]

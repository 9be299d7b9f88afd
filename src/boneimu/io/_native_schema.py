"""The ``.bimu`` format's constants, header models and Arrow schema, shared by the writer
(:mod:`boneimu.io.native_writer`) and the reader (:mod:`boneimu.io.native`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from boneimu.recording import Placement, Platform, RecordingMeta, ResampleInfo

FORMAT = "boneimu_native"
FORMAT_VERSION = 1
EXTENSION = ".bimu"
METADATA_KEY = b"boneimu.native"
STREAM_CONTINUATION = b"\xff\xff\xff\xff"
END_OF_STREAM = STREAM_CONTINUATION + b"\x00\x00\x00\x00"

RawDtype = Literal["int8", "int16", "int32", "int64", "float32", "float64"]
RAW_DTYPES: tuple[str, ...] = ("int8", "int16", "int32", "int64", "float32", "float64")
ACC_COLUMNS = ("acc_x_raw", "acc_y_raw", "acc_z_raw")
GYRO_COLUMNS = ("gyro_x_raw", "gyro_y_raw", "gyro_z_raw")
WRITE_RECORDING_BLOCK = 65_536
OWN_FORMATS = ("boneimu_native", "boneimu_tidy_csv")


class NativeHeader(BaseModel):
    """What is known about a recording when it starts; stored once, in the stream's schema."""

    model_config = ConfigDict(extra="forbid")
    device: str | None = Field(default=None, description="sensor or phone model, e.g. 'Polar H10'")
    placement: Placement | None = None
    source_format: str | None = Field(
        default=None, description="where the samples came from, e.g. 'polar_h10_ble' or a reader"
    )
    source_app: str | None = None
    source_app_version: str | None = None
    platform: Platform | None = None
    platform_version: str | None = None
    nominal_rate_hz: float | None = None
    start_time_utc: datetime | None = None
    timezone: str | None = None
    time_is_absolute: bool = Field(default=False, description="time_ns is Unix-epoch UTC")
    acc_range_g: float | None = Field(default=None, description="accelerometer full scale")
    gyro_range_dps: float | None = Field(default=None, description="gyroscope full scale, deg/s")
    acc_reconstructed: bool = False
    conversions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="carried over from the source")
    n_duplicates_dropped: int = 0
    n_invalid_rows_dropped: int = 0
    resampled: ResampleInfo | None = None
    notes: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class _FileHeader(BaseModel):
    """The JSON stored under :data:`METADATA_KEY`."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["boneimu_native"] = "boneimu_native"
    version: int = FORMAT_VERSION
    raw_dtype: RawDtype
    acc_scale_m_s2: float = Field(gt=0)
    gyro_scale_rad_s: float | None = Field(default=None, gt=0)
    header: NativeHeader = Field(default_factory=NativeHeader)


def _schema(fh: _FileHeader) -> pa.Schema:
    raw = pa.from_numpy_dtype(np.dtype(fh.raw_dtype))

    def col(name: str, scale: float, unit: str) -> pa.Field:
        return pa.field(
            name, raw, nullable=False, metadata={"scale_to_si": repr(scale), "si_unit": unit}
        )

    fields = [pa.field("time_ns", pa.int64(), nullable=False, metadata={"unit": "ns"})]
    fields += [col(n, fh.acc_scale_m_s2, "m/s^2") for n in ACC_COLUMNS]
    if fh.gyro_scale_rad_s is not None:
        fields += [col(n, fh.gyro_scale_rad_s, "rad/s") for n in GYRO_COLUMNS]
    return pa.schema(fields, metadata={METADATA_KEY: fh.model_dump_json().encode()})


def origin_format(meta: RecordingMeta) -> str | None:
    """The format a recording first came from, looking through boneimu's own formats."""
    if meta.source_format in OWN_FORMATS:
        return meta.extra.get("recorded_from")
    return meta.source_format

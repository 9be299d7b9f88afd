"""Pure array DSP: filters, resampling, time bases, gravity and orientation. ``fs_hz`` required."""

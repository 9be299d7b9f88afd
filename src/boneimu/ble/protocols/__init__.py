"""Pure byte decoders for the BLE sensors boneimu speaks (no I/O)."""

"""Device drivers written against the BleakClient-shaped seam (boneimu.ble.client)."""

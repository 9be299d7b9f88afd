"""boneimu.ble"""

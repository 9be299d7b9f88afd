"""boneimu.metrics"""

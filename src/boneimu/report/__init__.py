"""boneimu.report"""

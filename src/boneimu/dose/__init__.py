"""boneimu.dose"""

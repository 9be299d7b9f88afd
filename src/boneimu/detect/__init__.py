"""boneimu.detect"""

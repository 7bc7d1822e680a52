"""Liandong (联动): 12345 government-service hotline platform linked with the 110 police desk."""

__version__ = "0.1.0"

"""Notifications to citizens: which order event tells whom (events.py), templates, providers, the sending worker."""

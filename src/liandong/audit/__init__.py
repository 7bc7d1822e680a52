"""Audit: an append-only, hash-chained record of who did what to which record, and who saw personal data."""

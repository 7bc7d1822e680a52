"""Cross-cutting building blocks: errors, clock, time parsing."""

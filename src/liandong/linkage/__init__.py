"""12345 ↔ 110 linkage: the exchange standard, signed delivery through the outbox, and applying peers' messages once."""

"""An order's case file beyond its lifecycle: attached files and the unit's progress notes."""

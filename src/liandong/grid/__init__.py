"""Grid-worker patrol ledgers (网格员巡查台账): import as orders on the grid channel, 周末集中处置 by handling day."""

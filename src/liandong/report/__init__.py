"""Figures leaders are judged by: versioned metric definitions, snapshots, reports, hotspots and 融合研判 with 110."""

"""Open311 GeoReport v2: our categories as services, our orders as service requests, the timeline as updates."""

"""Running Placewell as a service: health and readiness checks, logs, and the shared cache's table."""

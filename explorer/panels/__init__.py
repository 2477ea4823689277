"""Control panels (docks): data, schedule, training."""

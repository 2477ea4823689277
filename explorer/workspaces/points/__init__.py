"""The 2-D workspace: forward and reverse point clouds, selections, drift, p·r and log p."""

"""Widgets shared by the shell, docks and workspaces: timeline, banner, image grids."""

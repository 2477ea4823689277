"""pyqtgraph views: the diffusion view, plots, the drawing canvas, the paper figure."""

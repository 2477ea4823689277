"""Diffusion Explorer's GUI (PySide6 + pyqtgraph). All Qt lives in this package; the
engine is reached only through explorer.engine_client."""

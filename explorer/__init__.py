"""Diffusion Explorer's GUI (PySide6 + pyqtgraph). All Qt lives in this package: a shell
(main_window), workspaces/ (one tab per kind of model), docks/ and widgets/. The engine's
worker is reached only through explorer.engine_client; the few engine modules imported
directly (data, presets, storage) are pinned in tests/test_boundaries.py."""

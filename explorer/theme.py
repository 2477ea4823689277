"""Look and feel: a dark Fusion palette and pyqtgraph defaults, in one place so every view
matches (napari-like: dark plots, light text, one accent per process)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem

BG = "#16181d"
PANEL = "#1f2229"
FG = "#d7dae0"
MUTED = "#8b919c"
FORWARD = "#4fc3f7"     # data -> noise
REVERSE = "#ffb74d"     # noise -> data
ACCENT = "#81c784"
SELECT = "#ff5c8a"
DRIFT = "#e0e0e0"


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(antialias=False, background=BG, foreground=FG, imageAxisOrder="col-major")


def apply(app) -> None:
    configure_pyqtgraph()
    app.setStyle("Fusion")
    p = QPalette()
    for role, colour in [(QPalette.Window, PANEL), (QPalette.WindowText, FG), (QPalette.Base, BG),
                         (QPalette.AlternateBase, PANEL), (QPalette.Text, FG), (QPalette.Button, "#2a2e37"),
                         (QPalette.ButtonText, FG), (QPalette.ToolTipBase, PANEL), (QPalette.ToolTipText, FG),
                         (QPalette.Highlight, "#3d6fb6"), (QPalette.HighlightedText, "#ffffff"),
                         (QPalette.PlaceholderText, MUTED)]:
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor(MUTED))
    p.setColor(QPalette.Disabled, QPalette.WindowText, QColor(MUTED))
    p.setColor(QPalette.Disabled, QPalette.Text, QColor(MUTED))
    app.setPalette(p)
    app.setStyleSheet(
        "QDockWidget::title { background: #2a2e37; padding: 4px; }"
        "QGroupBox { border: 1px solid #343944; border-radius: 4px; margin-top: 10px; padding-top: 4px; }"
        "QGroupBox::title { subcontrol-origin: margin; left: 8px; color: #aab0bb; }"
        "QStatusBar { color: #aab0bb; }")


def plot_style(plot: pg.PlotItem, title: str = "", x: str = "", y: str = "", grid: bool = True) -> pg.PlotItem:
    if title:
        plot.setTitle(title, color=FG, size="10pt")
    if x:
        plot.setLabel("bottom", x)
    if y:
        plot.setLabel("left", y)
    for axis in ("left", "bottom"):   # "(x0.001)" scale suffixes confuse more than they help
        plot.getAxis(axis).enableAutoSIPrefix(False)
    if grid:   # a translucent grid costs ~3 ms a repaint per axis: not on animated views
        plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)
    return plot


def cache_axes(plot: pg.PlotItem) -> pg.PlotItem:
    """For plots redrawn every frame of playback whose ranges rarely change: Qt keeps each
    axis as a pixmap instead of replaying its text (~0.5 ms an axis a repaint)."""
    for axis in ("left", "bottom"):
        plot.getAxis(axis).setCacheMode(QGraphicsItem.DeviceCoordinateCache)
    return plot

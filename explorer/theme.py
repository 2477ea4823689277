"""Look and feel in one place so every view matches: a dark (napari-like) or light Fusion
palette, pyqtgraph's colours, and a font scale for projectors (presentation mode). Labels
mark themselves `muted`/`small` (a property the app style sheet styles) rather than baking
a colour or a pixel size in, so switching theme or scale restyles them; restyle() does the
same for pyqtgraph views that already exist."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem, QWidget

PALETTES = {
    "dark": {"BG": "#16181d", "PANEL": "#1f2229", "FG": "#d7dae0", "MUTED": "#8b919c", "BUTTON": "#2a2e37",
             "BORDER": "#343944", "TITLE": "#aab0bb", "DRIFT": "#f2f2f2", "HALO": "#000000",
             "HIGHLIGHT": "#3d6fb6"},
    "light": {"BG": "#ffffff", "PANEL": "#eef0f3", "FG": "#1d2026", "MUTED": "#5b6270", "BUTTON": "#dfe3e8",
              "BORDER": "#b9bfc9", "TITLE": "#3a404a", "DRIFT": "#1d2026", "HALO": "#ffffff",
              "HIGHLIGHT": "#3d6fb6"},
}
# The current theme's colours (module attributes so views read them when they draw).
BG, PANEL, FG, MUTED, DRIFT, HALO = (PALETTES["dark"][k] for k in ("BG", "PANEL", "FG", "MUTED", "DRIFT", "HALO"))
FORWARD = "#4fc3f7"     # data -> noise
REVERSE = "#ffb74d"     # noise -> data
ACCENT = "#81c784"
SELECT = "#ff5c8a"
LIGHT = False
SCALE = 1.0             # font scale: 1 normally, PRESENTATION_SCALE in presentation mode
PRESENTATION_SCALE = 1.35
_BASE_PT: float | None = None   # the platform's font size, before any scaling
_TITLE = "10pt"                 # the plot-title size last applied (restyle finds titles by it)


def title_size() -> str:
    return f"{10 * SCALE:.0f}pt"


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(antialias=False, background=BG, foreground=FG, imageAxisOrder="col-major")


def _use(light: bool, scale: float) -> None:
    global BG, PANEL, FG, MUTED, DRIFT, HALO, LIGHT, SCALE, _TITLE
    _TITLE = title_size()
    c = PALETTES["light" if light else "dark"]
    BG, PANEL, FG, MUTED, DRIFT, HALO = c["BG"], c["PANEL"], c["FG"], c["MUTED"], c["DRIFT"], c["HALO"]
    LIGHT, SCALE = bool(light), float(scale)


def apply(app, light: bool = False, scale: float = 1.0) -> None:
    """Palette, style sheet, font size and pyqtgraph defaults for new views; then restyle
    the windows already open."""
    global _BASE_PT
    _use(light, scale)
    configure_pyqtgraph()
    app.setStyle("Fusion")
    c = PALETTES["light" if light else "dark"]
    p = QPalette()
    for role, colour in [(QPalette.Window, c["PANEL"]), (QPalette.WindowText, c["FG"]), (QPalette.Base, c["BG"]),
                         (QPalette.AlternateBase, c["PANEL"]), (QPalette.Text, c["FG"]),
                         (QPalette.Button, c["BUTTON"]), (QPalette.ButtonText, c["FG"]),
                         (QPalette.ToolTipBase, c["PANEL"]), (QPalette.ToolTipText, c["FG"]),
                         (QPalette.Highlight, c["HIGHLIGHT"]), (QPalette.HighlightedText, "#ffffff"),
                         (QPalette.PlaceholderText, c["MUTED"])]:
        p.setColor(role, QColor(colour))
    for role in (QPalette.ButtonText, QPalette.WindowText, QPalette.Text):
        p.setColor(QPalette.Disabled, role, QColor(c["MUTED"]))
    app.setPalette(p)
    font = app.font()
    if _BASE_PT is None:
        _BASE_PT = font.pointSizeF() if font.pointSizeF() > 0 else 9.0
    font.setPointSizeF(_BASE_PT * scale)
    app.setFont(font)
    small = _BASE_PT * scale * 0.9
    app.setStyleSheet(
        f"QDockWidget::title {{ background: {c['BUTTON']}; padding: 4px; }}"
        f"QGroupBox {{ border: 1px solid {c['BORDER']}; border-radius: 4px; margin-top: 10px; padding-top: 4px; }}"
        f"QGroupBox::title {{ subcontrol-origin: margin; left: 8px; color: {c['TITLE']}; }}"
        f"QStatusBar {{ color: {c['TITLE']}; }}"
        f"*[muted=\"true\"] {{ color: {c['MUTED']}; }}"
        f"*[small=\"true\"] {{ font-size: {small:.1f}pt; }}")
    for w in app.topLevelWidgets():
        restyle(w)


def muted(widget: QWidget, small: bool = False) -> QWidget:
    """Secondary text: the theme's muted colour (and a smaller size), restyled with the theme."""
    widget.setProperty("muted", True)
    widget.setProperty("small", bool(small))
    return widget


def restyle(root: QWidget) -> None:
    """Recolour and resize the pyqtgraph views under `root` (each reads the theme when built)."""
    font = QFont(QApplication.font())
    for view in root.findChildren(pg.GraphicsView) + ([root] if isinstance(root, pg.GraphicsView) else []):
        view.setBackground(BG)
        for item in view.scene().items() if view.scene() else []:
            if isinstance(item, pg.AxisItem):
                item.setPen(FG)
                item.setTextPen(FG)
                item.setTickFont(font)
            elif isinstance(item, pg.LabelItem):      # titles follow the scale; keys keep their size
                size = title_size() if item.opts.get("size") == _TITLE else item.opts.get("size")
                item.setText(item.text, color=FG, **({"size": size} if size else {}))
            elif isinstance(item, pg.LegendItem):
                item.setBrush(pg.mkBrush(QColor(PANEL).red(), QColor(PANEL).green(), QColor(PANEL).blue(), 210))
                item.setLabelTextColor(FG)
            elif isinstance(item, pg.ViewBox) and item.state.get("background") is not None:
                item.setBackgroundColor(BG)
    for w in [root, *root.findChildren(QWidget)]:
        hook = getattr(w, "theme_changed", None)
        if callable(hook):
            hook()


def plot_style(plot: pg.PlotItem, title: str = "", x: str = "", y: str = "", grid: bool = True) -> pg.PlotItem:
    if title:
        plot.setTitle(title, color=FG, size=title_size())
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

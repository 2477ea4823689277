"""Rasters of binary sequences: one row per sequence, one column per bit, one panel per
process (forward q, reverse p). Values in [0, 1], so bits and probabilities (grey levels)
draw the same way."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from ... import theme


def _lut(colour: str) -> np.ndarray:
    """256 steps from the background to `colour`: a 1 lights up, a 0 is the background."""
    lo, hi = np.array(QColor(theme.BG).getRgb()[:3], float), np.array(QColor(colour).getRgb()[:3], float)
    f = np.linspace(0.0, 1.0, 256)[:, None]
    return (lo + f * (hi - lo)).astype(np.ubyte)


class RasterView(pg.GraphicsLayoutWidget):
    """panels: (name, title, colour) triples, laid out left to right."""

    def __init__(self, panels, parent=None):
        super().__init__(parent)
        self.colours = {name: colour for name, _, colour in panels}
        self.plots: dict[str, pg.PlotItem] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.frames: dict[str, np.ndarray | None] = {}
        for col, (name, title, colour) in enumerate(panels):
            p = theme.plot_style(self.addPlot(row=0, col=col), title, x="bit", y="sequence", grid=False)
            p.invertY(True)          # sequence 0 at the top, like a table
            p.setMouseEnabled(x=False, y=False)
            p.hideButtons()
            img = pg.ImageItem(axisOrder="row-major")
            img.setLookupTable(_lut(colour))
            p.addItem(img)
            self.plots[name], self.images[name], self.frames[name] = p, img, None
            self.ci.layout.setColumnStretchFactor(col, 1)    # equal widths, whatever the titles
        self.setMinimumHeight(200)

    def theme_changed(self) -> None:
        """explorer/theme.py restyle(): a 0 bit is drawn in the background colour."""
        for name, img in self.images.items():
            img.setLookupTable(_lut(self.colours[name]))

    def set_frame(self, name: str, frame: np.ndarray | None, title: str | None = None) -> None:
        """frame: (sequences, bits) in [0, 1]; None clears the panel. NaN (nothing predicted
        yet) draws as ½."""
        img = self.images[name]
        if frame is None:
            self.frames[name] = None
            img.clear()
        else:
            f = np.nan_to_num(np.asarray(frame, np.float32).reshape(len(frame), -1), nan=0.5)
            self.frames[name] = f
            img.setImage(f, levels=(0.0, 1.0), autoLevels=False)
            self.plots[name].setRange(xRange=(0, f.shape[1]), yRange=(0, f.shape[0]), padding=0.01)
        if title is not None:
            self.plots[name].setTitle(title, color=theme.FG, size=theme.title_size())

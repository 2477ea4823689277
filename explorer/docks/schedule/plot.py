"""β_t, ᾱ_t and SNR_t against t on a log axis (they span ten decades), with a marker at the
current step. Dashed curves preview the schedule the next new model will use."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from engine.core.schedules import SNR_END, coefficients, make_betas

from ... import theme

CURVES = (("beta", "β<sub>t</sub>", "#ef5350"), ("alpha_bar", "ᾱ<sub>t</sub>", "#4fc3f7"),
          ("snr", "SNR<sub>t</sub>", "#ffd54f"))


class SchedulePlot(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        p = theme.cache_axes(theme.plot_style(self.getPlotItem(), x="t"))
        self.setToolTip("solid: the open model's schedule; dashed: the next new model's, where it differs")
        p.setLogMode(y=True)
        p.setLabel("left", "value (log)")
        self.legend = p.addLegend(offset=(-4, 4), labelTextSize="8pt", brush=pg.mkBrush(22, 24, 29, 200))
        self.curves, self.previews = {}, {}
        for key, name, colour in CURVES:
            self.curves[key] = p.plot(pen=pg.mkPen(colour, width=2), name=name)
            self.previews[key] = p.plot(pen=pg.mkPen(colour, width=1, style=Qt.DashLine))
        self.marker = pg.InfiniteLine(0, angle=90, pen=pg.mkPen(theme.FG, width=1, style=Qt.DotLine))
        p.addItem(self.marker, ignoreBounds=True)
        self.setMinimumHeight(110)

    def theme_changed(self) -> None:
        """explorer/theme.py restyle(): the step marker is drawn in the text colour."""
        self.marker.setPen(pg.mkPen(theme.FG, width=1, style=Qt.DotLine))

    def set_model(self, arrays: dict | None) -> None:
        """arrays: beta, alpha_bar, snr indexed t = 0..T (t = 0 is left off a log axis)."""
        show_schedule(self.curves, arrays)

    def set_preview(self, arrays: dict | None) -> None:
        show_schedule(self.previews, arrays)

    def set_t(self, t: int) -> None:
        self.marker.setValue(t)


def schedule_arrays(kind: str, T: int, beta1: float, snr_end: float = SNR_END) -> dict:
    """β, ᾱ, SNR for a fixed schedule (the engine's own make_betas)."""
    return schedule_from_betas(make_betas(kind, T, beta1, snr_end=snr_end))


def schedule_from_betas(betas) -> dict:
    """β, ᾱ, SNR indexed t = 0..T from β_1..β_T: the engine's one coefficient function,
    given numpy (so no torch runs on the GUI thread)."""
    c = coefficients(np.asarray(betas, np.float64))
    return {"beta": c["beta"], "alpha_bar": c["alpha_bar"], "snr": c["snr"]}


def show_schedule(curves: dict, arrays: dict | None, x=lambda t: t) -> None:
    """Each curve (keyed by "beta", "alpha_bar", "snr") gets its array at t = 1..T where it
    is positive and finite (the axis is logarithmic); x(t) places it on the axis."""
    for key, curve in curves.items():
        y = None if arrays is None else arrays.get(key)
        if y is None:
            curve.setData([], [])
            continue
        y = np.asarray(y, float)
        t = np.arange(len(y))
        ok = (t >= 1) & (y > 0) & np.isfinite(y)
        curve.setData(x(t[ok].astype(float)), y[ok])

"""Entropy production (the paper's eq. 24): the band between the lower and upper bounds on
H_q(X_{t-1}|X_t) against t, for unit-variance data, with the learned reverse step's entropy
(from f_Σ, or from f_b for binary models) drawn over it and a marker at the current t.
"Position" rescales each t to the band (0 = lower, 1 = upper), where the band is too thin
to see on the absolute scale."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ... import theme

ABSOLUTE, POSITION = "entropy (bits/dim)", "position in the band"
LOWER, UPPER = "#80cbc4", "#ef9a9a"


class EntropyPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.scale = QComboBox()
        self.scale.addItems([POSITION, ABSOLUTE])   # the band is too thin to see on the absolute scale
        self.scale.setToolTip("where the model sits between the bounds at each t (0 = lower, 1 = upper), "
                              "or the absolute entropies")
        self.info = QLabel("")
        self.info.setTextFormat(Qt.RichText)
        theme.muted(self.info, small=True)
        self.info.setWordWrap(True)
        self.widget = pg.PlotWidget()
        p = theme.plot_style(self.widget.getPlotItem(), x="t", grid=False)
        p.setMenuEnabled(False)
        self.plot = p
        self.legend = p.addLegend(offset=(-4, 4), labelTextSize="8pt",
                                   brush=pg.mkBrush(22, 24, 29, 200))
        self.lower = p.plot(pen=pg.mkPen(LOWER, width=1.5), name="lower bound")
        self.upper = p.plot(pen=pg.mkPen(UPPER, width=1.5), name="upper bound")
        self.band = pg.FillBetweenItem(self.lower, self.upper, brush=pg.mkBrush(200, 200, 200, 40))
        p.addItem(self.band)
        self.model = p.plot(pen=pg.mkPen(theme.REVERSE, width=2), name="model H(p(x<sub>t−1</sub>|x<sub>t</sub>))")
        self.marker = pg.InfiniteLine(0, angle=90, pen=pg.mkPen(theme.FG, width=1, style=Qt.DotLine))
        p.addItem(self.marker, ignoreBounds=True)
        row = QHBoxLayout()
        row.addWidget(QLabel("show"))
        row.addWidget(self.scale)
        row.addWidget(self.info, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(row)
        lay.addWidget(self.widget, 1)
        self.data: dict | None = None
        self.scale.currentTextChanged.connect(lambda *_: self._draw())
        self.setMinimumHeight(110)
        self.clear()

    def theme_changed(self) -> None:
        """explorer/theme.py restyle(): the step marker is drawn in the text colour."""
        self.marker.setPen(pg.mkPen(theme.FG, width=1, style=Qt.DotLine))

    def clear(self, text: str = "no model yet") -> None:
        self.data = None
        self.info.setText(text)
        self._draw()

    def set_curve(self, t, lower, upper, model=None, family: str = "gaussian") -> None:
        self.data = {"t": np.asarray(t, float), "lower": np.asarray(lower, float),
                     "upper": np.asarray(upper, float), "model": None if model is None else np.asarray(model, float)}
        unit = "bits per bit" if family == "binomial" else "bits per dimension (differential entropy)"
        inside = self.fraction_inside()
        self.info.setText(f"H<sub>q</sub>(X<sub>t−1</sub>|X<sub>t</sub>), {unit}, unit-variance data"
                          + ("" if inside is None else f" · model within the bounds at {inside:.0%} of steps"))
        self._draw()

    def fraction_inside(self, tol: float = 0.0) -> float | None:
        d = self.data
        if d is None or d["model"] is None:
            return None
        width = d["upper"] - d["lower"]
        ok = (d["model"] >= d["lower"] - tol * width) & (d["model"] <= d["upper"] + tol * width)
        return float(ok.mean())

    def set_t(self, t: int) -> None:
        self.marker.setValue(t)

    def _draw(self) -> None:
        d = self.data
        if d is None:
            for c in (self.lower, self.upper, self.model):
                c.setData([], [])
            return
        lo, up, mo = d["lower"], d["upper"], d["model"]
        if self.scale.currentText() == POSITION:
            width = np.where(up - lo > 1e-12, up - lo, np.nan)
            mo = None if mo is None else (mo - lo) / width
            lo, up = np.zeros_like(lo), np.ones_like(up)
            self.plot.setLabel("left", "lower → upper")
        else:
            self.plot.setLabel("left", "bits / dim")
        self.lower.setData(d["t"], lo)
        self.upper.setData(d["t"], up)
        if mo is None:
            self.model.setData([], [])
        else:
            ok = np.isfinite(mo)
            self.model.setData(d["t"][ok], mo[ok])

    def close_views(self) -> None:
        """pyqtgraph widgets alive at interpreter exit can crash it: the window calls this."""
        self.widget.close()
        self.widget.deleteLater()

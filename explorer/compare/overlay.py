"""The comparison model drawn over the docks' plots, in one colour (COMPARE), with a legend
naming each model: its bound K over training steps (Training dock), its per-step KL beside
the open model's bars, and its β_t and ᾱ_t (Schedule dock). When the T differ its per-step
curves are drawn at t·T/T' (the same fraction of the diffusion as the slider maps), and the
legend says so. Everything added here is removed by clear(); the plots themselves are not
changed."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ..docks.schedule.plot import show_schedule

COMPARE = "#ce93d8"      # the comparison model, in every plot


def _legend(plot, offset: tuple) -> pg.LegendItem:
    """A legend in a corner of the plot (pyqtgraph picks the corner from the offset's signs)."""
    legend = pg.LegendItem(offset=offset, labelTextSize="8pt", brush=pg.mkBrush(22, 24, 29, 200))
    legend.setParentItem(plot.vb)
    return legend


def _drop(item) -> None:
    """Off its plot (a legend re-anchors itself on setParentItem(None), which fails)."""
    scene = item.scene()
    if scene is not None:
        scene.removeItem(item)


class CompareOverlay:
    def __init__(self, training_plots, schedule_plot):
        self.tp, self.sp = training_plots, schedule_plot
        pen = pg.mkPen(COMPARE, width=1.5)
        self.bound_curve = pg.PlotDataItem(pen=pen, symbol="o", symbolSize=5, symbolBrush=COMPARE, symbolPen=None)
        self.kl_curve = pg.PlotDataItem(pen=pen, symbol="o", symbolSize=4, symbolBrush=COMPARE, symbolPen=None)
        self.beta_curve = pg.PlotDataItem(pen=pg.mkPen(COMPARE, width=2))
        self.abar_curve = pg.PlotDataItem(pen=pg.mkPen(COMPARE, width=1.5, style=Qt.DashLine))
        self.legends: list[pg.LegendItem] = []
        self._beta_label: str | None = None     # the Schedule legend's own β label, restored on clear
        self.shown = False

    def show(self, main_name: str, name: str, T_main: int, T: int, arrays: dict | None, history: dict) -> None:
        """A comparison opened: add its curves and the legends."""
        self.clear()
        self.shown = True
        self.T_main, self.T = T_main, T
        scaled = f" (t scaled ×{T_main}/{T})" if T != T_main and T > 0 else ""
        self.tp.bound_plot.addItem(self.bound_curve)
        self.tp.kl_plot.addItem(self.kl_curve)
        # K rises as a run trains (bottom right is free); the per-step KL falls towards t = T.
        for plot, main_item, item, label, corner in (
                (self.tp.bound_plot, self.tp.bound_curve, self.bound_curve, name, (-4, -4)),
                (self.tp.kl_plot, self.tp.bars, self.kl_curve, name + scaled, (-4, 4))):
            legend = _legend(plot, corner)
            legend.addItem(main_item, main_name)
            legend.addItem(item, label)
            self.legends.append(legend)
        p = self.sp.getPlotItem()
        p.addItem(self.beta_curve)
        p.addItem(self.abar_curve)
        legend = self.sp.legend
        label = legend.getLabel(self.sp.curves["beta"])
        if label is not None:
            self._beta_label = label.text
            label.setText(f"β<sub>t</sub> · {main_name}")
        legend.addItem(self.beta_curve, f"β<sub>t</sub> · {name}{scaled}")
        legend.addItem(self.abar_curve, f"ᾱ<sub>t</sub> · {name}")
        legend.setColumnCount(2)    # five entries in one column overflow the short plot
        self.set_schedule(arrays)
        self.set_history(history)
        self.kl_curve.setData([], [])

    def _x(self, t: np.ndarray) -> np.ndarray:
        return t * (self.T_main / self.T) if self.T and self.T != self.T_main else t

    def set_schedule(self, arrays: dict | None) -> None:
        show_schedule({"beta": self.beta_curve, "alpha_bar": self.abar_curve}, arrays, self._x)

    def set_history(self, history: dict) -> None:
        steps, bounds = list(history.get("step", [])), list(history.get("bound_bits", []))
        k = min(len(steps), len(bounds))
        self.bound_curve.setData(np.asarray(steps[:k], float), np.asarray(bounds[:k], float))

    def add_bound(self, step: int, bound: float) -> None:
        """A point of a variant's bound curve as it trains."""
        x, y = self.bound_curve.getData()
        x = np.append(x if x is not None else [], step)
        y = np.append(y if y is not None else [], bound)
        self.bound_curve.setData(x, y)

    def set_kl(self, kl) -> None:
        kl = np.asarray(kl, float)
        t = np.arange(1, len(kl) + 1, dtype=float)
        self.kl_curve.setData(self._x(t), kl)

    def clear(self) -> None:
        if not self.shown:
            return
        self.shown = False
        for legend in self.legends:
            _drop(legend)
        self.legends = []
        self.tp.bound_plot.removeItem(self.bound_curve)
        self.tp.kl_plot.removeItem(self.kl_curve)
        p = self.sp.getPlotItem()
        legend = self.sp.legend
        for curve in (self.beta_curve, self.abar_curve):
            legend.removeItem(curve)
            p.removeItem(curve)
        legend.setColumnCount(1)
        label = legend.getLabel(self.sp.curves["beta"])
        if label is not None and self._beta_label is not None:
            label.setText(self._beta_label)
        self._beta_label = None

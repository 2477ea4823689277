"""The entropy-production bounds dock's wiring: the curve is asked of the worker when the
model changes and the dock is on screen (it queues behind a training run, so it arrives
when training finishes), and the marker follows the slider."""
from __future__ import annotations

from PySide6.QtCore import QTimer

from engine.runtime import protocol as m

from ...state import AppState, ModelInfo
from .plot import EntropyPlot


class EntropyControl:
    def __init__(self, plot: EntropyPlot, dock, client, state: AppState):
        """dock: the QDockWidget the plot sits in (asked only while it is on screen)."""
        self.plot, self.dock, self.client, self.state = plot, dock, client, state
        self.model_id = 0
        self.stale = True     # the model changed since the curve was asked for
        dock.visibilityChanged.connect(lambda on: on and self.request())
        client.event.connect(self.on_event)

    def on_model(self, info: ModelInfo) -> None:
        if info.model_id != self.model_id:
            self.model_id = info.model_id
            self.plot.clear("computing…")
        self.stale = True
        # After every other handler has run (the 2-D workspace adopts the model's data there).
        QTimer.singleShot(0, self.plot, self.request)

    def on_event(self, ev) -> None:
        if isinstance(ev, m.EntropyCurve) and ev.model_id == self.model_id:
            self.plot.set_curve(ev.t, ev.lower, ev.upper, ev.model, ev.family)

    def request(self) -> None:
        if not self.stale or not self.state.has_model or not self.dock.isVisible():
            return
        self.stale = False
        pts = self.state.data.points
        shape = tuple(self.state.model.config.get("shape", ()))
        data = pts if pts is not None and tuple(pts.shape[1:]) == shape else None
        self.client.submit(m.EntropyRequest(data=data))

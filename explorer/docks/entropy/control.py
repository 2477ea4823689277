"""The entropy-production bounds dock's wiring: the curve is asked of the worker when the
model changes and the dock is on screen, and the marker follows the slider.

The curve is a background job, asked for only once the engine has nothing else to do (a
training run, the new model's samples and forward diffusion): the worker runs its queue in
order, so a curve queued beside a new model's views would run first and hold them back for
seconds. Once running it steps aside for anything the user asks (the worker's background
rule)."""
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
        self.wait = QTimer(plot)            # polls for an idle engine while a request waits
        self.wait.setInterval(150)
        self.wait.timeout.connect(self.request)
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
            self.wait.stop()
            return
        if self.client.busy:                # ask when the engine is idle
            self.wait.start()
            return
        self.wait.stop()
        self.stale = False
        pts, config = self.state.data.points, self.state.model.config
        shape = tuple(config.get("shape", ()))
        # Only the model's own data set: another one would be standardised in the model's
        # scaling (a blob); without data the engine uses the model's held-out set.
        own = self.state.data.name == config.get("data")
        data = pts if own and pts is not None and tuple(pts.shape[1:]) == shape else None
        self.client.submit(m.EntropyRequest(data=data))

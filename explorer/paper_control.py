"""Wires the paper's remaining pictures into the window: AIS estimates beside K on the
training plots, the entropy-production bounds dock (asked of the worker when the model
changes and the dock is on screen), and the learned β_t drawn live while training.
The binary workspace wires itself (explorer/binary_workspace.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer

from engine import messages as m

from .views.ais_overlay import AisOverlay
from .views.schedule_plot import schedule_from_betas
from .views.entropy_plot import EntropyPlot


class PaperControl:
    def __init__(self, window):
        self.w = window
        self.model_id = 0
        self.entropy_stale = True     # the model changed since the entropy curve was asked for
        plots = window.training_panel.plots
        self.ais = AisOverlay(plots.bound_plot)
        self.entropy = EntropyPlot()
        dock = window.add_dock("Entropy", self.entropy, Qt.BottomDockWidgetArea, "Entropy bounds")
        window.tabifyDockWidget(window.docks["Schedule"], dock)
        window.docks["Schedule"].raise_()
        self.dock = dock
        dock.visibilityChanged.connect(lambda on: on and self.request_entropy())

        # One "learn β" choice, shown in both the Training and the Schedule panel.
        tp, sp = window.training_panel, window.schedule_panel
        tp.learn_beta.setChecked(sp.learn.isChecked())
        tp.learn_beta.toggled.connect(sp.learn.setChecked)
        sp.learn.toggled.connect(tp.learn_beta.setChecked)

        c = window.client
        c.modelChanged.connect(self.on_model)
        c.trainProgress.connect(self.on_progress)
        c.event.connect(self.on_event)
        window.timeline.tChanged.connect(self.entropy.set_t)

    # ---- engine events ----------------------------------------------------------------
    def on_model(self, ev: m.ModelChanged) -> None:
        if ev.model_id != self.model_id:
            self.model_id = ev.model_id
            self.ais.reset()
            self.entropy.clear("computing…")
        binomial = ev.config.get("family") == "binomial"
        self.w.training_panel.learn_beta.setEnabled(not binomial)   # the binomial schedule is fixed
        self.entropy_stale = True
        # After every other handler has run (the window adopts the model's data set there).
        QTimer.singleShot(0, self.w, self.request_entropy)

    def on_progress(self, ev: m.TrainProgress) -> None:
        if ev.beta is None or ev.model_id != self.model_id:
            return
        self.w.schedule_panel.plot.set_model(schedule_from_betas(ev.beta))

    def on_event(self, ev) -> None:
        if getattr(ev, "model_id", None) != self.model_id:
            return
        if isinstance(ev, m.AisEstimate):
            self.ais.add(ev.step, ev.ais_bits, ev.ais_stderr_bits)
        elif isinstance(ev, m.EntropyCurve):
            self.entropy.set_curve(ev.t, ev.lower, ev.upper, ev.model, ev.family)

    # ---- requests ---------------------------------------------------------------------
    def request_entropy(self) -> None:
        """Ask for the curve if the model changed and the dock is on screen (it queues
        behind a training run, so it arrives when training finishes)."""
        if not self.entropy_stale or not self.w.state.has_model or not self.dock.isVisible():
            return
        self.entropy_stale = False
        pts = self.w.state.data.points
        shape = tuple(self.w.state.model.config.get("shape", ()))
        data = pts if pts is not None and tuple(pts.shape[1:]) == shape else None
        self.w.client.submit(m.EntropyRequest(data=data))

    def close(self) -> None:
        self.entropy.widget.close()
        self.entropy.widget.deleteLater()

"""Compare runs: a second model beside the open one, both on the one slider.

Flows. Compare ▸ a file or a bundled model -> CompareOpen; the worker holds it in its second
slot and answers CompareChanged -> the 2-D view grows a second row (panels.py), the docks'
plots gain its curves (overlay.py), and its forward run (the same data, seed 0 as the open
model's), reverse run (the open model's reverse seed) and bound are asked for. Whenever the
open model's trajectories change, the comparison's follow with the same seed. Compare ▸
Train a variant -> the dialog (variant_dialog.py) -> CompareTrain: the worker trains it from
scratch and opens it as the comparison; the open model, its unsaved-model guard and the
Training dock are not involved. A new open model (or one of another kind) closes the
comparison and cancels a variant still training, so no view ever mixes a comparison with a
model it was not opened beside. New data in the Data dock reach the comparison through the
open model's new forward run. Only 2-D point models are compared; other kinds get one
clear message."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from engine.data.catalogue import POINT_SETS
from engine.data.split import split_points
from engine.presets import ASSETS
from engine.runtime import protocol as m

from .. import theme
from ..state import AppState
from ..widgets.file_dialogs import open_file
from ..widgets.fit_label import FitLabel
from ..workspaces.points import data_fit
from .overlay import CompareOverlay
from .panels import ComparePanels
from .state import CompareState, describe_changes, model_name
from .variant_dialog import VariantDialog

SUPPORTED = "Compare runs works with 2-D point models"
FOLLOWERS = ("compare_open", "compare_sample", "compare_diffuse", "compare_evaluate")
BOUND_POINTS = 2000       # as many as the open model's bound is evaluated on


def _article(kind: str) -> str:
    return "an" if kind[:1] in "aeiou" else "a"


class CompareController:
    def __init__(self, parent: QWidget, client, app: AppState, points, timeline, training_plots, schedule_plot, *,
                 train_config: Callable, steps: Callable[[], int], on_error: Callable[[str], None],
                 on_message: Callable[[str], None] = lambda s: None):
        """points: the 2-D workspace; train_config(name, steps): the Training dock's TrainConfig;
        steps(): the Training dock's step count (the variant dialog's default)."""
        self.parent, self.client, self.app, self.points = parent, client, app, points
        self.train_config, self.steps, self.on_error, self.on_message = train_config, steps, on_error, on_message
        self.cs = CompareState()
        self.panels = ComparePanels(points.view)
        self.overlay = CompareOverlay(training_plots, schedule_plot)
        self.variant: dict | None = None        # the changes of a variant being trained
        self._variant_parent = 0                # the open model it is a variant of
        self.progress = ""
        self.dialog: VariantDialog | None = None
        self.caption = theme.muted(FitLabel("", min_chars=8), small=True)
        self.caption.setContentsMargins(6, 0, 6, 0)
        self.caption.setVisible(False)
        points.layout().insertWidget(1, self.caption)
        self._build_menu(points.toolbar())
        client.event.connect(self.on_event)
        client.modelChanged.connect(self.on_main_model)
        timeline.tChanged.connect(lambda t: self.redraw())
        points.view.selectionRequested.connect(lambda *_: self.redraw())
        points.act_density.toggled.connect(lambda *_: self.redraw())

    # ---- the menu -----------------------------------------------------------------------
    def _build_menu(self, bar) -> None:
        self.button = QToolButton()
        self.button.setText("Compare")
        self.button.setToolTip("a second model beside the open one, on the same slider and noise")
        self.button.setPopupMode(QToolButton.InstantPopup)
        self.menu = menu = QMenu(self.button)
        menu.addAction("Compare with a model file…").triggered.connect(self.open_dialog)
        self.bundled = menu.addMenu("Compare with a bundled model")
        for p in sorted(ASSETS.glob("*.h5")) if ASSETS.is_dir() else []:
            if p.stem in POINT_SETS:
                self.bundled.addAction(p.stem).triggered.connect(lambda *_, p=p: self.open(str(p)))
        self.bundled.setEnabled(not self.bundled.isEmpty())
        menu.addSeparator()
        self.act_variant = menu.addAction("Train a variant…")
        self.act_variant.triggered.connect(self.variant_dialog)
        self.act_cancel = menu.addAction("Cancel the variant's training")
        self.act_cancel.triggered.connect(self.cancel_variant)
        self.act_close = menu.addAction("Close the comparison")
        self.act_close.triggered.connect(self.close)
        self.button.setMenu(menu)
        bar.addWidget(self.button)
        self._actions()

    def _actions(self) -> None:
        self.act_cancel.setEnabled(self.variant is not None)
        self.act_close.setEnabled(self.cs.open)

    # ---- requests -----------------------------------------------------------------------
    def supported(self) -> bool:
        """A 2-D model is open (or one clear message saying why not)."""
        if not self.app.has_model:
            self.on_error("open or train a 2-D model first: the comparison is shown beside it")
            return False
        kind = self.app.model.kind
        if kind != "points":
            self.on_error(f"{SUPPORTED}; the open model is {_article(kind)} {kind} model")
            return False
        return True

    def open_dialog(self) -> None:
        path = open_file(self.parent, "Compare with a model", "Models (*.h5)", "models")
        if path:
            self.open(path)

    def open(self, path: str) -> None:
        if not self.supported():
            return
        self.close()
        self.client.submit(m.CompareOpen(str(path)))

    def variant_dialog(self) -> VariantDialog | None:
        if not self.supported():
            return None
        trained = int((self.app.model.history.get("step") or [0])[-1])
        self.dialog = VariantDialog(self.app.model.config, self.steps(), trained, self.parent)
        self.dialog.accepted.connect(lambda d=self.dialog: self.train_variant(d.changes(), d.steps.value()))
        self.dialog.open()
        return self.dialog

    def train_variant(self, changes: dict, steps: int) -> None:
        if not changes or not self.supported():
            return
        if self.variant is not None:
            self.on_error("a variant is training already: cancel it first (Compare menu)")
            return
        model, data = self.app.model, self.app.data
        name = model.config.get("data", "")
        train = held = None
        if data.points is not None and data_fit.matches_model(data.name, data.points, model.config, model.data_mean,
                                                              model.data_std):
            split = split_points(data.points, name, self.train_config(name, steps).seed)   # the dock's split
            train, held = split.train, split.heldout
        self.variant, self._variant_parent = dict(changes), model.model_id
        self.progress = f"training a variant ({describe_changes(changes)}) of {self.main_name}…"
        self.client.submit(m.CompareTrain(changes=dict(changes), config=self.train_config(name, steps), train=train,
                                          heldout=held, n=self.points.data.n.value()))
        self._caption()
        self._actions()

    def cancel_variant(self) -> None:
        if self.variant is not None:
            self.client.cancel("compare_train")

    def close(self) -> None:
        """Close the comparison: the views return to the open model alone."""
        if self.cs.open:
            for kind in FOLLOWERS:
                self.client.cancel(kind)
            self.client.submit(m.CompareClose())
        self.cs.close()
        self.panels.hide()
        self.overlay.clear()
        self._caption()
        self._actions()

    def request_forward(self) -> None:
        data = self.app.data
        if self.cs.open and data.points is not None and len(data.points):
            raw, _ = data_fit.for_model(data.name, data.points, self.cs.config, self.cs.data_mean, self.cs.data_std)
            self.client.submit(m.CompareDiffuse(data=raw, seed=0))   # the open model's forward seed

    def request_reverse(self) -> None:
        if not self.cs.open:
            return
        rev = self.points.state.reverse
        n = rev.shape[1] if rev is not None else self.points.data.n.value()
        self.client.submit(m.CompareSample(n=n, seed=int(getattr(self.points, "reverse_seed", 0))))

    def request_bound(self) -> None:
        pts, cs = self.app.data.points, self.cs
        own = pts is not None and data_fit.matches_model(self.app.data.name, pts, cs.config, cs.data_mean, cs.data_std)
        self.client.submit(m.CompareEvaluate(data=pts[:BOUND_POINTS] if own else None, seed=0, n=BOUND_POINTS))

    # ---- events -------------------------------------------------------------------------
    @property
    def main_name(self) -> str:
        return model_name(self.app.model.path, None, "open model")

    def on_main_model(self, ev) -> None:
        """After the window has adopted it: a different open model ends the comparison."""
        model = self.app.model
        if self.cs.open and (model.model_id != self.cs.main_id or model.kind != "points"):
            self.close()
        if self.variant is not None and model.model_id != self._variant_parent:
            self.cancel_variant()

    def on_event(self, ev) -> None:
        if isinstance(ev, m.CompareChanged):
            self._opened(ev)
        elif isinstance(ev, m.CompareTrajectory):
            if self.cs.set_trajectory(ev):
                self.redraw()
        elif isinstance(ev, m.CompareBound):
            if ev.compare_id == self.cs.compare_id and self.cs.open:
                self.cs.report = ev.report
                self.overlay.set_kl(ev.report.get("per_step_kl_bits") or [])
                self._caption()
        elif isinstance(ev, m.CompareProgress):
            if self.variant is not None:
                self.progress = (f"training a variant ({describe_changes(self.variant)}): step {ev.step:,} / "
                                 f"{ev.total:,} · loss {ev.loss:.3f}")
                self._caption()
        elif isinstance(ev, m.Trajectory):
            if self.cs.open and ev.model_id == self.app.model.model_id and self.app.model.kind == "points":
                self.request_forward() if ev.direction == "forward" else self.request_reverse()
        elif isinstance(ev, (m.JobFinished, m.JobFailed)):
            self._job_ended(ev)

    def _job_ended(self, ev) -> None:
        if ev.kind == "compare_train" and (isinstance(ev, m.JobFailed) or ev.cancelled):
            self.variant = None
            self.progress = ""
            self.on_message("the variant's training was cancelled" if isinstance(ev, m.JobFinished) else "")
            self._caption()
            self._actions()
        elif ev.kind == "train" and isinstance(ev, m.JobFinished) and self.cs.open:
            # The open model's last samples came from its training run's own seed: sample
            # it again with a seed the comparison can share.
            self.points.request_reverse()

    def _opened(self, ev: m.CompareChanged) -> None:
        model = self.app.model
        if ev.main_id != model.model_id or model.kind != "points":   # opened beside a model since replaced
            self.client.submit(m.CompareClose())
            return
        if ev.changes:
            self.variant, self.progress = None, ""
        self.panels.hide()
        self.overlay.clear()
        self.cs.adopt(ev)
        self.panels.show(self.cs.data_std)
        self.overlay.show(self.main_name, self.cs.name, self.app.T, self.cs.T, self.cs.arrays, self.cs.history)
        self.request_forward()
        self.request_reverse()
        self.request_bound()
        self.redraw()
        self._actions()
        self.on_message(f"comparing with {self.cs.name}")

    # ---- drawing ------------------------------------------------------------------------
    def redraw(self) -> None:
        if self.cs.open and self.app.has_model:
            self.panels.redraw(self.cs, self.points.state, self.cs.name)
        self._caption()

    def _caption(self) -> None:
        cs, T = self.cs, self.app.T
        parts = []
        if cs.open:
            top = f"Top: {self.main_name} (T = {T}) · bottom: {cs.name} (T′ = {cs.T})"
            slider = ("the slider's t maps to t′ = round(t·T′/T), the same fraction of the diffusion"
                      if cs.T != T else "both at step t")
            same = cs.same_noise(self.points.state.reverse)
            noise = {True: "same noise seed (both reverse runs start from the same x_T)",
                     False: "reverse noise differs (Resample to share it)", None: "same noise seed"}[same]
            k = (cs.report or {}).get("K_bits")
            bound = f" · its K = {k:.3f} bits/point" if k is not None else ""
            parts = [f"{top} · {slider} · {noise}{bound}", f"{top} · {slider}", top]
        if self.progress:
            parts = [f"{self.progress} · {p}" for p in parts] or [self.progress]
        self.caption.set_variants(*parts) if parts else self.caption.set_variants("")
        self.caption.setVisible(bool(parts))

    def frame_shown(self, direction: str):
        return self.panels.frame_shown(direction)

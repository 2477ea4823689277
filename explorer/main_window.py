"""The main window: lays out the views and docks, and wires the engine's signals to the
state and views. Flows: a model arrives -> diffuse the data and sample the reverse; the
slider moves -> redraw both sides at t (and ask for the drift there); data changes ->
diffuse it again. Training lives in training_control, the File menu in file_actions."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QTabWidget, QToolBar, QVBoxLayout, QWidget

from engine import messages as m
from engine.datasets import POINT_SETS
from engine.presets import ASSETS

from . import geometry, settings
from .binary_workspace import BinaryWorkspace
from .engine_client import EngineClient
from .file_actions import FileActions
from .image_workspace import ImageWorkspace
from .inpaint_workspace import InpaintWorkspace
from .panels.data_panel import DataPanel
from .product_control import ProductControl
from .panels.schedule_panel import SchedulePanel
from .panels.training_panel import TrainingPanel
from .paper_control import PaperControl
from .state import AppState, ModelInfo
from .training_control import TrainingControl
from .views.banner import Banner
from .views.diffusion_view import DiffusionView
from .views.paper_figure import TAG as FIGURE_TAG
from .views.paper_figure import PaperFigure
from .views.timeline import Timeline

DEFAULT_MODEL = ASSETS / "swissroll.h5"
NO_MODEL = "no pretrained model: run `python main.py pretrain`"


class MainWindow(QMainWindow):
    def __init__(self, model_path: str | None = None, autoplay: bool = True, device: str = "auto"):
        super().__init__()
        self.setWindowTitle("Diffusion Explorer")
        self.resize(1400, 850)
        self.state = AppState()
        self.client = EngineClient(device=device, parent=self)
        self.autoplay = autoplay
        self.last_error = ""
        self.figure: PaperFigure | None = None
        self.grid = geometry.grid()
        self._drift_request: tuple[int, int] | None = None   # (t, grid points in it)
        self._build()
        self.files = FileActions(self)
        self.training = TrainingControl(self)
        self._connect()
        self.product = ProductControl(self)   # p·r panel and log p map; after _connect so it redraws last
        self.paper = PaperControl(self)       # AIS beside K, entropy-bounds dock, live learned β
        self._restore_settings()
        path = model_path or (str(DEFAULT_MODEL) if DEFAULT_MODEL.is_file() else None)
        if path:
            self.files.open_model(path)
        else:
            self.data_panel.regenerate(quiet=True)
            self._adopt_data()
            self.set_engine_text(NO_MODEL)
            self.statusBar().showMessage(NO_MODEL)
        self.training_panel.set_device(self.client.device)
        self._moved(0)

    # ---- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.view = DiffusionView(self.state)
        self.timeline = Timeline()
        self.banner = Banner()
        centre = QWidget()
        lay = QVBoxLayout(centre)
        lay.setContentsMargins(4, 4, 4, 0)
        lay.addWidget(self.banner)
        # One workspace per kind of model; all follow the one timestep slider below.
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.workspaces: dict[str, QWidget] = {}
        self.add_workspace("points", "2-D points", self.view)
        self.images = ImageWorkspace(self)
        self.add_workspace("image", "Images", self.images)
        self.binary = BinaryWorkspace(self)
        self.add_workspace("binary", "Binary sequences", self.binary)
        self.inpaint = InpaintWorkspace(self.client, on_error=self.show_error,
                                        open_model=lambda p: self.files.open_model(p))
        self.add_workspace("inpaint", "Inpaint && denoise", self.inpaint)   # && shows one &
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.timeline)
        self.setCentralWidget(centre)

        self.data_panel = DataPanel()
        self.schedule_panel = SchedulePanel()
        self.training_panel = TrainingPanel()
        self.docks: dict[str, QDockWidget] = {}
        self.view_menu = self.menuBar().addMenu("&View")
        self.add_dock("Data", self.data_panel, Qt.LeftDockWidgetArea)
        self.add_dock("Schedule", self.schedule_panel, Qt.BottomDockWidgetArea)
        self.add_dock("Training", self.training_panel, Qt.RightDockWidgetArea)
        # Side docks run full height; the schedule sits under the views, short and wide.
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        self.resizeDocks([self.docks["Data"], self.docks["Training"]], [290, 330], Qt.Horizontal)
        self.resizeDocks([self.docks["Schedule"]], [210], Qt.Vertical)

        bar = QToolBar("View")
        bar.setObjectName("toolbar-view")
        self.addToolBar(Qt.TopToolBarArea, bar)
        self.act_drift = self._toggle(bar, "Drift field", "arrows f_μ(x, t) − x on a grid (reverse view)")
        self.act_density = self._toggle(bar, "Density", "2-D histograms of q(x_t) and p(x_t)")
        self.act_lasso = self._toggle(bar, "Lasso", "drag to select points (Shift+drag always lassos)")
        clear = bar.addAction("Clear selection")
        clear.triggered.connect(self._clear_selection)
        bar.addSeparator()
        bar.addAction("Paper figure").triggered.connect(self.show_paper_figure)
        bar.addAction("Resample").triggered.connect(self.resample)

        self.engine_label = QLabel("engine: idle")
        self.statusBar().addPermanentWidget(self.engine_label)

        for key, slot in ((Qt.Key_Space, self.timeline.toggle_play), (Qt.Key_Left, lambda: self.timeline.step(-1)),
                          (Qt.Key_Right, lambda: self.timeline.step(1)), (Qt.Key_Home, lambda: self.timeline.set_t(0)),
                          (Qt.Key_End, lambda: self.timeline.set_t(self.state.T))):
            QShortcut(QKeySequence(key), self, activated=slot)

    def add_dock(self, key: str, widget: QWidget, area, title: str | None = None) -> QDockWidget:
        """A movable, floatable, closable dock listed in the View menu; its object name
        ("dock-KEY") is what saved layouts are restored by."""
        dock = QDockWidget(title or key, self)
        dock.setObjectName(f"dock-{key}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable |
                         QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def add_workspace(self, kind: str, title: str, widget: QWidget) -> None:
        """A tab showing models of `kind` ("points", "binary", "image"; other names are
        extra tabs, e.g. inpainting). The window switches to it when such a model opens."""
        self.workspaces[kind] = widget
        self.tabs.addTab(widget, title)

    def show_workspace(self, kind: str) -> None:
        w = self.workspaces.get(kind)
        if w is not None:
            self.tabs.setCurrentWidget(w)

    def _toggle(self, bar: QToolBar, text: str, tip: str) -> QAction:
        a = bar.addAction(text)
        a.setCheckable(True)
        a.setToolTip(tip)
        return a

    def _connect(self) -> None:
        c = self.client
        c.modelChanged.connect(self.on_model)
        c.trajectory.connect(self.on_trajectory)
        c.driftField.connect(self.on_drift)
        c.jobStarted.connect(lambda ev: self.set_engine_text(f"{ev.text}…"))
        c.jobFinished.connect(self.on_finished)
        c.jobFailed.connect(lambda ev: self.show_error(f"{ev.kind} failed: {ev.message}"))
        c.boundResult.connect(self.on_bound)
        self.timeline.tChanged.connect(self._moved)
        self.view.selectionRequested.connect(self.on_select)
        self.data_panel.dataChanged.connect(self.on_data)
        self.data_panel.error.connect(self.show_error)
        self.act_drift.toggled.connect(self._drift_toggled)
        self.act_density.toggled.connect(self.view.set_density)
        self.act_lasso.toggled.connect(self.view.set_lasso)

    # ---- messages ---------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.last_error = text
        self.banner.show_error(text)
        self.statusBar().showMessage(f"error: {text}", 10000)

    def set_engine_text(self, text: str) -> None:
        self.engine_label.setText(f"engine: {text}")

    # ---- engine events ----------------------------------------------------------------
    def on_model(self, ev: m.ModelChanged) -> None:
        info = ModelInfo.from_event(ev)
        new = self.state.set_model(info)
        self.schedule_panel.set_model({"beta": ev.beta, "alpha_bar": ev.alpha_bar, "snr": ev.snr}, ev.config)
        self.timeline.set_T(self.state.T)
        self.training_panel.set_device(ev.device)
        title = Path(ev.path).name if ev.path else "unsaved model"
        self.setWindowTitle(f"Diffusion Explorer — {title} · {ev.description}")
        if ev.path:
            self.files.remember(ev.path)
        from_training = self.training.new_model_pending
        self.training.new_model_pending = False
        if new:
            self.show_workspace(info.kind)
        if new and not from_training:
            self.training.show_history(info, ev.history)
            self.training_panel.set_mode("idle", True)
            if info.kind == "points":   # other workspaces follow the client's signals themselves
                self._show_points_model(ev.config)
        if info.kind == "points":
            self.view.clear_drift()
        self._moved(self.timeline.t)

    def _show_points_model(self, config: dict) -> None:
        """A 2-D model opened: show its data set, diffuse it, sample, and fill the KL bars."""
        data = config.get("data")
        if data in POINT_SETS and (data != self.state.data.name or self.state.data.points is None):
            self.data_panel.choose(data, config.get("data_args", {}).get("noise"), quiet=True)
        elif self.state.data.points is None:
            self.data_panel.regenerate(quiet=True)
        self._adopt_data()
        self.request_forward()
        self.request_reverse()
        if self.state.data.points is not None:
            self.client.submit(m.Evaluate(data=self.state.data.points[:2000], seed=0))

    def on_trajectory(self, ev: m.Trajectory) -> None:
        if not self._points_model() or not self.state.set_trajectory(ev.direction, ev.x, ev.model_id):
            return
        self._moved(self.timeline.t)
        if self.autoplay and self.state.forward is not None and self.state.reverse is not None:
            self.autoplay = False
            self.timeline.play(True)
        if self.figure is not None and self.figure.isVisible():
            self.figure.refresh()

    def on_drift(self, ev: m.DriftField) -> None:
        if ev.model_id != self.state.model.model_id:
            return
        if ev.tag == FIGURE_TAG:
            if self.figure is not None:
                self.figure.set_drift(ev.t, ev.points, ev.mean)
            return
        if self._drift_request and self._drift_request[0] == ev.t:
            self.view.set_drift(ev.t, ev.points, ev.mean, ev.var, self._drift_request[1])

    def on_bound(self, ev: m.BoundResult) -> None:
        if ev.model_id != self.state.model.model_id:
            return
        r = ev.report
        if r.get("per_step_kl_bits"):
            self.training_panel.plots.set_kl(r["per_step_kl_bits"])
        self.training_panel.progress.setText(
            f"K = {r.get('K_bits', float('nan')):.3f} {r.get('unit', 'bits')} "
            f"(K − L_null = {r.get('K_minus_Lnull_bits', float('nan')):.3f}) on the current data")

    def on_finished(self, ev: m.JobFinished) -> None:
        idle = not self.client.running
        self.set_engine_text("idle" if idle else ", ".join(self.client.running))
        self.statusBar().showMessage(ev.text, 4000)

    # ---- requests ---------------------------------------------------------------------
    def _points_model(self) -> bool:
        return self.state.has_model and self.state.model.kind == "points"

    def request_forward(self) -> None:
        if self._points_model() and self.state.data.points is not None:
            self.client.submit(m.Diffuse(data=self.state.data.points, seed=0))

    def request_reverse(self) -> None:
        if self._points_model():
            self.client.submit(m.Sample(n=self.data_panel.n.value(), seed=int(np.random.default_rng().integers(1 << 30))
                                        if self.state.reverse is not None else 0))

    def resample(self) -> None:
        """Fresh reverse samples in whichever workspace shows the open model."""
        kind = self.state.model.kind if self.state.has_model else "points"
        if kind == "image":
            self.images.request_reverse(new_seed=True)
        elif kind == "binary":
            self.binary.request_sample()
        else:
            self.request_reverse()

    def request_drift(self) -> None:
        s = self.state
        sel = s.selection["reverse"]
        rev = s.frame("reverse")
        if not self._points_model() or (not self.act_drift.isChecked() and (rev is None or len(sel) == 0)):
            return
        grid = self.grid if self.act_drift.isChecked() else np.zeros((0, 2), np.float32)
        chosen = rev[sel] if rev is not None and len(sel) else np.zeros((0, 2), np.float32)
        t = max(s.t, 1)
        self._drift_request = (t, len(grid))
        self.client.submit(m.Drift(t=t, points=np.vstack([grid, chosen]).astype(np.float32)))

    # ---- GUI events -------------------------------------------------------------------
    def _moved(self, t: int) -> None:
        t = self.state.set_t(t)
        self.view.redraw()
        self.timeline.set_text(self.state.step_text() if self.state.has_model else NO_MODEL)
        self.schedule_panel.plot.set_t(t)
        self.request_drift()

    def on_select(self, direction: str, idx, add: bool) -> None:
        self.state.select(direction, idx, add)
        self._moved(self.state.t)

    def _clear_selection(self) -> None:
        self.state.clear_selection()
        self._moved(self.state.t)

    def _drift_toggled(self, on: bool) -> None:
        self.view.set_drift_visible(on)
        self.request_drift()

    def _adopt_data(self) -> None:
        self.state.data.points = self.data_panel.points
        self.state.data.name = self.data_panel.current
        self.state.data.noise = self.data_panel.noise.value()

    def on_data(self, name: str, points) -> None:
        self._adopt_data()
        self.request_forward()

    def show_paper_figure(self) -> PaperFigure:
        if self.figure is None:
            self.figure = PaperFigure(self.state)
            self.figure.driftRequested.connect(
                lambda ts, pts: self.client.submit(m.DriftSeries(ts=list(ts), points=pts, tag=FIGURE_TAG)))
        self.figure.show()
        self.figure.raise_()
        self.figure.refresh()
        return self.figure

    # ---- settings and closing ---------------------------------------------------------
    def _restore_settings(self) -> None:
        s = settings.settings()
        geom, st = s.value("geometry"), s.value("windowState")
        if geom is not None:
            self.restoreGeometry(geom)
        if st is not None:
            self.restoreState(st)
        name = str(s.value("data/name", "swissroll"))
        if name in POINT_SETS:
            self.data_panel.select_quietly(name)
        self.data_panel.noise.setValue(float(s.value("data/noise", 0.05)))
        self.data_panel.n.setValue(int(s.value("data/n", 2000)))
        self.timeline.speed.setValue(int(s.value("speed", 12)))

    def _save_settings(self) -> None:
        s = settings.settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("windowState", self.saveState())
        if self.state.data.name in POINT_SETS:
            s.setValue("data/name", self.state.data.name)
        s.setValue("data/noise", self.data_panel.noise.value())
        s.setValue("data/n", self.data_panel.n.value())
        s.setValue("speed", self.timeline.speed.value())
        s.sync()

    def closeEvent(self, event) -> None:
        if getattr(self, "_closed", False):
            return super().closeEvent(event)
        self._closed = True
        self.timeline.play(False)
        self.client.close(2.0)        # cancels training; the worker thread ends
        self._save_settings()
        if self.figure is not None:
            self.figure.close()
            self.figure.deleteLater()
            self.figure = None
        # pyqtgraph widgets alive at interpreter exit can crash it: delete them with the window.
        self.paper.close()
        self.images.close_views()
        for w in (self.view, self.training_panel.plots, self.schedule_panel.plot, self.data_panel.canvas,
                  self.binary.raster):
            w.deleteLater()
        super().closeEvent(event)

"""The main window, a shell: one tab per workspace over the shared timestep slider, the
docks, the menus (File, View, Help: explorer/shell/), settings and shutdown. It routes the
engine's events to the workspaces showing the open model (explorer/workspaces/base.py) and
hands every collaborator what it needs (the client, the shared state, callbacks), never
itself. Tabs and docks scroll rather than grow (explorer/widgets/scroll_pages.py), so the
window fits a 1280×720 projector and never resizes itself."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QToolBar, QVBoxLayout, QWidget

from engine.runtime import protocol as m
from engine.data.catalogue import POINT_SETS
from engine.presets import ASSETS

from . import settings, theme
from .compare.controller import CompareController
from .docks.data.panel import DataPanel
from .docks.entropy.control import EntropyControl
from .docks.entropy.plot import EntropyPlot
from .docks.schedule.panel import SchedulePanel
from .docks.training.control import TrainingControl
from .docks.training.panel import TrainingPanel
from .engine_client import EngineClient
from .shell.file_menu import FileMenu
from .shell.figures_menu import FiguresMenu, Stage
from .shell.workspace_files import WorkspaceFiles
from .shell.help_menu import HelpMenu
from .shell.record_menu import RecordMenu
from .shell.unsaved_guard import UnsavedGuard
from .shell.view_menu import ViewMenu
from .state import AppState, ModelInfo
from .widgets.banner import Banner
from .widgets.fit_label import FitLabel
from .widgets.scroll_pages import ScrollPage, WorkspaceTabs
from .widgets.timeline import Timeline
from .workspaces.base import Workspace
from .workspaces.binary.workspace import BinaryWorkspace
from .workspaces.images.workspace import ImageWorkspace
from .workspaces.inpaint.workspace import InpaintWorkspace
from .workspaces.points.workspace import PointsWorkspace

DEFAULT_MODEL = ASSETS / "swissroll.h5"
NO_MODEL = "no pretrained model: run `python main.py pretrain`"
DEFAULT_SIZE = (1400, 850)
# Side docks' share of the window's width, and the Schedule dock's height, at the default layout.
SIDE_WIDTHS, SCHEDULE_HEIGHT = (0.19, 0.23), 0.24


class MainWindow(QMainWindow):
    def __init__(self, model_path: str | None = None, autoplay: bool = True, device: str = "auto"):
        super().__init__()
        self.setWindowTitle("Diffusion Explorer")
        self.resize(*self._fitting_size())
        self.state = AppState()
        self.client = EngineClient(device=device, parent=self)
        self.last_error = ""
        self.data_panel = DataPanel()
        self.schedule_panel = SchedulePanel()
        self.training_panel = TrainingPanel()
        self.entropy_plot = EntropyPlot()
        self.timeline = Timeline()
        self._build_workspaces(autoplay)
        self.file_menu = self.menuBar().addMenu("&File")     # File, View, Help: in this order
        self.view_menu = self.menuBar().addMenu("&View")
        self.help_menu = self.menuBar().addMenu("&Help")
        self.views = ViewMenu(self.view_menu, self, resample=self.resample, reset_layout=self.reset_layout)
        self._build_docks()
        self.guard = UnsavedGuard(self, self.client, save=lambda: self.files.save_dialog())
        self.training = TrainingControl(self.training_panel, self.client, self.state, self.data_panel,
                                        self.schedule_panel, on_error=self.show_error, on_status=self.set_engine_text,
                                        image_samples=self.images.n.value, may_replace=self.guard.may_replace)
        self.entropy = EntropyControl(self.entropy_plot, self.entropy_dock, self.client, self.state)
        self._build_menus()
        self._connect()
        self.compare = CompareController(self, self.client, self.state, self.points, self.timeline,
                                         self.training_panel.plots, self.schedule_panel.plot,
                                         train_config=self.training.train_config,
                                         steps=self.training_panel.steps.value, on_error=self.show_error,
                                         on_message=lambda text: self.statusBar().showMessage(text, 5000))
        self._restore_settings()
        self.figures = FiguresMenu(self.menuBar(), Stage.of(self), before=self.help_menu)
        self.workspace_files = WorkspaceFiles(self.file_menu, self, unsaved=lambda: self.guard.unsaved,
                                              may_replace=self.guard.may_replace, on_error=self.show_error,
                                              after=self.files.save)
        self._show_toolbar()
        path = model_path or (str(DEFAULT_MODEL) if DEFAULT_MODEL.is_file() else None)
        if path:
            self.files.open_model(path, ask=False)
        else:
            self.data_panel.regenerate(quiet=True)
            self.state.data = self.data_panel.dataset()
            self.set_engine_text(NO_MODEL)
            self.statusBar().showMessage(NO_MODEL)
        self.training_panel.set_device(self.client.device)
        self._moved(0)

    # ---- layout -----------------------------------------------------------------------
    def _fitting_size(self) -> tuple[int, int]:
        """The default size, or the screen's available area when that is smaller."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return DEFAULT_SIZE
        avail = screen.availableGeometry()
        return min(DEFAULT_SIZE[0], avail.width()), min(DEFAULT_SIZE[1], avail.height())

    def _build_workspaces(self, autoplay: bool) -> None:
        self.banner = Banner()
        centre = QWidget()
        lay = QVBoxLayout(centre)
        lay.setContentsMargins(4, 4, 4, 0)
        self.points = PointsWorkspace(self.client, self.state, self.data_panel, autoplay=autoplay,
                                      play=self.timeline.play, on_status=self.set_engine_text,
                                      on_error=self.show_error,
                                      on_message=lambda text: self.statusBar().showMessage(text, 5000))
        self.images = ImageWorkspace(self.client, self.state, choose_data=self.data_panel.choose_named,
                                     on_error=self.show_error)
        self.binary = BinaryWorkspace(self.client, self.state, choose_data=self.data_panel.choose_named)
        self.inpaint = InpaintWorkspace(self.client, on_error=self.show_error,
                                        open_model=lambda p: self.files.open_model(p))
        # Keyed by the model kind each opens for (the inpainting tab is an extra).
        self.workspaces: dict[str, Workspace] = {"points": self.points, "image": self.images,
                                                 "binary": self.binary, "inpaint": self.inpaint}
        self.tabs = WorkspaceTabs()
        self.tabs.setDocumentMode(True)
        for ws in self.workspaces.values():
            self.tabs.addTab(ws, ws.title)
            bar = ws.toolbar()
            if bar is not None:
                self.addToolBar(Qt.TopToolBarArea, bar)
        # Shown on tabs without a toolbar of their own (the open model's name), so switching
        # tabs never moves everything below the toolbar row up or down.
        self.spare_bar = QToolBar("Model")
        self.spare_bar.setObjectName("toolbar-spare")
        self.spare_bar.setMovable(False)
        self.model_label = theme.muted(QLabel(" "))
        self.spare_bar.addWidget(self.model_label)
        self.addToolBar(Qt.TopToolBarArea, self.spare_bar)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.timeline)
        self.banner.float_over(self.tabs)
        self.setCentralWidget(centre)
        # A fixed width: a long job name is elided, never widens the status bar (or the window).
        self.engine_label = FitLabel("engine: idle", min_chars=10)
        self.engine_label.setFixedWidth(self.engine_label.fontMetrics().averageCharWidth() * 44)
        self.statusBar().addPermanentWidget(self.engine_label)

    def _build_docks(self) -> None:
        self.docks: dict[str, QDockWidget] = {}
        self.data_dock = self.add_dock("Data", self.data_panel, Qt.LeftDockWidgetArea)
        self.schedule_dock = self.add_dock("Schedule", self.schedule_panel, Qt.BottomDockWidgetArea)
        self.training_dock = self.add_dock("Training", self.training_panel, Qt.RightDockWidgetArea)
        self.entropy_dock = self.add_dock("Entropy", self.entropy_plot, Qt.BottomDockWidgetArea, "Entropy bounds")
        self.tabifyDockWidget(self.schedule_dock, self.entropy_dock)
        self.schedule_dock.raise_()
        # Side docks run full height; the schedule sits under the views, short and wide.
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)

    def showEvent(self, ev) -> None:   # noqa: N802 (Qt's name)
        super().showEvent(ev)
        if not getattr(self, "_docks_sized", False):   # at the size shown, unless a layout was restored
            self._docks_sized = True
            if settings.settings().value("windowState") is None:
                self._size_docks()
            # Keyboard focus on the window, not the first box in the tab order (the σ box):
            # a focused editor takes Space, arrows, Home and End from the timeline's shortcuts.
            self.setFocusPolicy(Qt.StrongFocus)
            self.setFocus(Qt.OtherFocusReason)

    def _size_docks(self) -> None:
        """Dock sizes as fractions of the window, so a small screen keeps room for the views."""
        w, h = self.width(), self.height()
        # ... but never narrower than a panel's minimum: a side dock that scrolls sideways hides its edge.
        widths = [max(int(w * f), d.widget().widget().minimumSizeHint().width())
                  for f, d in zip(SIDE_WIDTHS, (self.data_dock, self.training_dock))]
        self.resizeDocks([self.data_dock, self.training_dock], widths, Qt.Horizontal)
        self.resizeDocks([self.schedule_dock], [int(h * SCHEDULE_HEIGHT)], Qt.Vertical)

    def reset_layout(self) -> None:
        """View ▸ Reset layout: every dock shown, docked where it started, sized to the window."""
        areas = {"Data": Qt.LeftDockWidgetArea, "Schedule": Qt.BottomDockWidgetArea,
                 "Training": Qt.RightDockWidgetArea, "Entropy": Qt.BottomDockWidgetArea}
        for key, dock in self.docks.items():
            self.removeDockWidget(dock)     # re-adding a tabbed dock in place leaves a stray tab bar
            dock.setFloating(False)
            self.addDockWidget(areas[key], dock)
            dock.show()
        self.tabifyDockWidget(self.schedule_dock, self.entropy_dock)
        self.schedule_dock.raise_()
        self._size_docks()

    def add_dock(self, key: str, widget: QWidget, area, title: str | None = None) -> QDockWidget:
        """A movable, floatable, closable dock listed in the View menu; its object name
        ("dock-KEY") is what saved layouts are restored by. Its panel scrolls when the
        dock is smaller than the panel's minimum, instead of growing the window."""
        dock = QDockWidget(title or key, self)
        dock.setObjectName(f"dock-{key}")
        dock.setWidget(ScrollPage(widget))
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable |
                         QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        self.docks[key] = dock
        self.views.add_dock_toggle(dock.toggleViewAction())
        return dock

    def _build_menus(self) -> None:
        self.files = FileMenu(self.file_menu, self, self.client, self.state, on_error=self.show_error,
                              load_points=self.data_panel.load_dialog, export_view=self.export_view,
                              export_trajectories=self.points.export_trajectories,
                              paper_figure=self.points.show_paper_figure, quit=self.close,
                              may_replace=self.guard.may_replace)
        self.help = HelpMenu(self.help_menu, self)
        self.recording = RecordMenu(self.menuBar(), self, timeline=self.timeline, workspaces=self.workspaces,
                                    current=self.tabs.currentWidget, on_error=self.show_error,
                                    on_message=lambda text: self.statusBar().showMessage(text, 5000))
        for key, slot in ((Qt.Key_Space, self.timeline.toggle_play), (Qt.Key_Left, lambda: self.timeline.step(-1)),
                          (Qt.Key_Right, lambda: self.timeline.step(1)), (Qt.Key_Home, lambda: self.timeline.set_t(0)),
                          (Qt.Key_End, lambda: self.timeline.set_t(self.state.T))):
            QShortcut(QKeySequence(key), self, activated=slot)

    def _connect(self) -> None:
        c = self.client
        c.modelChanged.connect(self.on_model)
        c.event.connect(self.route)
        c.jobStarted.connect(lambda ev: self.set_engine_text(f"{ev.text}…"))
        c.jobFinished.connect(self.on_finished)
        c.jobFailed.connect(lambda ev: self.show_error(f"{ev.kind} failed: {ev.message}"))
        self.timeline.tChanged.connect(self._moved)
        self.tabs.currentChanged.connect(self._show_toolbar)
        self.data_panel.dataChanged.connect(self._data_changed)
        self.data_panel.error.connect(self.show_error)

    def show_workspace(self, kind: str) -> None:
        ws = self.workspaces.get(kind)
        if ws is not None:
            self.tabs.setCurrentWidget(ws)

    def theme_changed(self) -> None:
        """explorer/theme.py restyle(): fonts may have grown; keep the toolbar rows level."""
        self._show_toolbar()

    def _show_toolbar(self, *_) -> None:
        """Each workspace's toolbar shows only while its tab is current."""
        current = self.tabs.currentWidget()
        for ws in self.workspaces.values():
            bar = ws.toolbar()
            if bar is not None:
                bar.setVisible(ws is current)
        self.spare_bar.setFixedHeight(self.points.toolbar().sizeHint().height())   # (fonts may have changed)
        self.spare_bar.setVisible(current is None or current.toolbar() is None)

    # ---- messages ---------------------------------------------------------------------
    def show_error(self, text: str) -> None:
        self.last_error = text
        self.banner.show_error(text)
        self.statusBar().showMessage(f"error: {text}", 10000)

    def set_engine_text(self, text: str) -> None:
        self.engine_label.setText(f"engine: {text}")

    # ---- engine events ----------------------------------------------------------------
    def on_model(self, ev: m.ModelChanged) -> None:
        info = ModelInfo.from_event(ev, from_training=self.training.take_pending())
        new = self.state.set_model(info)
        self.schedule_panel.set_model({"beta": ev.beta, "alpha_bar": ev.alpha_bar, "snr": ev.snr}, ev.config)
        if new:
            self.show_workspace(info.kind)
        # Every workspace hears of every model: those of another kind clear themselves.
        for ws in self.workspaces.values():
            ws.on_model(info)
        # After the workspaces: they show the model's data set in the Data dock, whose
        # presets the Training dock then offers for the next new model.
        self.training.on_model(info, new)
        self.entropy.on_model(info)
        self.timeline.set_T(self.state.T)
        title = Path(ev.path).name if ev.path else "unsaved model"
        self.setWindowTitle(f"Diffusion Explorer — {title} · {ev.description}")
        self.model_label.setText(f"  {title} · {ev.description}")
        if ev.path:
            self.files.remember(ev.path)
        self._moved(self.timeline.t)

    def route(self, ev) -> None:
        """An event of the open model goes to the workspaces showing its kind; one tied to
        no model (data built, a job failed) to every workspace; one of an older model nowhere."""
        if isinstance(ev, m.ModelChanged):
            return                      # on_model has handled it
        model_id = getattr(ev, "model_id", None)
        if model_id is None:
            targets = list(self.workspaces.values())
        elif self.state.has_model and model_id == self.state.model.model_id:
            targets = [ws for ws in self.workspaces.values() if self.state.model.kind in ws.kinds]
        else:
            return
        for ws in targets:
            ws.on_event(ev)

    def on_finished(self, ev: m.JobFinished) -> None:
        idle = not self.client.running
        self.set_engine_text("idle" if idle else ", ".join(self.client.running))
        self.statusBar().showMessage(ev.text, 4000)

    # ---- requests and GUI events -----------------------------------------------------------
    def resample(self) -> None:
        """Fresh reverse samples in whichever workspace shows the open model."""
        kind = self.state.model.kind if self.state.has_model else "points"
        self.workspaces[kind].resample()

    def export_view(self, path: str) -> bool:
        """The current tab's view as a PNG."""
        ok = self.tabs.currentWidget().export(path)
        if ok:
            self.statusBar().showMessage(f"view saved to {path}", 5000)
        else:
            self.show_error(f"could not write {path}")
        return ok

    def _moved(self, t: int) -> None:
        t = self.state.set_t(t)
        if self.state.has_model:
            self.timeline.set_step(*self.state.step_variants())
        else:
            self.timeline.set_text(NO_MODEL)
        self.schedule_panel.set_t(t)
        self.entropy_plot.set_t(t)
        for ws in self.workspaces.values():
            ws.set_t(t)

    def _data_changed(self, name: str, points) -> None:
        self.state.data = self.data_panel.dataset()
        self.points.data_changed()

    # ---- settings and closing ---------------------------------------------------------
    def _restore_settings(self) -> None:
        s = settings.settings()
        geom, st = s.value("geometry"), s.value("windowState")
        if geom is not None:
            self.restoreGeometry(geom)
            self.resize(self.size().boundedTo(self.screen().availableGeometry().size()))
        if st is not None:
            self.restoreState(st)
        name = str(s.value("data/name", "swissroll"))
        if name in POINT_SETS:
            self.data_panel.select_quietly(name)
        self.data_panel.noise.setValue(float(s.value("data/noise", 0.05)))
        self.data_panel.n.setValue(int(s.value("data/n", 2000)))
        self.timeline.speed.setValue(int(s.value("speed", 12)))
        self.views.restore()

    def _save_settings(self) -> None:
        s = settings.settings()
        if not self.isFullScreen():        # a full-screen geometry would be restored on any screen
            s.setValue("geometry", self.saveGeometry())
        s.setValue("windowState", self.saveState())
        if self.state.data.name in POINT_SETS:
            s.setValue("data/name", self.state.data.name)
        s.setValue("data/noise", self.data_panel.noise.value())
        s.setValue("data/n", self.data_panel.n.value())
        s.setValue("speed", self.timeline.speed.value())
        s.sync()

    def changeEvent(self, ev) -> None:   # noqa: N802 (Qt's name)
        super().changeEvent(ev)
        if ev.type() == QEvent.WindowStateChange and hasattr(self, "views"):
            a = self.views.full_screen     # F11's check mark follows the window, however it changed
            a.blockSignals(True)
            a.setChecked(self.isFullScreen())
            a.blockSignals(False)

    def closeEvent(self, event) -> None:   # noqa: N802
        if getattr(self, "_closed", False):
            return super().closeEvent(event)
        if not self.guard.may_close():
            event.ignore()
            return
        self._closed = True
        self.timeline.play(False)
        self.client.close(2.0)        # cancels training; the worker thread ends
        self._save_settings()
        # pyqtgraph widgets alive at interpreter exit can crash it: delete them with the window.
        for ws in self.workspaces.values():
            ws.close_views()
        self.entropy_plot.close_views()
        for w in (self.training_panel.plots, self.schedule_panel.plot, self.data_panel.canvas):
            w.deleteLater()
        super().closeEvent(event)

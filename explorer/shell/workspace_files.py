"""Workspace files in the File menu: Save Workspace…, Open Workspace…, Recent Workspaces.
This gathers the window's state (the tab, the slider's t, the data set and its args, the
2-D views' ranges, trajectories and selections, the inpainting image, mask and task, the
Images tab's size, the dock layout as saveState bytes) and applies it again; the file
format is engine/io/workspace.py's. The worker writes the file, since only it holds the
model's weights, and opens the model the file embeds; the rest is applied once that
model's ModelChanged has come and the views it needs have their data (checked on a
timer: the GUI never waits). A damaged file is refused in one line before anything
changes, and opening asks about an unsaved model like every open."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from engine.data.catalogue import POINT_SETS
from engine.io.storage import StorageError
from engine.io.workspace import Workspace, read_workspace
from engine.runtime import protocol as m

from .. import settings
from ..docks.data.panel import DRAWN
from ..widgets import file_dialogs

RECENT_KEY = "recent_workspaces"
FILTER = "Workspaces (*.h5 *.hdf5)"
POLL_MS = 50
DIRECTIONS = ("forward", "reverse")


class WorkspaceFiles(QObject):
    restored = Signal(str)          # a workspace was applied in full (its path)
    saved = Signal(str)

    def __init__(self, menu: QMenu, window, *, unsaved: Callable[[], bool], may_replace: Callable[[str], bool],
                 on_error: Callable[[str], None], after=None):
        """window: the main window (its saveState/restoreState, tabs, slider, data dock and
        workspaces); unsaved(): the open model has changes no model file holds;
        may_replace(what): the unsaved-model guard; after: the File menu action the
        entries follow."""
        super().__init__(window)
        self.window, self.unsaved, self.may_replace, self.on_error = window, unsaved, may_replace, on_error
        self.client, self.state = window.client, window.state
        self._pending: tuple[str, Workspace] | None = None    # opening: waiting for its model
        self._job: int | None = None                          # the worker's job opening it
        self._save_path: str | None = None
        self._before: tuple = ("", 0.0, 0)                  # the data dock before an open
        self._cond = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        actions = menu.actions()
        before = actions[actions.index(after) + 1] if after in actions and actions.index(after) + 1 < len(actions) \
            else None
        self.open_action = self._action(menu, before, "Open &Workspace…", self.open_dialog, "Ctrl+Shift+O")
        self.recent_menu = QMenu("Recent Wor&kspaces", window)
        menu.insertMenu(before, self.recent_menu) if before else menu.addMenu(self.recent_menu)
        self.save_action = self._action(menu, before, "Save Works&pace…", self.save_dialog, "Ctrl+Shift+S")
        self.refresh_recent()
        c = self.client
        c.jobStarted.connect(self._job_started)
        c.modelChanged.connect(self._model_changed)
        c.jobFinished.connect(self._job_finished)
        c.jobFailed.connect(self._job_failed)

    def _action(self, menu: QMenu, before, text, slot, shortcut) -> QAction:
        a = QAction(text, self.window)
        a.setShortcut(shortcut)
        a.triggered.connect(lambda *_: slot())
        menu.insertAction(before, a) if before else menu.addAction(a)
        return a

    # ---- recent ---------------------------------------------------------------------------
    def remember(self, path: str) -> None:
        settings.add_recent(str(Path(path).resolve()), RECENT_KEY)
        self.refresh_recent()

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files(RECENT_KEY)
        for p in files:
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.triggered.connect(lambda *_, path=p: self.open_workspace(path))
        self.recent_menu.setEnabled(bool(files))

    # ---- saving ---------------------------------------------------------------------------
    def gather(self) -> Workspace:
        """The window's state now, as plain values (arrays copied: they cross to the worker)."""
        w, s = self.window, self.state
        tab = next((k for k, ws in w.workspaces.items() if ws is w.tabs.currentWidget()), "points")
        path = s.model.path if s.has_model else ""
        ws = Workspace(tab=tab, t=int(w.timeline.t), model_path=path or "",
                       model_saved=bool(path) and not self.unsaved(), window_state=bytes(w.saveState()))
        dp = w.data_panel
        ws.data = {"name": dp.selected, "noise": float(dp.noise.value()), "n": int(dp.n.value()),
                   "size": int(dp.size.value())}
        if s.data.points is not None:
            ws.data["points"] = np.array(s.data.points, dtype=np.float64)
        pts = w.workspaces["points"]
        if pts.state.active:
            view = {"ranges": np.array([pts.view.panels[d].vb.viewRange() for d in DIRECTIONS], np.float64)}
            for d in DIRECTIONS:
                view[f"selection_{d}"] = np.array(pts.state.selection[d], np.int64)
                if getattr(pts.state, d) is not None:
                    view[d] = np.array(getattr(pts.state, d), np.float32)
            ws.views["points"] = view
        ip = w.workspaces["inpaint"]
        if ip.ready:
            ws.views["inpaint"] = {"image": np.array(ip.image, np.float32), "alpha": np.array(ip.mask.alpha),
                                   "task": ip.controls.task, "snr": float(ip.controls.snr.value()),
                                   "label": ip.label.rsplit(" · ", 1)[0]}
        im = w.workspaces["image"]
        ws.views["image"] = {"size": int(im.size.value()), "n": int(im.n.value())}
        return ws

    def save_workspace(self, path: str) -> None:
        """Ask the worker to write the workspace (with the open model's weights) to `path`;
        `saved` is emitted once it is on disk."""
        self._save_path = str(path)
        self.client.submit(m.SaveWorkspace(str(path), self.gather()))

    def save_dialog(self) -> None:
        path = file_dialogs.save_file(self.window, "Save workspace", "workspace.h5", FILTER, "workspaces")
        if path:
            self.save_workspace(path)

    # ---- opening --------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path = file_dialogs.open_file(self.window, "Open workspace", FILTER, "workspaces")
        if path:
            self.open_workspace(path)

    def open_workspace(self, path: str) -> bool:
        """Read and check the file (nothing changes if it is refused), then open its model
        and apply the rest when that model is shown."""
        try:
            ws = read_workspace(path)
        except StorageError as e:
            self.on_error(str(e))
            return False
        if ws.has_model and not self.may_replace(f"opening {Path(path).name}"):
            return False
        self.timer.stop()
        self._cond = None
        self.remember(path)
        dp = self.window.data_panel
        self._before = (self.state.data.name, float(dp.noise.value()), int(dp.n.value()))   # for a failed open
        self._adopt_data(ws, quiet=True)
        if not ws.has_model:
            self._finish(str(path), ws, trajectories=False)
            return True
        self._pending, self._job = (str(path), ws), None
        self.client.submit(m.OpenWorkspaceModel(str(path)))
        return True

    def _adopt_data(self, ws: Workspace, quiet: bool) -> bool:
        """The 2-D data set and its args (before the model: a model of the same set keeps
        them); True if it was chosen anew."""
        d, dp = ws.data, self.window.data_panel
        name = str(d.get("name", ""))
        if "n" in d:
            dp.n.setValue(int(d["n"]))
        own = "points" in d and (name == DRAWN or name.startswith("file:"))     # stored, not built
        if name in POINT_SETS or own:
            shown = self.state.data
            if not quiet and name == shown.name and (not own or np.array_equal(shown.points, d["points"])):
                return False
            if own:
                dp.adopt_points(name, d["points"], quiet=quiet)
            else:
                dp.choose(name, float(d.get("noise", dp.noise.value())), quiet=quiet)
            if quiet:
                self.state.data = dp.dataset()
            return True
        if name:
            dp.choose_named(name, {"size": int(d["size"])} if "size" in d else None)
        return False

    def _job_started(self, ev) -> None:
        if self._pending is not None and ev.kind == "load":
            # The worker's text for a load is "opening PATH": tells ours from another open.
            self._job = ev.job if ev.text.endswith(self._pending[0]) else None

    def _model_changed(self, ev) -> None:
        if self._pending is None or self._job is None or ev.job != self._job:
            return
        path, ws = self._pending
        self._pending, self._job = None, None
        # The model's own data set came with it; another set shown then is chosen again
        # (and the stored trajectories, of the other set, are not used).
        rechosen = self.state.model.kind == "points" and self._adopt_data(ws, quiet=False)
        self._wait(lambda: self._ready(ws), lambda: self._finish(path, ws, trajectories=not rechosen))

    def _job_failed(self, ev) -> None:
        if self._pending is not None and ev.job == self._job:
            self._pending, self._job = None, None        # the window's banner says why
            name, noise, n = self._before                # and the data dock is as it was
            self._adopt_data(Workspace(data={"name": name, "noise": noise, "n": n}), quiet=True)
        elif ev.kind == "workspace_save":
            self._save_path = None

    def _job_finished(self, ev) -> None:
        if ev.kind == "workspace_save" and not ev.cancelled and self._save_path:
            path, self._save_path = self._save_path, None
            self.remember(path)
            self.window.statusBar().showMessage(f"workspace saved to {path}", 5000)
            self.saved.emit(path)

    def _ready(self, ws: Workspace) -> bool:
        """The views to restore have the new model's data."""
        w = self.window
        kind = self.state.model.kind
        if kind == "points":
            pts = w.workspaces["points"].state
            return pts.forward is not None and pts.reverse is not None
        if kind == "image" and "inpaint" in ws.views:
            return w.workspaces["inpaint"].ready
        return True

    def _wait(self, cond, then) -> None:
        if cond():
            then()
            return
        self._cond = (cond, then)
        self.timer.start()

    def _poll(self) -> None:
        if self._cond is not None and self._cond[0]():
            (_, then), self._cond = self._cond, None
            self.timer.stop()
            then()

    # ---- applying -------------------------------------------------------------------------
    def _finish(self, path: str, ws: Workspace, trajectories: bool) -> None:
        w = self.window
        if ws.window_state:
            w.restoreState(ws.window_state)
        if ws.tab in w.workspaces:
            w.tabs.setCurrentWidget(w.workspaces[ws.tab])
        w.timeline.set_t(ws.t)
        kind = self.state.model.kind if self.state.has_model else ""
        if kind == "points" and "points" in ws.views:
            self._restore_points(ws.views["points"], trajectories)
        if kind == "image":
            self._restore_images(ws.views)
        self.window.statusBar().showMessage(f"workspace {Path(path).name} opened", 5000)
        self.restored.emit(path)

    def _restore_points(self, view: dict, trajectories: bool) -> None:
        pts = self.window.workspaces["points"]
        s, model_id = pts.state, self.state.model.model_id
        if trajectories:
            for d in DIRECTIONS:
                x = view.get(d)
                if x is not None and len(x) == self.state.T + 1:      # same model, same samples
                    s.set_trajectory(d, np.asarray(x, np.float32), model_id)
        for d in DIRECTIONS:
            x = getattr(s, d)
            idx = np.asarray(view.get(f"selection_{d}", np.zeros(0, int)), int)
            s.select(d, idx[idx < (0 if x is None else x.shape[1])])
        pts.set_t(self.state.t)
        ranges = view.get("ranges")
        if ranges is not None:       # the reverse side mirrors the forward side's region
            (x, y), _ = ranges
            pts.view.panels["forward"].vb.setRange(xRange=tuple(map(float, x)), yRange=tuple(map(float, y)), padding=0)

    def _restore_images(self, views: dict) -> None:
        im = self.window.workspaces["image"]
        if "image" in views and views["image"].get("size") not in (None, im.size.value()):
            im.size.setValue(int(views["image"]["size"]))
        if "image" in views and "n" in views["image"]:
            im.n.setValue(min(int(views["image"]["n"]), im.n.maximum()))
        view, ip = views.get("inpaint"), self.window.workspaces["inpaint"]
        if not view or not ip.ready or "image" not in view or view["image"].shape[0] != ip.shape[0]:
            return
        c = ip.controls
        if "snr" in view and view["snr"] > 0:
            c.snr.setValue(float(view["snr"]))
        task = str(view.get("task", "inpaint"))
        if c.task != task:
            c.task_buttons[task].setChecked(True)
        ip.set_image(np.asarray(view["image"], np.float32), str(view.get("label", "restored image")))
        if "alpha" in view:
            ip.mask.set_missing(np.asarray(view["alpha"], np.float32))   # the canvas has its size now
            ip.canvas.update()
            ip.run()

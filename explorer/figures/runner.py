"""Opening a figure without blocking the GUI: if the open model will not do, open the
figure's bundled model through the File menu's path (so the unsaved-model guard still
asks) and wait for its ModelChanged; then run the figure's set-up (setups.py), checking
what it waits for on a timer. A newer figure replaces one still being set up; a failed
load ends it (the window's banner says why)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from .catalogue import BY_KEY, Figure
from .setups import SETUPS
from .stage import Stage

POLL_MS = 50


class FigureRunner(QObject):
    shown = Signal(object)           # setups.Shown, once a figure is on screen
    waiting = Signal(str)            # what it waits for (status text)

    def __init__(self, stage: Stage, folder: Path, parent=None):
        super().__init__(parent)
        self.stage, self.folder = stage, Path(folder)
        self.figure: Figure | None = None      # the one being set up
        self._await_path: str | None = None    # the model file whose ModelChanged starts the set-up
        self._gen = None
        self._cond = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        stage.client.modelChanged.connect(self._model_changed)
        stage.client.jobFailed.connect(self._failed)

    @property
    def busy(self) -> bool:
        return self.figure is not None

    def model_file(self, fig: Figure) -> Path:
        return self.folder / f"{fig.model}.h5"

    def fits(self, fig: Figure) -> bool:
        """Whether the open model shows this figure (then it is not reopened)."""
        s = self.stage.state
        if not s.has_model:
            return False
        return fig.accepts is None or s.model.config.get("data") in fig.accepts

    def open(self, key: str) -> bool:
        """Show figure `key`; False when it cannot start (no bundled model, or the user
        kept the unsaved model)."""
        fig = BY_KEY[key]
        self.cancel()
        if self.fits(fig):
            self._start(fig)
            return True
        path = self.model_file(fig)
        if not path.is_file():
            self.stage.on_error(f"the figure needs {path.name}, which is missing: run `python main.py pretrain`")
            return False
        if not self.stage.open_model(str(path)):
            return False
        self.figure, self._await_path = fig, str(path)
        self.waiting.emit(f"opening {path.name} for the figure…")
        return True

    def cancel(self) -> None:
        self.timer.stop()
        if self._gen is not None:
            self._gen.close()
        self.figure, self._await_path, self._gen, self._cond = None, None, None, None

    # ---- events -----------------------------------------------------------------------
    def _model_changed(self, ev) -> None:
        if self._await_path is None:
            return
        if ev.path == self._await_path:   # the window has adopted it (its slot runs first)
            fig, self._await_path = self.figure, None
            self._start(fig)
        else:                              # another model came in its place
            self.cancel()

    def _failed(self, ev) -> None:
        if self._await_path is not None and ev.kind == "load":
            self.cancel()

    # ---- the set-up ---------------------------------------------------------------------
    def _start(self, fig: Figure) -> None:
        self.figure = fig
        self._gen = SETUPS[fig.key](self.stage, fig)
        self._advance()

    def _advance(self) -> None:
        while True:
            try:
                cond = next(self._gen)
            except StopIteration as done:
                fig, self._gen = self.figure, None
                self.figure, self._cond = None, None
                self.timer.stop()
                if fig is not None:
                    self.shown.emit(done.value)
                return
            if not cond():
                self._cond = cond
                self.waiting.emit(f"setting up “{self.figure.title}”…")
                self.timer.start()
                return

    def _poll(self) -> None:
        if self._cond is not None and self._cond():
            self.timer.stop()
            self._cond = None
            self._advance()

"""The window's recording controller: the Record menu's entries land here. It asks for
options and a file, starts one recording at a time (a slider-stepping Recorder, or a
LiveRecorder for the inpainting run), shows its progress with Cancel, and reports the
outcome through the window's message callbacks. It gets what it needs (the timeline, the
workspaces, the current tab, callbacks), never the window."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from ..widgets import file_dialogs
from .dialog import Options, OptionsDialog, ProgressWindow
from .plan import frame_ts
from .recorder import LiveRecorder, Recorder, record
from .render import save_png
from .targets import current_key, window_targets
from .writer import WriterError

FILTERS = {".gif": "GIF (*.gif)", ".mp4": "MP4 video (*.mp4)"}


class RecordControl(QObject):
    def __init__(self, parent: QWidget, timeline, workspaces: dict, current: Callable[[], QWidget | None], *,
                 on_error: Callable[[str], None], on_message: Callable[[str], None]):
        super().__init__(parent)
        self.parent_widget, self.timeline, self.workspaces, self.current = parent, timeline, workspaces, current
        self.on_error, self.on_message = on_error, on_message
        self.targets = window_targets(workspaces)
        self.recorder: Recorder | LiveRecorder | None = None
        self.progress: ProgressWindow | None = None

    @property
    def recording(self) -> bool:
        return self.recorder is not None and self.recorder.active

    # ---- the menu's entries ----------------------------------------------------------
    def record_dialog(self, key: str | None = None) -> None:
        key = key or current_key(self.workspaces, self.current())
        widget = self.targets[key].widget()
        size = (800, 450) if widget is None else (widget.width() + widget.width() % 2,
                                                 widget.height() + widget.height() % 2)
        dlg = OptionsDialog(self.targets, key, self.timeline.slider.maximum(), size, self.parent_widget)
        if dlg.exec() != QDialog.Accepted:
            return
        opts = dlg.options()
        path = file_dialogs.save_file(self.parent_widget, "Record to", f"diffusion{opts.ext}", FILTERS[opts.ext],
                                      "exports")
        if path:
            self.start(opts, path if Path(path).suffix else path + opts.ext)

    def png_dialog(self) -> None:
        path = file_dialogs.save_file(self.parent_widget, "Save view at 2×", "diffusion_view@2x.png",
                                      "PNG (*.png)", "exports")
        if path:
            self.save_png(path)

    # ---- the work -------------------------------------------------------------------
    def start(self, opts: Options, path: str) -> bool:
        """Start recording `opts` to `path`; False (and a banner) when it cannot."""
        if self.recording:
            self.on_error("a recording is already running: cancel it first")
            return False
        target = self.targets[opts.key]
        widget = target.widget()
        if widget is None:
            self.on_error(f"nothing to record: {target.title.split(' (')[0]} is not shown")
            return False
        try:
            if target.live:
                ws = self.workspaces["inpaint"]
                rec = LiveRecorder(widget, ws.frameShown, ws.resultShown,
                                   is_final=lambda ev: ev.phase == "full" or not ws.controls.full.isChecked(),
                                   start_run=ws.run, path=path, fps=opts.fps, size=opts.size,
                                   step_of=lambda ev: (max(ev.T - ev.t, 0), ev.T), parent=self)
                rec.start()
            else:
                ts = frame_ts(self.timeline.slider.maximum(), opts.direction, opts.steps, opts.t_range)
                rec = record(widget, self.timeline, path, ts, opts.fps, opts.size, ready=target.ready, parent=self)
        except (WriterError, ValueError, OSError) as e:
            self.on_error(str(e).splitlines()[0] if str(e) else "cannot record there")
            return False
        self.recorder = rec
        self.progress = ProgressWindow(f"Recording {target.title.split(' (')[0]} to {Path(path).name}",
                                       self.parent_widget)
        rec.progress.connect(self.progress.set_progress)
        self.progress.cancelRequested.connect(rec.cancel)
        rec.finished.connect(lambda p: self._done(f"recorded {rec.frames} frames to {p}"))
        rec.failed.connect(lambda msg: self._done(None, msg))
        rec.cancelled.connect(lambda: self._done("recording cancelled; nothing was written"))
        self.progress.show()
        return True

    def cancel(self) -> None:
        if self.recorder is not None:
            self.recorder.cancel()

    def _done(self, message: str | None, error: str | None = None) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if error:
            self.on_error(error)
        elif message:
            self.on_message(message)

    def save_png(self, path: str, key: str | None = None, scale: float = 2.0) -> bool:
        """The current tab's view (or target `key`) as a PNG at `scale`× its size on screen."""
        key = key or current_key(self.workspaces, self.current())
        widget = self.targets[key].widget()
        if widget is None:
            widget = self.current()
        ok = widget is not None and save_png(widget, path, scale)
        if ok:
            self.on_message(f"view saved at {scale:g}× to {path}")
        else:
            self.on_error(f"could not write {path}")
        return ok

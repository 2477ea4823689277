"""Recording a view while the GUI stays live. A Recorder steps the shared slider through
the planned t's one frame per timer tick: a tick renders the view at the t set on the
previous tick (so Qt has laid out and drawn it in between), hands a copied frame to the
encoder thread (writer.py), and sets the next t. The event loop runs between ticks, so
the window keeps answering. A tick waits instead when the encoder is behind, when
someone else moved the slider, or until the view says it is ready at t (the drift field
arrives from the worker a moment after the slider moves).

A LiveRecorder records a run as it happens (the inpainting posterior): a frame for each
progressive frame the view draws, until the view's final result.

Public entry points (other packages use these):
    record(widget, timeline, path, ts, fps, size, on_progress=None, ready=None) -> Recorder
    Recorder(...).start() / .cancel(); signals progress(done, total), finished(path),
    failed(message), cancelled()."""
from __future__ import annotations

import threading
import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from .render import render, to_array
from .writer import FrameWriter, WriterError

MAX_PENDING = 8          # frames queued for the encoder before the recorder waits for it
READY_WAIT_S = 3.0       # how long a frame waits for its view to be ready (then records anyway)
SETTLE_TICKS = 2         # event-loop passes after a step before drawing it: a title that changes
                         # width re-lays out the plots over two passes (pyqtgraph's layouts)


class _Base(QObject):
    progress = Signal(int, int)        # frames done, frames in all (0: not known yet)
    finished = Signal(str)             # the file, in place
    failed = Signal(str)               # one line
    cancelled = Signal()

    def __init__(self, widget: QWidget, path: str, fps: float, size: tuple[int, int], parent=None):
        super().__init__(parent)
        self.widget, self.path, self.fps, self.size = widget, str(path), float(fps), (int(size[0]), int(size[1]))
        self.writer: FrameWriter | None = None
        self.frames = 0
        self.active = False
        # One timer for the whole recording, made here: a timer and closure made per finish
        # (and deleteLater'd from its own slot) crashed PySide when the recorder went first.
        self._closing: tuple[threading.Thread, dict] | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(20)
        self._poll.timeout.connect(self._check_closed)

    def _open(self) -> None:
        """The encoder, started; WriterError (one line) for a bad path, size or fps."""
        self.writer = FrameWriter(self.path, self.fps, self.size)
        self.active = True

    def _put(self) -> None:
        # Drawn and copied to numpy here: a Qt object handed to the encoder thread would be
        # released there, and PySide wrappers dying off the GUI thread crashed the app.
        self.writer.put(to_array(render(self.widget, self.size)))
        self.frames += 1

    def cancel(self) -> None:
        """Stop; the partial file is deleted and nothing appears at the path."""
        if not self.active:
            return
        self._stop()
        self.active = False
        self.writer.cancel()
        self.cancelled.emit()

    def _stop(self) -> None:
        pass

    def _finish(self) -> None:
        """Close the file on a plain thread (a GIF is written out at close: not on the GUI
        thread); a timer here notices when it is done and emits from this thread."""
        self._stop()
        self.active = False
        writer, outcome = self.writer, {}

        def close():                        # plain thread: no Qt here
            try:
                outcome["path"] = str(writer.finish())
            except WriterError as e:
                outcome["error"] = str(e)
        closer = threading.Thread(target=close, name="frame-writer-close", daemon=True)
        self._closing = (closer, outcome)
        closer.start()
        self._poll.start()

    def _check_closed(self) -> None:
        if self._closing is None or self._closing[0].is_alive():
            return
        self._poll.stop()
        outcome, self._closing = self._closing[1], None
        if "path" in outcome:
            self.finished.emit(outcome["path"])
        else:
            self.failed.emit(outcome.get("error", "the recording failed"))


class Recorder(_Base):
    """Steps the slider: set_t(t) moves it, get_t() reads it back (a user may move it)."""

    def __init__(self, widget: QWidget, set_t: Callable[[int], None], get_t: Callable[[], int], ts: list[int],
                 path: str, fps: float, size: tuple[int, int], ready: Callable[[int], bool] | None = None,
                 parent=None):
        super().__init__(widget, path, fps, size, parent)
        self.set_t, self.get_t, self.ts = set_t, get_t, [int(t) for t in ts]
        self.ready = ready or (lambda t: True)
        self.timer = QTimer(self)
        self.timer.setInterval(0)           # as fast as frames render, the event loop between ticks
        self.timer.timeout.connect(self._tick)
        self._i = 0
        self._since = 0.0                   # when the current t was set
        self._wait = 0                      # ticks to let pass before drawing it
        self._start_t = 0

    def start(self) -> "Recorder":
        if not self.ts:
            raise WriterError("nothing to record: no steps")
        self._open()
        self._start_t = self.get_t()
        self._i = 0
        self._goto(self.ts[0])
        self.progress.emit(0, len(self.ts))
        self.timer.start()
        return self

    def _goto(self, t: int) -> None:
        self.set_t(t)
        self._since = time.perf_counter()
        self._wait = SETTLE_TICKS

    def _tick(self) -> None:
        if self.writer.pending >= MAX_PENDING:
            return
        t = self.ts[self._i]
        if self.get_t() != t:                      # moved meanwhile: set it again, draw next tick
            self._goto(t)
            return
        if self._wait > 0:
            self._wait -= 1
            return
        if not self.ready(t) and time.perf_counter() - self._since < READY_WAIT_S:
            return
        self._put()
        self._i += 1
        self.progress.emit(self._i, len(self.ts))
        if self._i == len(self.ts):
            self._finish()
        else:
            self._goto(self.ts[self._i])

    def _stop(self) -> None:
        self.timer.stop()
        self.set_t(self._start_t)          # the slider back where the user left it


class LiveRecorder(_Base):
    """Records a view each time `frame_signal` fires, until `result_signal` brings an event
    for which is_final(ev) holds. start_run() begins the run (after recording has begun);
    step_of(ev) -> (done, total) for the progress bar. Frames arriving while the encoder
    is behind are skipped (the run never waits for the recording)."""

    def __init__(self, widget: QWidget, frame_signal, result_signal, is_final: Callable[[object], bool],
                 start_run: Callable[[], object], path: str, fps: float, size: tuple[int, int],
                 step_of: Callable[[object], tuple[int, int]] = lambda ev: (0, 0), parent=None):
        super().__init__(widget, path, fps, size, parent)
        self.frame_signal, self.result_signal = frame_signal, result_signal
        self.is_final, self.start_run, self.step_of = is_final, start_run, step_of
        self.skipped = 0

    def start(self) -> "LiveRecorder":
        self._open()
        self.frame_signal.connect(self._frame)
        self.result_signal.connect(self._result)
        if self.start_run() is False:             # nothing to run (no hole painted, no image)
            self._stop()
            self.active = False
            self.writer.cancel()
            raise WriterError("nothing to record: the run did not start (paint over the pixels to fill first)")
        return self

    def _frame(self, ev) -> None:
        if not self.active:
            return
        if self.writer.pending >= MAX_PENDING:
            self.skipped += 1
            return
        self._put()
        self.progress.emit(*self.step_of(ev))

    def _result(self, ev) -> None:
        if not self.active:
            return
        self._put()                        # the result as drawn
        if self.is_final(ev):
            self._finish()

    def _stop(self) -> None:
        for sig, slot in ((self.frame_signal, self._frame), (self.result_signal, self._result)):
            try:
                sig.disconnect(slot)
            except (RuntimeError, TypeError):
                pass


def record(widget: QWidget, timeline, path: str, ts: list[int], fps: float, size: tuple[int, int],
           on_progress: Callable[[int, int], None] | None = None, ready: Callable[[int], bool] | None = None,
           parent=None) -> Recorder:
    """Record `widget` while the shared `timeline` (explorer/widgets/timeline.py) steps
    through `ts` (plan.frame_ts), to a GIF or MP4 at `path`, `size` (W, H) pixels. Returns
    the started Recorder (connect finished/failed/cancelled; cancel() stops it); raises
    WriterError (one line) for a bad path, size or fps. Playback is paused while it runs."""
    timeline.play(False)
    rec = Recorder(widget, timeline.set_t, lambda: timeline.t, ts, path, fps, size, ready=ready,
                   parent=parent or widget)
    if on_progress is not None:
        rec.progress.connect(on_progress)
    return rec.start()

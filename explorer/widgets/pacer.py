"""Draw the newest of a stream of frames at most every few milliseconds. A live posterior
yields a frame per step; drawing every one of them on a two-core laptop takes CPU from
the sampler it shows (the GUI's full pass ran ~1.3× slower than the engine's), while ~12
frames a second look as live. A frame that arrives too soon waits, and a newer one
replaces it."""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer


class Pacer(QObject):
    def __init__(self, draw, interval_ms: int, parent=None):
        super().__init__(parent)
        self._draw, self._interval = draw, interval_ms / 1000.0
        self._pending, self._last = None, float("-inf")
        self._timer = QTimer(self)           # one persistent single-shot timer
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)

    def offer(self, frame) -> None:
        """Draw `frame` now if the last draw is old enough, else when it is (if still newest)."""
        self._pending = frame
        wait = self._last + self._interval - time.perf_counter()
        if wait <= 0:
            self._flush()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(wait * 1000)))

    def drop(self, restart: bool = False) -> None:
        """Forget a waiting frame (a result superseded it); `restart`: the next frame is
        drawn at once (a new request's first frame should not wait)."""
        self._pending = None
        self._timer.stop()
        if restart:
            self._last = float("-inf")

    def _flush(self) -> None:
        frame, self._pending = self._pending, None
        if frame is not None:
            self._last = time.perf_counter()
            self._draw(frame)

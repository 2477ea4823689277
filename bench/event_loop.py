"""Waiting in the GUI benches: a real Qt event loop until a condition holds."""
from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QTimer


def wait(cond, timeout: float = 120.0) -> bool:
    """Run a real event loop (it sleeps between events, as app.exec() does: a spinning
    loop would steal the GIL and a core from the worker) until cond() or the timeout."""
    loop, end = QEventLoop(), time.perf_counter() + timeout
    check = QTimer()
    check.setInterval(5)
    check.timeout.connect(lambda: (cond() or time.perf_counter() > end) and loop.quit())
    check.start()
    if not cond():
        loop.exec()
    check.stop()
    return bool(cond())

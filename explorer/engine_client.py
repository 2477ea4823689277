"""The sole bridge between Qt and the engine. Commands go to the worker thread; its events
are drained on a ~30 Hz QTimer, coalesced (only the newest TrainProgress/SampleStep per
drain survives, except those carrying a bound, which are never dropped) and re-emitted as
typed Qt signals on the GUI thread. Nothing else in explorer/ touches EngineWorker."""
from __future__ import annotations

import os
import queue

from PySide6.QtCore import QObject, QTimer, Signal

from engine.runtime import protocol as m
from engine.runtime.worker import EngineWorker

DRAIN_MS = 33


def coalesce(events: list) -> list:
    """Drop superseded events of `coalesce = True` classes, keeping order. TrainProgress
    events with a bound or per-step KL are kept: each is a point on the bound curve."""
    last: dict[type, int] = {}
    for i, ev in enumerate(events):
        if getattr(ev, "coalesce", False) and not _carries_bound(ev):
            last[type(ev)] = i
    return [ev for i, ev in enumerate(events)
            if not getattr(ev, "coalesce", False) or _carries_bound(ev) or last.get(type(ev)) == i]


def _carries_bound(ev) -> bool:
    return getattr(ev, "bound_bits", None) is not None or getattr(ev, "per_step_kl_bits", None) is not None


class EngineClient(QObject):
    modelChanged = Signal(object)     # m.ModelChanged
    trainProgress = Signal(object)    # m.TrainProgress
    trajectory = Signal(object)       # m.Trajectory
    sampleStep = Signal(object)       # m.SampleStep
    driftField = Signal(object)       # m.DriftField
    boundResult = Signal(object)      # m.BoundResult
    jobStarted = Signal(object)       # m.JobStarted
    jobFinished = Signal(object)      # m.JobFinished
    jobFailed = Signal(object)        # m.JobFailed
    event = Signal(object)            # every event, for views that want kinds not listed above

    def __init__(self, device: str = "auto", parent=None):
        super().__init__(parent)
        # Leave one core to the GUI so playback stays smooth while training.
        threads = max(1, (os.cpu_count() or 2) - 1)
        self._worker = EngineWorker(device=device, threads=threads)
        self._signals = {
            m.ModelChanged: self.modelChanged, m.TrainProgress: self.trainProgress,
            m.Trajectory: self.trajectory, m.SampleStep: self.sampleStep, m.DriftField: self.driftField,
            m.BoundResult: self.boundResult, m.JobStarted: self.jobStarted,
            m.JobFinished: self.jobFinished, m.JobFailed: self.jobFailed,
        }
        self.running: dict[str, int] = {}   # kind -> job id of what runs now
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_MS)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    # ---- commands ---------------------------------------------------------------------
    def submit(self, cmd: m.Command) -> None:
        if not self._closed:
            self._worker.submit(cmd)

    def cancel(self, kind: str | None = None) -> None:
        self.submit(m.Cancel(kind))

    def is_running(self, kind: str) -> bool:
        return kind in self.running

    @property
    def busy(self) -> bool:
        """A job runs or waits (also one whose start the GUI has not heard of yet)."""
        return bool(self.running) or self._worker.busy

    @property
    def device(self) -> str:
        return self._worker.state.device.type

    def is_alive(self) -> bool:
        """Whether the worker's thread runs: until close, and after it while a job ends
        (asking shutdown again only reports, the worker is already stopping)."""
        return not self._closed or not self._worker.shutdown(0.0)

    # ---- events -----------------------------------------------------------------------
    def drain(self) -> int:
        """Emit everything the worker has sent since the last drain; returns how many."""
        events = []
        while True:
            try:
                events.append(self._worker.events.get_nowait())
            except queue.Empty:
                break
        for ev in coalesce(events):
            if isinstance(ev, m.JobStarted):
                self.running[ev.kind] = ev.job
            elif isinstance(ev, (m.JobFinished, m.JobFailed)) and self.running.get(ev.kind) == ev.job:
                del self.running[ev.kind]
            sig = self._signals.get(type(ev))
            if sig is not None:
                sig.emit(ev)
            self.event.emit(ev)
        return len(events)

    def close(self, timeout: float = 2.0) -> bool:
        """Stop the worker (cancelling any job); True if its thread ended in time."""
        if self._closed:
            return self._worker.shutdown(0.0)
        self._closed = True
        self._timer.stop()
        ok = self._worker.shutdown(timeout)
        self.running.clear()
        return ok

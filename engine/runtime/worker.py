"""The one long-lived thread that owns torch and the device.

It runs one job at a time. Jobs are generators of events, so cancelling is cooperative:
the worker checks between yields. A new command of a kind already queued replaces it
(newest wins); a preemptive kind (sampling, drift, ...) also cancels a running job of its
kind. A background kind (e.g. the entropy curve) steps aside for any other command: it is
cancelled and queued again behind it, so a slow view never delays what the user just did.
Jobs may yield None as a bare checkpoint. An exception in a job becomes a JobFailed event
and the worker carries on.
"""
from __future__ import annotations

import queue
import threading
import traceback
from collections import OrderedDict

from engine.runtime import jobs
from engine.runtime.protocol import Cancel, Command, Event, JobFailed, JobFinished, JobStarted


class EngineWorker:
    def __init__(self, device: str = "auto", threads: int | None = None):
        self.events: queue.Queue[Event] = queue.Queue()
        self.state = jobs.EngineState(device)
        self._threads = threads
        self._pending: OrderedDict[str, Command] = OrderedDict()
        self._cv = threading.Condition()
        self._cancel_kinds: set[str] = set()
        self._running_kind: str | None = None
        self._running_background = False
        self._yielded = False           # the running background job was asked to step aside
        self._stop = False
        self._next_id = 1
        self._thread = threading.Thread(target=self._run, name="engine-worker", daemon=True)
        self._thread.start()

    # ---- called from any thread -------------------------------------------------------
    def submit(self, cmd: Command) -> None:
        with self._cv:
            if isinstance(cmd, Cancel):
                kinds = {cmd.which} if cmd.which else set(self._pending) | {self._running_kind}
                for k in kinds:
                    self._pending.pop(k, None)
                if self._running_kind in kinds:
                    self._cancel_kinds.add(self._running_kind)
                    self._yielded = False
            else:
                self._pending.pop(cmd.kind, None)   # newest wins
                self._pending[cmd.kind] = cmd
                if cmd.preempt and self._running_kind == cmd.kind:
                    self._cancel_kinds.add(cmd.kind)
                elif self._running_background and self._running_kind not in (None, cmd.kind):
                    self._cancel_kinds.add(self._running_kind)
                    self._yielded = True
            self._cv.notify()

    @property
    def busy(self) -> bool:
        with self._cv:
            return self._running_kind is not None or bool(self._pending)

    def shutdown(self, timeout: float = 2.0) -> bool:
        """Cancel everything and stop the thread; True if it ended within `timeout`."""
        with self._cv:
            self._stop = True
            self._pending.clear()
            if self._running_kind:
                self._cancel_kinds.add(self._running_kind)
            self._cv.notify()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # ---- the thread -------------------------------------------------------------------
    def _run(self) -> None:
        import torch
        if self._threads:
            torch.set_num_threads(self._threads)
        while True:
            with self._cv:
                while not self._pending and not self._stop:
                    self._cv.wait()
                if self._stop:
                    return
                # Oldest first, but a background job (the entropy curve) waits for every
                # foreground one queued with it, not only for those sent while it runs.
                kind = next((k for k, c in self._pending.items() if not c.background), next(iter(self._pending)))
                cmd = self._pending.pop(kind)
                self._running_kind = cmd.kind
                self._running_background = cmd.background
                self._yielded = False
                self._cancel_kinds.discard(cmd.kind)
                job_id, self._next_id = self._next_id, self._next_id + 1
            self._execute(job_id, cmd)
            with self._cv:
                self._running_kind = None
                self._running_background = False

    def _cancelled(self, kind: str) -> bool:
        with self._cv:
            return self._stop or kind in self._cancel_kinds

    def _execute(self, job_id: int, cmd: Command) -> None:
        self.events.put(JobStarted(job_id, cmd.kind, jobs.describe(cmd)))
        gen = None
        try:
            gen = jobs.run(self.state, cmd)
            for event in gen:
                if event is not None:
                    event.job = job_id
                    self.events.put(event)
                if self._cancelled(cmd.kind):
                    gen.close()   # runs the job's finally: (e.g. keeps optimiser state)
                    with self._cv:
                        if self._yielded and not self._stop:   # run it again after the others
                            self._pending.setdefault(cmd.kind, cmd)
                    self.events.put(JobFinished(job_id, cmd.kind, cancelled=True, text="cancelled"))
                    return
            self.events.put(JobFinished(job_id, cmd.kind, text=jobs.describe_done(cmd)))
        except Exception as e:  # the worker survives any job
            if gen is not None:
                gen.close()
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            self.events.put(JobFailed(job_id, cmd.kind, first))
            if not isinstance(e, (ValueError, FloatingPointError)):
                traceback.print_exc()

"""The engine thread: one job at a time, newest wins, cooperative cancel, errors become
events and the worker keeps serving."""
import queue
import threading
import time

import numpy as np

from engine.runtime import protocol as m
from engine.data.points import make_points
from engine.model import ModelConfig
from engine.training import TrainConfig
from engine.runtime.worker import EngineWorker


def drain_until(worker, pred, timeout=60.0):
    seen, end = [], time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            ev = worker.events.get(timeout=0.05)
        except queue.Empty:
            continue
        seen.append(ev)
        if pred(ev):
            return seen
    raise AssertionError(f"timed out; saw {[type(e).__name__ for e in seen][-10:]}")


def test_errors_become_events_and_the_worker_carries_on(tmp_path, tiny_model_path):
    w = EngineWorker(device="cpu")
    try:
        (tmp_path / "junk.h5").write_bytes(b"junk")
        w.submit(m.LoadModel(str(tmp_path / "junk.h5")))
        seen = drain_until(w, lambda e: isinstance(e, (m.JobFailed, m.JobFinished)))
        assert isinstance(seen[-1], m.JobFailed) and "junk.h5" in seen[-1].message
        w.submit(m.Sample(n=10))   # no model yet: a clear error, not a crash
        seen = drain_until(w, lambda e: isinstance(e, (m.JobFailed, m.JobFinished)))
        assert isinstance(seen[-1], m.JobFailed) and "no model" in seen[-1].message
        w.submit(m.LoadModel(str(tiny_model_path)))
        seen = drain_until(w, lambda e: isinstance(e, m.JobFinished))
        assert any(isinstance(e, m.ModelChanged) for e in seen)
        w.submit(m.Sample(n=64, seed=1))
        seen = drain_until(w, lambda e: isinstance(e, m.Trajectory))
        traj = seen[-1]
        assert traj.x.shape == (11, 64, 2) and traj.direction == "reverse"
        assert sum(isinstance(e, m.SampleStep) for e in seen) == 11
    finally:
        assert w.shutdown(2.0)


def test_training_cancels_quickly_and_newest_request_wins(tiny_model_path):
    w = EngineWorker(device="cpu")
    data = make_points("swissroll", n=3000, seed=0)
    try:
        cfg = ModelConfig(T=10, net={"kind": "mlp", "hidden": 32, "layers": 2, "J": 4})
        w.submit(m.Train(data.train, data.heldout, TrainConfig(steps=100000, batch=64, eval_every=500),
                         model_config=cfg))
        drain_until(w, lambda e: isinstance(e, m.TrainProgress))
        # Three samples queued behind training: only the newest may run.
        for n in (5, 6, 7):
            w.submit(m.Sample(n=n))
        t0 = time.monotonic()
        w.submit(m.Cancel("train"))
        seen = drain_until(w, lambda e: isinstance(e, m.JobFinished) and e.kind == "train")
        assert seen[-1].cancelled and time.monotonic() - t0 < 2.0
        seen = drain_until(w, lambda e: isinstance(e, m.Trajectory))
        assert seen[-1].x.shape[1] == 7
        assert not any(isinstance(e, m.JobStarted) and e.kind == "sample" for e in seen[:-1][:-12])
    finally:
        assert w.shutdown(2.0)


def test_shutdown_mid_training_is_prompt():
    w = EngineWorker(device="cpu")
    data = make_points("moons", n=2000, seed=0)
    w.submit(m.Train(data.train, data.heldout, TrainConfig(steps=100000, batch=64),
                     model_config=ModelConfig(T=10, net={"kind": "mlp", "hidden": 32, "layers": 2, "J": 4})))
    drain_until(w, lambda e: isinstance(e, m.TrainProgress))
    t0 = time.monotonic()
    assert w.shutdown(2.0)
    assert time.monotonic() - t0 < 2.0


def test_events_carry_private_copies(tiny_model_path):
    w = EngineWorker(device="cpu")
    try:
        w.submit(m.LoadModel(str(tiny_model_path)))
        drain_until(w, lambda e: isinstance(e, m.JobFinished))
        pts = np.zeros((4, 2), np.float32)
        w.submit(m.Drift(t=5, points=pts))
        ev = drain_until(w, lambda e: isinstance(e, m.DriftField))[-1]
        pts[:] = 9
        assert (ev.points == 0).all() and ev.mean.shape == (4, 2) and (ev.var > 0).all()
    finally:
        w.shutdown(2.0)


def test_a_background_job_steps_aside_and_runs_again_after(tiny_model_path, monkeypatch):
    from dataclasses import dataclass

    from engine.runtime import jobs

    @dataclass
    class Slow(m.Command):
        kind = "slow"
        background = True

    def slow(state, cmd):
        for _ in range(300):
            time.sleep(0.01)
            yield None          # a bare checkpoint
        yield m.BoundResult(report={"done": True})

    monkeypatch.setitem(jobs.HANDLERS, Slow, slow)
    w = EngineWorker(device="cpu")
    try:
        w.submit(m.LoadModel(str(tiny_model_path)))
        drain_until(w, lambda e: isinstance(e, m.JobFinished))
        w.submit(Slow())
        drain_until(w, lambda e: isinstance(e, m.JobStarted) and e.kind == "slow")
        w.submit(m.Sample(n=5))
        seen = drain_until(w, lambda e: isinstance(e, m.BoundResult), timeout=30)
        order = [(type(e).__name__, getattr(e, "kind", ""), getattr(e, "cancelled", None)) for e in seen
                 if isinstance(e, (m.JobStarted, m.JobFinished))]
        assert order == [("JobFinished", "slow", True), ("JobStarted", "sample", None),
                         ("JobFinished", "sample", False), ("JobStarted", "slow", None)]
        # Queued before the foreground jobs it still runs after them (the GUI opening a
        # model sends the entropy request and the new model's jobs together).
        w.submit(m.Cancel())
        gate = threading.Event()
        monkeypatch.setitem(jobs.HANDLERS, m.Evaluate, lambda state, cmd: iter([gate.wait(10) and None]))
        w.submit(m.Evaluate(data=np.zeros((4, 2))))          # holds the worker until the gate opens
        drain_until(w, lambda e: isinstance(e, m.JobStarted) and e.kind == "evaluate")
        w.submit(Slow())
        w.submit(m.Sample(n=5))
        gate.set()
        seen = drain_until(w, lambda e: isinstance(e, m.JobStarted) and e.kind in ("slow", "sample"))
        assert seen[-1].kind == "sample"
    finally:
        assert w.shutdown(2.0)

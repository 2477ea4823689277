"""Qt-free pieces and the PySide6 refcount regression."""
import sys

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.runtime import protocol as m
from explorer.engine_client import coalesce
from explorer.state import AppState, ModelInfo
from explorer.workspaces.points import geometry
from explorer.workspaces.points.state import PointsState


def test_coalesce_keeps_newest_and_every_bound():
    evs = [m.TrainProgress(step=1), m.TrainProgress(step=2, bound_bits=-3.0), m.SampleStep(t=5),
           m.TrainProgress(step=3), m.JobFinished(kind="x"), m.SampleStep(t=4), m.TrainProgress(step=4)]
    out = coalesce(evs)
    assert [(type(e).__name__, getattr(e, "step", getattr(e, "t", None))) for e in out] == [
        ("TrainProgress", 2), ("JobFinished", None), ("SampleStep", 4), ("TrainProgress", 4)]


def test_state_drops_stale_trajectories_and_reports_the_step():
    s = AppState()
    p = PointsState(s)
    beta = np.r_[0, np.full(4, 0.1)]
    ab = np.cumprod(1 - beta)
    assert s.set_model(ModelInfo(model_id=2, beta=beta, alpha_bar=ab, snr=ab / (1 - ab + 1e-300)))
    x = np.zeros((5, 7, 2), np.float32)
    assert not p.set_trajectory("forward", x, model_id=1)
    assert p.set_trajectory("forward", x, model_id=2)
    assert not p.set_trajectory("reverse", np.zeros((4, 7, 2)), model_id=2)   # wrong T
    p.select("forward", [3, 1])
    assert p.paths("forward").shape == (5, 2, 2) and p.frame("forward", 4).base is x
    p.drop()                                    # another model: nothing of this one is drawn
    assert p.forward is None and p.paths("forward") is None
    s.set_t(3)
    assert "t = 3" in s.step_text() and "0.1" in s.step_text()


def test_lasso_polygon_and_overlay_geometry():
    pts = np.array([[0, 0], [2, 2], [0.5, 0.2], [-1, 0]], float)
    tri = np.array([[-0.5, -0.5], [1.5, -0.5], [0.5, 1.5]])
    assert geometry.inside_polygon(pts, tri).tolist() == [True, False, True, False]
    x, y = geometry.arrow_segments(np.zeros((2, 2)), np.array([[1, 0], [0, 2]], float), max_len=1)
    assert len(x) == 12 and np.isclose(y[7], 1.0)     # longest arrow scaled to max_len
    ex, ey = geometry.ellipses(np.zeros((1, 2)), np.array([[2.0, 0.5]]), n=9)
    assert np.nanmax(ex) == 2.0 and np.isclose(np.nanmax(ey), 0.5, atol=0.05)


class _Emitter(QObject):
    obj = Signal(object)
    flag = Signal(bool)


def test_signal_emits_do_not_leak_references_to_true(qtbot):
    # PySide6 6.12.0 leaked a reference to True per emit, eventually aborting the interpreter.
    e, seen = _Emitter(), []
    e.obj.connect(lambda v: seen.append(1))
    e.flag.connect(lambda v: seen.append(1))
    before = sys.getrefcount(True)
    for _ in range(5000):
        e.obj.emit(True)
        e.flag.emit(True)
    assert len(seen) == 10000
    assert abs(sys.getrefcount(True) - before) < 10

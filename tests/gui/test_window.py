"""The window on a model: both processes shown, the slider shows exactly trajectory[t],
shortcuts, selection, drift, errors, exports, settings, and which workspaces hear which events."""
import numpy as np
from PySide6.QtCore import Qt

from engine.io.storage import load_trajectory
from engine.runtime import protocol as m

from .conftest import make_window


def test_window_opens_on_a_model_and_shows_both_processes(window):
    s, ws = window.points.state, window.points
    assert s.T == 10
    assert s.forward.shape[0] == s.reverse.shape[0] == 11
    for d in ("forward", "reverse"):
        x, y = ws.view.scatter(d).getData()
        assert len(x) == s.forward.shape[1] and len(x) > 0
    assert "tiny.h5" in window.windowTitle()
    assert window.tabs.currentWidget() is ws and ws.toolbar().isVisible()
    ws.act_density.setChecked(True)                 # q(x_t) and p(x_t) as histograms
    heat = ws.view.panels["forward"].heat
    assert heat.isVisible() and heat.image.shape == (64, 64) and heat.image.max() == 1.0
    ws.act_density.setChecked(False)
    assert not heat.isVisible() and ws.view.scatter("forward").isVisible()
    # Each workspace's toolbar shows only on its own tab.
    window.tabs.setCurrentWidget(window.images)
    assert not ws.toolbar().isVisible()
    window.tabs.setCurrentWidget(ws)
    assert ws.toolbar().isVisible()


def test_slider_shows_exactly_trajectory_at_t(window, qtbot):
    got = {}
    window.client.trajectory.connect(lambda ev: got.setdefault(ev.direction, ev.x))
    window.points.request_forward()
    window.points.request_reverse()
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10000)
    for t in (0, 3, 7, 10):
        window.timeline.set_t(t)
        for d in ("forward", "reverse"):
            x, y = window.points.view.scatter(d).getData()
            np.testing.assert_array_equal(np.stack([x, y], 1), got[d][t])
    step = window.timeline.label.full_text()      # what it shows depends on its width
    assert "t = 10" in step and "β" in step
    window.timeline.set_t(4)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key_Right)
    assert window.state.t == 5
    qtbot.keyClick(window, Qt.Key_End)
    assert window.state.t == 10
    qtbot.keyClick(window, Qt.Key_Home)
    assert window.state.t == 0
    qtbot.keyClick(window, Qt.Key_Space)
    assert window.timeline.playing
    qtbot.waitUntil(lambda: window.state.t > 0, timeout=3000)
    qtbot.keyClick(window, Qt.Key_Space)
    assert not window.timeline.playing


def test_selection_draws_paths_and_covariance_ellipses(window, qtbot):
    ws = window.points
    window.timeline.set_t(5)
    ws.act_drift.setChecked(True)
    ws.select("reverse", [0, 1, 2], False)
    panel = ws.view.panels["reverse"]
    x, y = panel.paths.getData()
    assert np.isfinite(x).sum() == 3 * 11          # three paths through t = 0..10
    qtbot.waitUntil(lambda: panel.ellipses.getData()[0] is not None and len(panel.ellipses.getData()[0]) > 0,
                    timeout=10000)
    assert len(panel.drift.getData()[0]) == len(ws.grid) * 6   # shaft + two head strokes, pairs
    # A lasso round the whole view selects every forward point (up to the 300 cap).
    poly = np.array([[-9, -9], [9, -9], [9, 9], [-9, 9]], float)
    ws.view.panels["forward"].vb.lassoed.emit(poly, False)
    assert len(ws.state.selection["forward"]) == min(300, ws.state.forward.shape[1])


def test_engine_error_is_shown_and_the_next_job_runs(window, qtbot, tmp_path):
    bad = tmp_path / "garbage.h5"
    bad.write_bytes(b"this is not hdf5" * 10)
    page = window.tabs.currentWidget()
    before = page.geometry()
    with qtbot.waitSignal(window.client.jobFailed, timeout=10000):
        window.files.open_model(str(bad))
    assert "garbage.h5" in window.last_error and window.banner.isVisible()
    # The banner floats over the views: nothing below it moves (a stroke keeps its pixels).
    qtbot.wait(50)
    assert page.geometry() == before
    top_left = window.banner.mapTo(window, window.banner.rect().topLeft())
    assert window.rect().contains(top_left) and window.banner.width() > 100
    with qtbot.waitSignal(window.client.jobFinished, timeout=10000,
                          check_params_cb=lambda ev: ev.kind == "sample") as blocker:
        window.points.request_reverse()
    assert not blocker.args[0].cancelled


def test_exports_png_trajectories_and_paper_figure(window, qtbot, tmp_path):
    ws = window.points
    ws.select("forward", [1, 2], False)
    assert window.export_view(str(tmp_path / "view.png"))       # File ▸ Export view: the current tab
    assert (tmp_path / "view.png").stat().st_size > 1000
    assert ws.export_trajectories(str(tmp_path / "traj.h5"))
    fwd, mean, std = load_trajectory(tmp_path / "traj.h5", "forward")
    np.testing.assert_array_equal(fwd, ws.state.forward)
    assert not window.export_view(str(tmp_path / "no" / "dir" / "view.png")) and "could not write" in window.last_error
    fig = ws.show_paper_figure()
    qtbot.waitUntil(lambda: all(a.getData()[0] is not None and len(a.getData()[0]) > 0
                                    for a in fig.arrows.values()), timeout=10000)
    assert sorted(fig.arrows) == [1, 5, 10]
    assert fig.export_png(str(tmp_path / "fig.png"))


def test_settings_persist(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path)
    w.timeline.speed.setValue(33)
    w.close()
    w2 = make_window(qtbot, tiny_model_path, wait_for_model=False)
    assert w2.timeline.speed.value() == 33
    w2.close()


def test_starts_without_a_model(qtbot, monkeypatch, tmp_path):
    import explorer.main_window as mw
    monkeypatch.setattr(mw, "DEFAULT_MODEL", tmp_path / "missing.h5")
    w = make_window(qtbot, None, wait_for_model=False)
    assert "pretrain" in w.engine_label.text()
    assert w.state.data.points is not None and w.points.view.scatter("forward").getData()[0].size == 0
    w.close()


def test_events_go_to_the_workspaces_of_the_open_model(window, monkeypatch):
    got = {name: [] for name in window.workspaces}
    for name, ws in window.workspaces.items():
        monkeypatch.setattr(ws, "on_event", got[name].append)
    mid = window.state.model.model_id
    x = np.zeros((11, 3, 2), np.float32)
    window.route(m.Trajectory(direction="reverse", x=x, model_id=mid))         # the open 2-D model's
    window.route(m.Trajectory(direction="reverse", x=x, model_id=mid + 1))     # another model's
    window.route(m.JobFailed(kind="inpaint", message="x"))                    # tied to no model
    assert [type(e).__name__ for e in got["points"]] == ["Trajectory", "JobFailed"]
    assert got["points"][0].model_id == mid
    for name in ("image", "binary", "inpaint"):
        assert [type(e).__name__ for e in got[name]] == ["JobFailed"]

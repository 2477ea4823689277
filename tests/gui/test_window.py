"""The window on a model: both processes shown, the slider shows exactly trajectory[t],
shortcuts, selection, drift, errors, exports, settings."""
import numpy as np
from PySide6.QtCore import Qt

from engine.storage import load_trajectory

from .conftest import make_window


def test_window_opens_on_a_model_and_shows_both_processes(window):
    s = window.state
    assert s.T == 10
    assert s.forward.shape[0] == s.reverse.shape[0] == 11
    for d in ("forward", "reverse"):
        x, y = window.view.scatter(d).getData()
        assert len(x) == s.forward.shape[1] and len(x) > 0
    assert "tiny.h5" in window.windowTitle()
    window.act_density.setChecked(True)             # q(x_t) and p(x_t) as histograms
    heat = window.view.panels["forward"].heat
    assert heat.isVisible() and heat.image.shape == (64, 64) and heat.image.max() == 1.0
    window.act_density.setChecked(False)
    assert not heat.isVisible() and window.view.scatter("forward").isVisible()


def test_slider_shows_exactly_trajectory_at_t(window, qtbot):
    got = {}
    window.client.trajectory.connect(lambda ev: got.setdefault(ev.direction, ev.x))
    window.request_forward()
    window.request_reverse()
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10000)
    for t in (0, 3, 7, 10):
        window.timeline.set_t(t)
        for d in ("forward", "reverse"):
            x, y = window.view.scatter(d).getData()
            np.testing.assert_array_equal(np.stack([x, y], 1), got[d][t])
    assert "t = 10" in window.timeline.label.text() and "β" in window.timeline.label.text()
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
    window.timeline.set_t(5)
    window.act_drift.setChecked(True)
    window.on_select("reverse", [0, 1, 2], False)
    panel = window.view.panels["reverse"]
    x, y = panel.paths.getData()
    assert np.isfinite(x).sum() == 3 * 11          # three paths through t = 0..10
    qtbot.waitUntil(lambda: panel.ellipses.getData()[0] is not None and len(panel.ellipses.getData()[0]) > 0,
                    timeout=10000)
    assert len(panel.drift.getData()[0]) == len(window.grid) * 6   # shaft + two head strokes, pairs
    # A lasso round the whole view selects every forward point (up to the 300 cap).
    poly = np.array([[-9, -9], [9, -9], [9, 9], [-9, 9]], float)
    window.view._lasso("forward", poly, False)
    assert len(window.state.selection["forward"]) == min(300, window.state.forward.shape[1])


def test_engine_error_is_shown_and_the_next_job_runs(window, qtbot, tmp_path):
    bad = tmp_path / "garbage.h5"
    bad.write_bytes(b"this is not hdf5" * 10)
    with qtbot.waitSignal(window.client.jobFailed, timeout=10000):
        window.files.open_model(str(bad))
    assert "garbage.h5" in window.last_error and window.banner.isVisible()
    with qtbot.waitSignal(window.client.jobFinished, timeout=10000,
                          check_params_cb=lambda ev: ev.kind == "sample") as blocker:
        window.request_reverse()
    assert not blocker.args[0].cancelled


def test_exports_png_trajectories_and_paper_figure(window, qtbot, tmp_path):
    window.on_select("forward", [1, 2], False)
    assert window.files.export_png(str(tmp_path / "view.png"))
    assert (tmp_path / "view.png").stat().st_size > 1000
    assert window.files.export_trajectories(str(tmp_path / "traj.h5"))
    fwd, mean, std = load_trajectory(tmp_path / "traj.h5", "forward")
    np.testing.assert_array_equal(fwd, window.state.forward)
    fig = window.show_paper_figure()
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
    assert w.state.data.points is not None and w.view.scatter("forward").getData()[0].size == 0
    w.close()

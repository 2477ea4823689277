"""Workspace files in the window: a round trip restores the same state (the model's weights,
t, the 2-D trajectories, selections and view ranges, the tab, the docks; the inpainting
image, mask and task); an unsaved trained model travels inside the file; the recent list
reopens it; a damaged file is one banner line and changes nothing."""
import numpy as np
import pytest
import torch

from engine.io.storage import load_model

from tests.tiny_models import train_tiny

from .conftest import make_window, tiny_training
from .tiny_images import rectangle


def _weights(w):
    """The open model's weights, read from the worker (the test peeks; the GUI never does)."""
    return {k: v.detach().clone() for k, v in w.client._worker.state.model.net.state_dict().items()}


def _save(qtbot, w, path):
    with qtbot.waitSignal(w.workspace_files.saved, timeout=20000):
        w.workspace_files.save_workspace(str(path))
    assert path.is_file()


def _open(qtbot, w, path):
    with qtbot.waitSignal(w.workspace_files.restored, timeout=30000):
        assert w.workspace_files.open_workspace(str(path))


def test_round_trip_restores_model_t_trajectories_selection_ranges_tab_and_docks(qtbot, tiny_model_path,
                                                                                 tiny_digits_path, tmp_path):
    w = make_window(qtbot, tiny_model_path)
    try:
        pts = w.points
        with qtbot.waitSignal(w.client.trajectory, timeout=10000):
            pts.resample()                        # a random seed: reopening cannot make these again
        pts.select("forward", [1, 4, 9])
        pts.select("reverse", [2, 3])
        w.timeline.set_t(3)
        w.data_dock.hide()
        qtbot.wait(50)
        pts.view.panels["forward"].vb.setRange(xRange=(-1.5, 0.5), yRange=(-1.0, 1.0), padding=0)
        ranges = np.array([pts.view.panels[d].vb.viewRange() for d in ("forward", "reverse")])
        forward, reverse = pts.state.forward.copy(), pts.state.reverse.copy()
        w.tabs.setCurrentWidget(w.binary)
        weights = _weights(w)
        path = tmp_path / "lesson.h5"
        _save(qtbot, w, path)

        # Everything changes: another model (another kind), another t, the docks back.
        with qtbot.waitSignal(w.client.modelChanged, timeout=20000):
            w.files.open_model(str(tiny_digits_path))
        w.data_dock.show()
        assert w.state.model.kind == "image"
        _open(qtbot, w, path)

        assert w.state.model.kind == "points" and w.state.model.path == str(tiny_model_path)
        for k, v in _weights(w).items():
            assert torch.equal(v, weights[k])
        assert w.timeline.t == 3 and w.state.t == 3
        np.testing.assert_array_equal(pts.state.forward, forward)
        np.testing.assert_array_equal(pts.state.reverse, reverse)
        np.testing.assert_array_equal(pts.state.selection["forward"], [1, 4, 9])
        np.testing.assert_array_equal(pts.state.selection["reverse"], [2, 3])
        # The selected paths are drawn again, at t = 3.
        assert pts.state.paths("forward").shape == (w.state.T + 1, 3, 2)
        # The same region: aspect-locked views widen x to their own shape, so compare y and the centre.
        got = np.array([pts.view.panels[d].vb.viewRange() for d in ("forward", "reverse")])
        np.testing.assert_allclose(got[0, 1], ranges[0, 1], atol=0.02)
        np.testing.assert_allclose(got[:, 0].mean(1), ranges[:, 0].mean(1), atol=0.02)
        assert w.tabs.currentWidget() is w.binary
        assert not w.data_dock.isVisible()
        assert str(path.resolve()) in [a.toolTip() for a in w.workspace_files.recent_menu.actions()]
    finally:
        w.close()


def test_an_unsaved_trained_model_travels_in_the_file(qtbot, tiny_model_path, tmp_path):
    w = make_window(qtbot, tiny_model_path)
    try:
        tiny_training(w, steps=20)
        with qtbot.waitSignal(w.client.jobFinished, timeout=30000, check_params_cb=lambda ev: ev.kind == "train"):
            w.training_panel.start.click()
        assert w.guard.unsaved
        trained = _weights(w)
        original = load_model(tiny_model_path).net.state_dict()
        assert any(not torch.equal(trained[k], original[k]) for k in trained)
        path = tmp_path / "trained.h5"
        _save(qtbot, w, path)
    finally:
        w.close()
    # A fresh window on the original model: the workspace brings the trained weights back.
    w2 = make_window(qtbot, tiny_model_path)
    try:
        _open(qtbot, w2, path)
        assert w2.state.model.path == ""                  # no model file holds these weights
        for k, v in _weights(w2).items():
            assert torch.equal(v, trained[k])
        assert w2.state.model.T == 10 and w2.tabs.currentWidget() is w2.points
    finally:
        w2.close()


@pytest.fixture(scope="module")
def texture16(tmp_path_factory):
    return train_tiny(tmp_path_factory.mktemp("ws_texture") / "texture16.h5")


def test_inpainting_image_soft_mask_and_task_round_trip(qtbot, texture16, tmp_path):
    w = make_window(qtbot, texture16, wait_for_model=False)
    try:
        ip = w.inpaint
        qtbot.waitUntil(lambda: ip.ready, timeout=30000)
        w.tabs.setCurrentWidget(ip)
        ip.pick(2)
        rectangle(ip, 60, 70, 120, 140)
        ip.mask.begin_stroke(30, 30, size=12, hardness=0.2)     # a soft brush: a halo of partial paint
        ip.mask.stroke_to(50, 40)
        ip.mask.end_stroke()
        mask, image, alpha = ip.mask.missing.copy(), ip.image.copy(), ip.mask.alpha.copy()
        assert mask.any() and ((alpha > 0.05) & (alpha < 0.45)).any()
        path = tmp_path / "hole.h5"
        _save(qtbot, w, path)
        ip.pick(0)
        ip.mask.clear()
        ip.controls.task_buttons["denoise"].setChecked(True)
        _open(qtbot, w, path)
        assert w.tabs.currentWidget() is ip and ip.controls.task == "inpaint"
        np.testing.assert_array_equal(ip.image, image)
        np.testing.assert_array_equal(ip.mask.missing, mask)
        np.testing.assert_array_equal(ip.mask.alpha, alpha)          # soft edges come back soft
        # The posterior runs again for the restored hole.
        qtbot.waitUntil(lambda: ip.result is not None and ip.result.request == ip.request, timeout=30000)
        np.testing.assert_array_equal(ip.sent_missing, mask)
    finally:
        w.close()


def test_a_damaged_workspace_is_one_banner_line_and_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "broken.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
    t, model_id = window.timeline.t, window.state.model.model_id
    window.timeline.set_t(2)
    assert not window.workspace_files.open_workspace(str(bad))
    assert "broken.h5" in window.last_error and "\n" not in window.last_error
    assert window.banner.isVisible()
    qtbot.wait(200)
    assert window.state.model.model_id == model_id and window.timeline.t == 2 and t == 0


def test_a_workspace_whose_model_is_damaged_keeps_the_open_model_and_data(qtbot, window, tmp_path, tiny_model_path):
    import h5py

    from engine.io.workspace import Workspace, save_workspace
    path = tmp_path / "bad_model.h5"
    save_workspace(path, Workspace(tab="points", t=4, data={"name": "moons", "noise": 0.2, "n": 300}),
                   load_model(tiny_model_path))
    with h5py.File(path, "a") as f:
        f["model/weights"].create_dataset("extra", data=np.zeros(3))
    model_id, data = window.state.model.model_id, window.state.data.name
    with qtbot.waitSignal(window.client.jobFailed, timeout=10000):
        assert window.workspace_files.open_workspace(str(path))      # the rest of the file reads fine
    assert "unexpected weight" in window.last_error and "\n" not in window.last_error
    qtbot.wait(200)
    assert window.state.model.model_id == model_id and window.state.data.name == data == "swissroll"
    assert window.data_panel.selected == "swissroll" and window.timeline.t == 0


def test_hand_drawn_points_come_back(qtbot, tiny_model_path, tmp_path):
    """A class's own sprayed data set is stored in the workspace and shown again on opening,
    still drawable; a built-in set chosen meanwhile gives way to it."""
    w = make_window(qtbot, tiny_model_path)
    try:
        dp = w.data_panel
        dp.draw.setChecked(True)
        for x, y in ((-1.0, 0.0), (0.0, 1.0), (1.0, 0.5), (1.5, -1.0)):
            dp.canvas.spray_at(x, y, n=40)
        dp.canvas.strokeFinished.emit()
        drawn = dp.canvas.drawn.copy()
        assert dp.selected == "drawn" and len(drawn) == 160
        np.testing.assert_array_equal(w.state.data.points, drawn)
        path = tmp_path / "drawn.h5"
        _save(qtbot, w, path)
        dp.draw.setChecked(False)
        dp.choose("moons")
        assert w.state.data.name == "moons"
        _open(qtbot, w, path)
        assert dp.selected == "drawn" and w.state.data.name == "drawn"
        np.testing.assert_array_equal(w.state.data.points, drawn)
        np.testing.assert_array_equal(dp.canvas.drawn, drawn)        # draw on from where it was
    finally:
        w.close()


def test_a_loaded_points_file_comes_back_without_the_file(qtbot, tiny_model_path, tmp_path):
    w = make_window(qtbot, tiny_model_path)
    try:
        dp, csv = w.data_panel, tmp_path / "class.csv"
        pts = np.random.default_rng(3).normal(size=(300, 2)) * [2.0, 0.5]
        np.savetxt(csv, pts, delimiter=",")
        assert dp.load_file(str(csv))
        loaded = w.state.data.points.copy()
        path = tmp_path / "loaded.h5"
        _save(qtbot, w, path)
        csv.unlink()                                   # the workspace holds the points themselves
        dp.choose("moons")
        _open(qtbot, w, path)
        assert dp.selected == "file:class.csv" and w.state.data.name == "file:class.csv"
        np.testing.assert_array_equal(w.state.data.points, loaded)
    finally:
        w.close()

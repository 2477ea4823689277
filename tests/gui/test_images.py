"""The Images tab and training every family from the GUI: an image model opens on its
tab and the grids show exactly trajectory[t] (and the prediction made from x_t) at the
slider's t; a forward image follows it; image and binary models train from the window
with live curves in their own units and pause cleanly; File ▸ Open pretrained lists the
models in a folder. Tiny models (8×8 digits, T = 8) keep all of it to seconds."""
import numpy as np
import pytest

from engine.data.catalogue import build
from engine.runtime import protocol as m
from explorer.widgets.image_grid import cell, grid_shape, tile, to_display

from tests.tiny_models import train_tiny

from .conftest import make_window


@pytest.fixture(scope="module")
def tiny_image_model(tmp_path_factory):
    return train_tiny(tmp_path_factory.mktemp("images") / "tiny_digits.h5", data="digits", size=8, steps=20)


@pytest.fixture(scope="module")
def other_image_model(tmp_path_factory):
    """Another model with the same shape as tiny_image_model (issue 12's A-then-B case)."""
    return train_tiny(tmp_path_factory.mktemp("images") / "other_digits.h5", data="digits", size=8, steps=20,
                      seed=1)


def _collect(w):
    got = {}
    w.client.trajectory.connect(lambda ev: got.__setitem__(ev.direction, ev))
    return got


def test_image_model_opens_on_its_tab_and_grids_follow_the_slider(qtbot, tiny_image_model, tmp_path):
    w = make_window(qtbot, tiny_image_model, wait_for_model=False)
    got = _collect(w)
    ws = w.images
    qtbot.waitUntil(lambda: ws.reverse_x is not None and ws.forward.frames is not None, timeout=30000)
    assert w.tabs.currentWidget() is ws and w.state.model.kind == "image"
    assert w.data_panel.selected == "digits" and w.training_panel.unit == "bits/pixel"
    rev, fwd = got["reverse"], got["forward"]
    n, cols = rev.x.shape[1], grid_shape(rev.x.shape[1])[1]
    assert rev.x.shape == (9, ws.n.value(), 1, 8, 8) and fwd.x.shape == (9, 1, 1, 8, 8)
    mean, std = w.state.model.data_mean, w.state.model.data_std
    for t in (0, 3, 8, 5):
        w.timeline.set_t(t)
        shown = ws.reverse.image
        np.testing.assert_array_equal(shown, tile(to_display(rev.x[t], mean, std)))
        for i in (0, n - 1):   # cell i is sample i at step t, in raw units
            np.testing.assert_array_equal(cell(shown, i, 8, 8, cols), to_display(rev.x[t, i], mean, std))
        pred = rev.x[0] if t == 0 else rev.x0_pred[t - 1]   # predicted from x_t
        np.testing.assert_array_equal(ws.pred.image, tile(to_display(pred, mean, std)))
        np.testing.assert_array_equal(ws.forward.image, to_display(fwd.x[t, 0], mean, std))
        assert f"x<sub>{t}</sub>" in ws.reverse.label.text
    # Another image of the data set, then a PNG of another size: both diffused forward.
    before = fwd.x
    with qtbot.waitSignal(w.client.trajectory, timeout=10000, check_params_cb=lambda ev: ev.direction == "forward"):
        ws.index.setValue(7)
    assert not np.array_equal(got["forward"].x[0], before[0]) and ws.source_text.startswith("held-out #7")
    import imageio.v3 as iio
    png = tmp_path / "ramp.png"
    iio.imwrite(png, np.tile(np.linspace(0, 255, 40).astype(np.uint8), (30, 1)))
    with qtbot.waitSignal(w.client.trajectory, timeout=10000, check_params_cb=lambda ev: ev.direction == "forward"):
        assert ws.load_image(str(png))
    x0 = to_display(got["forward"].x[0, 0], mean, std)[..., 0]
    assert x0.shape == (30, 40) and (np.diff(x0.astype(int), axis=1) >= 0).all()   # at its own size
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    assert not ws.load_image(str(bad)) and "bad.png" in w.last_error
    # Resample: a new trajectory replaces the grid.
    with qtbot.waitSignal(w.client.trajectory, timeout=10000, check_params_cb=lambda ev: ev.direction == "reverse"):
        ws.resample_button.click()
    assert not np.array_equal(got["reverse"].x, rev.x)
    # The toolbar's Resample acts on the open model's workspace too.
    before = got["reverse"].x
    with qtbot.waitSignal(w.client.trajectory, timeout=10000, check_params_cb=lambda ev: ev.direction == "reverse"):
        w.resample()
    assert not np.array_equal(got["reverse"].x, before) and got["reverse"].x.ndim == 5
    w.close()


def _panel_state(panel):
    """What a panel shows: its view range, levels and picture size (w, h)."""
    (x0, x1), (y0, y1) = panel.vb.viewRange()
    return (x0, x1, y0, y1), tuple(panel.item.levels), panel.bounds()


def _framed(panel) -> bool:
    """The view shows the whole picture and fits it along one side (the aspect is locked,
    so the other side has room to spare); the levels are the 8-bit range of the frames."""
    (x0, x1, y0, y1), levels, (w, h) = _panel_state(panel)
    inside = x0 <= 0.5 and x1 >= w - 0.5 and y0 <= 0.5 and y1 >= h - 0.5
    fits = (x1 - x0) <= 1.1 * w + 1 or (y1 - y0) <= 1.1 * h + 1
    return inside and fits and levels == (0, 255)


def test_opening_model_a_then_b_frames_every_panel_for_b(qtbot, tiny_image_model, other_image_model):
    """Issue 12: after one image model then another of the same picture shape, every panel
    stayed zoomed into the placeholder's (-1, 1) corner: two or three huge grey blocks."""
    w = make_window(qtbot, tiny_image_model, wait_for_model=False)
    ws = w.images
    try:
        qtbot.waitUntil(lambda: ws.reverse_x is not None and ws.forward.frames is not None, timeout=30000)
        assert all(_framed(p) for p in ws.panels())
        first = w.state.model.model_id
        got = {}
        w.client.trajectory.connect(lambda ev: ev.model_id != first and got.__setitem__(ev.direction, ev))
        w.files.open_model(str(other_image_model))
        qtbot.waitUntil(lambda: w.state.model.model_id != first and "reverse" in got and "forward" in got
                        and ws.reverse_x is got["reverse"].x, timeout=30000)
        qtbot.wait(50)
        for p in ws.panels():
            assert _framed(p), (p.label.text, _panel_state(p))
        mean, std = w.state.model.data_mean, w.state.model.data_std
        t = w.state.t
        np.testing.assert_array_equal(ws.reverse.image, tile(to_display(got["reverse"].x[t], mean, std)))
        np.testing.assert_array_equal(ws.forward.image, to_display(got["forward"].x[t, 0], mean, std))
    finally:
        w.close()


def test_samples_at_a_chosen_size(qtbot, tiny_image_model):
    w = make_window(qtbot, tiny_image_model, wait_for_model=False)
    ws = w.images
    try:
        qtbot.waitUntil(lambda: ws.reverse_x is not None, timeout=30000)
        assert ws.size.value() == 8                      # digits: the training size
        with qtbot.waitSignal(w.client.trajectory, timeout=30000,
                              check_params_cb=lambda ev: ev.direction == "reverse"):
            ws.size.setValue(24)
        assert ws.reverse_x.shape[-2:] == (24, 24) and "24×24" in ws.reverse.label.text
        assert _framed(ws.reverse) and _framed(ws.pred)
        ws.size.blockSignals(True)
        ws.size.setValue(256)
        ws.size.blockSignals(False)
        ws.request_reverse()
        assert ws.n.maximum() == 4 and ws.n.value() <= 4  # n·H·W is bounded: the trajectory's memory
    finally:
        w.close()


def _start(w, qtbot, name, T, width, steps, batch):
    w.data_panel.name.setCurrentText(name)      # swaps the panel to the family's presets
    w.schedule_panel.T.setValue(T)
    p = w.training_panel
    p.hidden.setValue(width)
    p.steps.setValue(steps)
    p.batch.setValue(batch)
    failed = []
    w.client.jobFailed.connect(failed.append)
    with qtbot.waitSignal(w.client.jobFinished, timeout=60000, check_params_cb=lambda ev: ev.kind == "train") as done:
        p.start.click()
    assert not failed and not done.args[0].cancelled
    return p.plots


def test_training_an_image_model_from_the_gui_updates_curves_and_pauses(window, qtbot):
    assert window.training_panel.unit == "bits/point"
    window.data_panel.size.setValue(8)
    plots = _start(window, qtbot, "digits", T=8, width=8, steps=40, batch=8)
    assert window.training_panel.unit == "bits/pixel"
    assert window.training_panel.form.labelForField(window.training_panel.hidden).text() == "channels"
    cfg = window.state.model.config
    assert window.state.model.kind == "image" and tuple(cfg["shape"]) == (1, 8, 8)
    assert cfg["data_args"]["levels"] == 17 and cfg["net"]["channels"] == 8 and cfg["T"] == 8
    assert len(plots.loss_x) >= 3 and plots.loss_x[-1] == 40
    # Per pixel, not per image: a 64-pixel image's bound would be 64 times larger.
    assert len(plots.bound_y) >= 2 and np.isfinite(plots.bound_y).all() and max(map(abs, plots.bound_y)) < 30
    assert plots.kl is not None and len(plots.kl) == 8
    ws = window.images
    assert window.tabs.currentWidget() is ws
    qtbot.waitUntil(lambda: ws.reverse_x is not None and ws.forward.frames is not None, timeout=10000)
    assert ws.reverse_x.shape == (9, ws.n.value(), 1, 8, 8) and ws.source_text == "digits training crop #0"
    # Train more, then pause: cancelled quickly, resumable.
    window.training_panel.steps.setValue(100000)
    with qtbot.waitSignal(window.client.trainProgress, timeout=20000):
        window.training_panel.resume.click()
    with qtbot.waitSignal(window.client.jobFinished, timeout=5000,
                          check_params_cb=lambda ev: ev.kind == "train") as paused:
        window.training_panel.pause.click()
    assert paused.args[0].cancelled and window.training_panel.mode == "paused"
    assert window.state.model.config["data"] == "digits"


def test_training_a_binary_model_from_the_gui(window, qtbot):
    plots = _start(window, qtbot, "heartbeat", T=10, width=16, steps=30, batch=64)
    model = window.state.model
    assert model.kind == "binary" and tuple(model.config["shape"]) == (20,) and model.T == 10
    assert window.training_panel.unit == "bits/seq" and len(plots.kl) == 10
    assert np.isfinite(plots.bound_y).all() and plots.loss_x[-1] == 30
    assert window.tabs.currentWidget() is window.workspaces["binary"]
    # Back to a 2-D set: its own settings come back.
    window.data_panel.name.setCurrentText("moons")
    assert window.training_panel.unit == "bits/seq"      # the unit follows the model, not the choice
    assert window.training_panel.hidden.value() != 16


def test_data_panel_previews_named_sets_and_folder_errors(window, qtbot, tmp_path):
    with qtbot.waitSignal(window.client.event, timeout=20000,
                          check_params_cb=lambda ev: isinstance(ev, m.DataReady) and ev.tag == "preview"):
        window.data_panel.name.setCurrentText("bindigits")
    assert window.data_panel.preview.pixmap() is not None and not window.data_panel.preview.pixmap().isNull()
    assert not window.data_panel.canvas.isVisible()
    # An empty folder fails on the worker, as one line in the banner.
    window.data_panel.choose_named(f"folder:{tmp_path}")
    window.schedule_panel.T.setValue(4)
    with qtbot.waitSignal(window.client.jobFailed, timeout=20000):
        window.training_panel.start.click()
    assert "holds no images" in window.last_error
    assert window.training_panel.mode == "idle"
    assert build("bindigits", 16, 0).train.shape[1] == 64


def test_open_pretrained_lists_the_models_in_its_folder(window, qtbot, tmp_path, tiny_image_model):
    """The menu lists the folder's models by name (nothing else), and opens the one chosen."""
    import shutil
    shutil.copy(tiny_image_model, tmp_path / "zeta.h5")
    shutil.copy(tiny_image_model, tmp_path / "alpha.h5")
    (tmp_path / "notes.txt").write_text("not a model")
    files = window.files
    files.refresh_pretrained(tmp_path)
    actions = {a.text(): a for a in files.pretrained_menu.actions()}
    assert list(actions) == ["alpha", "zeta"] and files.pretrained_menu.isEnabled()
    with qtbot.waitSignal(window.client.modelChanged, timeout=20000) as opened:
        actions["zeta"].trigger()
    assert opened.args[0].path.endswith("zeta.h5")
    assert window.state.model.kind == "image" and window.tabs.currentWidget() is window.images
    files.refresh_pretrained(tmp_path / "missing")
    assert not files.pretrained_menu.actions() and not files.pretrained_menu.isEnabled()

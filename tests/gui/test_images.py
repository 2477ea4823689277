"""The Images tab and training every family from the GUI: an image model opens on its
tab and the grids show exactly trajectory[t] (and the prediction made from x_t) at the
slider's t; a forward image follows it; image and binary models train from the window
with live curves in their own units and pause cleanly; File ▸ Open pretrained lists the
models in a folder. Tiny models (8×8 digits, T = 8) keep all of it to seconds."""
from dataclasses import replace

import numpy as np
import pytest

from engine.data.catalogue import build
from engine.data.images import channel_stats, dequantise, make_images
from engine.io.storage import save_model
from engine.model import DiffusionModel
from engine.presets import model_defaults
from engine.runtime import protocol as m
from engine.training import TrainConfig, train
from explorer.widgets.image_grid import cell, grid_shape, tile, to_display

from .conftest import make_window

TINY_NET = {"kind": "multiscale", "channels": 4, "layers": 1, "scales": 2, "context": 2, "J": 2}


@pytest.fixture(scope="module")
def tiny_image_model(tmp_path_factory):
    data = make_images("digits", seed=0, size=8)
    x = dequantise(data.train, 17, np.random.default_rng(0))
    cfg = replace(model_defaults("digits"), T=8, shape=(1, 8, 8), data_args=data.args, net=dict(TINY_NET))
    model = DiffusionModel(cfg, *channel_stats(x))
    for _ in train(model, model.standardise(x[:400]), model.standardise(data.heldout[:50]),
                   TrainConfig(steps=20, batch=16, eval_every=10, eval_points=20, device="cpu")):
        pass
    path = tmp_path_factory.mktemp("images") / "tiny_digits.h5"
    save_model(model, path)
    return path


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
    assert not np.array_equal(got["forward"].x[0], before[0]) and ws.source_text == "digits #7"
    import imageio.v3 as iio
    png = tmp_path / "ramp.png"
    iio.imwrite(png, np.tile(np.linspace(0, 255, 40).astype(np.uint8), (30, 1)))
    with qtbot.waitSignal(w.client.trajectory, timeout=10000, check_params_cb=lambda ev: ev.direction == "forward"):
        assert ws.load_image(str(png))
    x0 = to_display(got["forward"].x[0, 0], mean, std)[..., 0]
    assert x0.shape == (8, 8) and (np.diff(x0.astype(int), axis=1) >= 0).all()   # still a ramp
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
    assert ws.reverse_x.shape == (9, ws.n.value(), 1, 8, 8) and ws.source_text == "digits #0"
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

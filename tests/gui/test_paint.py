"""The Inpaint & denoise workspace with the real window, offscreen, on a tiny 8×8 digits
model (T = 8, trained for a few steps): strokes start jobs, undo, newest-wins cancelling,
exact known pixels, denoising, exports and bad input."""
import threading

import h5py
import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


from .conftest import make_window


@pytest.fixture(scope="module")
def tiny_image_model(tmp_path_factory):
    from engine.data.images import channel_stats, dequantise, make_images
    from engine.io.storage import save_model
    from engine.model import DiffusionModel, ModelConfig
    from engine.training import TrainConfig, train

    torch.manual_seed(0)
    data = make_images("digits", size=8)
    x = dequantise(data.train[:400], 17, np.random.default_rng(0))
    cfg = ModelConfig(data="digits", data_args=data.args, shape=data.shape, T=8, beta1=1e-3,
                      net={"kind": "multiscale", "channels": 8, "layers": 1, "J": 4, "scales": 3, "context": 2})
    model = DiffusionModel(cfg, *channel_stats(x))
    for _ in train(model, model.standardise(x), model.standardise(x[:50]),
                   TrainConfig(steps=8, batch=32, eval_every=1000, eval_points=20, device="cpu")):
        pass
    path = tmp_path_factory.mktemp("paint") / "digits8.h5"
    save_model(model, path)
    return path


@pytest.fixture
def win(qtbot, tiny_image_model):
    w = make_window(qtbot, tiny_image_model, wait_for_model=False)
    qtbot.waitUntil(lambda: w.inpaint.ready, timeout=20000)
    w.tabs.setCurrentWidget(w.inpaint)
    w.inpaint.controls.n.setValue(3)
    yield w
    w.close()


def _mouse(canvas, kind, x, y, button=Qt.LeftButton):
    p = canvas.to_widget(x, y)
    buttons = Qt.NoButton if kind == QEvent.MouseButtonRelease else button
    ev = QMouseEvent(kind, p, canvas.mapToGlobal(p), button, buttons, Qt.NoModifier)
    QApplication.sendEvent(canvas, ev)


def stroke(canvas, points, button=Qt.LeftButton):
    """Press, drag through `points` (image pixels), release: one stroke."""
    _mouse(canvas, QEvent.MouseButtonPress, *points[0], button)
    for x, y in points[1:]:
        _mouse(canvas, QEvent.MouseMove, x, y, button)
    _mouse(canvas, QEvent.MouseButtonRelease, *points[-1], button)


def started(w, kind="inpaint"):
    jobs = []
    w.client.jobStarted.connect(lambda ev: ev.kind == kind and jobs.append(ev.job))
    return jobs


def wait_result(qtbot, ws, phase="full", task="inpaint"):
    got = []
    ws.resultShown.connect(lambda ev: ev.phase == phase and ev.task == task and got.append(ev))
    qtbot.waitUntil(lambda: bool(got), timeout=20000)
    return got[-1]


def test_a_stroke_changes_the_mask_and_starts_exactly_one_job(qtbot, win):
    ws = win.inpaint
    jobs = started(win)
    assert not ws.mask.missing.any()
    stroke(ws.canvas, [(1.5, 4.5), (4.0, 4.5), (6.5, 4.5)])
    assert ws.mask.missing[4, 1:7].all()
    res = wait_result(qtbot, ws)
    qtbot.waitUntil(lambda: not win.client.is_running("inpaint"), timeout=10000)
    qtbot.wait(3 * 120)                         # a stray live preview would have gone out by now
    assert len(jobs) == 1
    assert res.request == ws.request and np.array_equal(res.missing, ws.mask.missing)
    assert "preview" in ws.posterior.status.text() or "full posterior" in ws.posterior.status.text()


def test_undo_restores_the_previous_mask(qtbot, win):
    ws, c = win.inpaint, win.inpaint.controls
    stroke(ws.canvas, [(0.5, 0.5), (7.5, 0.5)])
    first = ws.mask.missing.copy()
    c.tool_buttons["rect"].setChecked(True)
    stroke(ws.canvas, [(2.0, 3.0), (6.0, 7.0)])
    assert ws.mask.missing.sum() > first.sum()
    c.undo.click()
    assert np.array_equal(ws.mask.missing, first)
    c.redo.click()
    assert ws.mask.missing.sum() > first.sum()
    c.undo.click()
    c.undo.click()
    assert not ws.mask.missing.any()
    assert "Paint over" in ws.posterior.status.text()


def test_a_second_stroke_cancels_the_first_job(qtbot, win, monkeypatch):
    import engine.runtime.jobs.inpaint as ji

    gate, calls = threading.Event(), []
    real = ji.inpaint_progressive

    def held(*a, **k):          # the first run stalls after its first step until released
        calls.append(1)
        for i, s in enumerate(real(*a, **k)):
            yield s
            if i == 0 and len(calls) == 1:
                gate.wait(10)

    monkeypatch.setattr(ji, "inpaint_progressive", held)
    ws = win.inpaint
    jobs, finished = started(win), []
    win.client.jobFinished.connect(lambda ev: ev.kind == "inpaint" and finished.append(ev))
    frames = []
    ws.frameShown.connect(frames.append)
    stroke(ws.canvas, [(1.5, 1.5), (6.5, 1.5)])
    first = ws.request
    qtbot.waitUntil(lambda: any(f.request == first for f in frames), timeout=10000)
    stroke(ws.canvas, [(1.5, 6.5), (6.5, 6.5)])
    gate.set()
    res = wait_result(qtbot, ws)
    assert res.request == ws.request == first + 1
    qtbot.waitUntil(lambda: len(finished) >= 2, timeout=10000)
    assert finished[0].job == jobs[0] and finished[0].cancelled
    assert not finished[-1].cancelled and len(jobs) == 2
    assert all(f.request in (first, first + 1) for f in frames)


def test_known_pixels_are_kept_in_the_result(qtbot, win):
    ws = win.inpaint
    ws.controls.tool_buttons["rect"].setChecked(True)
    stroke(ws.canvas, [(1.0, 1.0), (5.0, 6.0)])
    missing = ws.mask.missing.copy()
    assert 0 < missing.sum() < 64
    res = wait_result(qtbot, ws)
    known = ~missing
    assert res.samples.shape == (3, 1, 8, 8)
    np.testing.assert_array_equal(res.samples[:, 0][:, known], np.broadcast_to(ws.image[0][known], (3, known.sum())))
    assert (res.std[0][known] == 0).all() and res.std[0][missing].max() > 0
    assert res.trajectory.shape == (9, 3, 1, 8, 8) and list(res.ts) == list(range(9))


def test_denoise_produces_samples_of_the_right_shape(qtbot, win):
    ws = win.inpaint
    ws.controls.snr.setValue(1.0)
    ws.controls.task_buttons["denoise"].click()
    assert not ws.controls.mask_box.isVisibleTo(ws) and ws.controls.noise_box.isVisibleTo(ws)
    res = wait_result(qtbot, ws, task="denoise")
    assert res.samples.shape == (3, 1, 8, 8) and res.mean.shape == res.std.shape == (1, 8, 8)
    assert res.observed.shape == (1, 8, 8) and not np.allclose(res.observed, ws.image)
    np.testing.assert_allclose(res.clean, ws.image)
    # The canvas shows what the model is given: the very noise draw the engine made.
    np.testing.assert_allclose(ws.canvas.image_array, np.clip(res.observed, 0, 1), atol=1e-6)
    assert ws.posterior.samples[2].image is not None and ws.posterior.samples[3].image is None
    assert ws.posterior.original.caption == "clean"


def test_exports_and_bad_input(qtbot, win, tmp_path):
    import imageio.v3 as iio

    ws = win.inpaint
    assert not ws.export_pngs(str(tmp_path)) and "nothing to export" in win.last_error
    stroke(ws.canvas, [(2.5, 2.5), (5.5, 5.5)])
    res = wait_result(qtbot, ws)
    assert ws.export_pngs(str(tmp_path))
    for name in ("canvas", "observed", "mask", "mean", "std", "sample_00", "sample_02"):
        assert (tmp_path / f"{name}.png").is_file(), name
    assert iio.imread(tmp_path / "mask.png").shape == (8, 8)
    assert ws.export_h5(str(tmp_path / "post.h5"))
    with h5py.File(tmp_path / "post.h5") as f:
        assert f.attrs["kind"] == "diffusion-explorer/posterior" and f.attrs["task"] == "inpaint"
        assert f["trajectory"].shape == (9, 3, 1, 8, 8) and f["t"][0] == 0 and f["t"][-1] == 8
        np.testing.assert_array_equal(f["mask"][()], res.missing)
    assert not ws.export_h5(str(tmp_path / "no" / "such" / "dir.h5")) and "does not exist" in win.last_error
    # A broken file and a big image: one-line errors or a scaled canvas, never a crash.
    (tmp_path / "broken.png").write_bytes(b"not a png")
    assert not ws.load_png(str(tmp_path / "broken.png")) and "\n" not in win.last_error
    iio.imwrite(tmp_path / "big.png", (np.random.default_rng(0).random((150, 100, 3)) * 255).astype(np.uint8))
    jobs = started(win)
    assert ws.load_png(str(tmp_path / "big.png"))
    assert ws.image.shape == (1, 30, 20) and ws.mask.shape == (30, 20) and "scaled down 5×" in ws.source.text()
    stroke(ws.canvas, [(5.5, 5.5), (15.5, 25.5)])
    res = wait_result(qtbot, ws)
    assert res.samples.shape == (3, 1, 30, 20) and len(jobs) == 1
    np.testing.assert_array_equal(res.samples[:, 0][:, ~res.missing],
                                  np.broadcast_to(ws.image[0][~res.missing], (3, (~res.missing).sum())))


def test_without_an_image_model_the_workspace_says_so(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path)
    try:
        ws = w.inpaint
        assert ws.stack.currentIndex() == 0 and "not an image model" in ws.empty_text.text()
        assert "digits.h5" in ws.open_digits.text()
        assert not ws.run()
    finally:
        w.close()

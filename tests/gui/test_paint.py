"""The Inpaint & denoise workspace with the real window, offscreen, on a tiny texture model
(16 px crops, T = 8, size-free net) painting on the full-size 256×256 held-out grass:
strokes start jobs, undo, newest-wins cancelling, whole-size results with exact known
pixels, the canvas mapping held through a preview mid-stroke, RePaint, 16 samples,
denoising, exports and bad input."""
import threading

import h5py
import numpy as np
import pytest
from PySide6.QtCore import QEvent

from tests.tiny_models import train_tiny

from .conftest import make_window
from .tiny_images import mouse, rectangle, record_commands, stroke, wait_result


@pytest.fixture(scope="module")
def texture_model(tmp_path_factory):
    return train_tiny(tmp_path_factory.mktemp("paint") / "texture16.h5")


@pytest.fixture
def win(qtbot, texture_model):
    w = make_window(qtbot, texture_model, wait_for_model=False)
    qtbot.waitUntil(lambda: w.inpaint.ready, timeout=30000)
    w.tabs.setCurrentWidget(w.inpaint)
    w.inpaint.controls.n.setValue(3)
    yield w
    w.close()


def started(w, kind="inpaint"):
    jobs = []
    w.client.jobStarted.connect(lambda ev: ev.kind == kind and jobs.append(ev.job))
    return jobs


def test_painting_a_full_size_image_gives_whole_size_results_with_known_pixels_exact(qtbot, win):
    ws = win.inpaint
    assert ws.image.shape == (1, 256, 256) and ws.mask.shape == (256, 256)
    jobs = started(win)
    rectangle(ws, 100, 110, 140, 150)
    missing = ws.mask.missing.copy()
    assert missing[115, 105] and not missing[50, 50] and 1400 < missing.sum() < 1800
    res = wait_result(qtbot, ws)
    qtbot.waitUntil(lambda: not win.client.is_running("inpaint"), timeout=10000)
    qtbot.wait(3 * 120)                         # a stray live preview would have gone out by now
    assert len(jobs) == 1 and res.request == ws.request
    assert res.samples.shape == (3, 1, 256, 256) and res.mean.shape == res.std.shape == (1, 256, 256)
    known = ~missing
    np.testing.assert_array_equal(res.samples[:, 0][:, known], np.broadcast_to(ws.image[0][known], (3, known.sum())))
    assert (res.std[0][known] == 0).all() and res.std[0][missing].max() > 0
    y0, y1, x0, x1 = res.window      # only the hole's window was sampled, not the whole image
    assert y0 <= 110 and y1 >= 150 and x0 <= 100 and x1 >= 140 and (y1 - y0) * (x1 - x0) < 256 * 256 / 4
    # The tiles show that window; the canvas shows sample 1 in the hole.
    assert ws.posterior.samples[0].shape == (y1 - y0, x1 - x0)
    fill = ws.canvas.fill_picture()
    assert fill is not None and fill.width() == x1 - x0
    assert "full posterior" in ws.posterior.status.text()


def test_undo_restores_the_previous_mask(qtbot, win):
    ws, c = win.inpaint, win.inpaint.controls
    c.size.setValue(6)
    stroke(ws.canvas, [(20.5, 20.5), (80.5, 20.5)])
    first = ws.mask.missing.copy()
    assert first[20, 20:80].all()
    rectangle(ws, 30, 60, 90, 120)
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
    rectangle(ws, 20, 20, 40, 40)
    first = ws.request
    qtbot.waitUntil(lambda: any(f.request == first for f in frames), timeout=10000)
    rectangle(ws, 150, 150, 170, 170)
    gate.set()
    res = wait_result(qtbot, ws)
    assert res.request == ws.request == first + 1
    qtbot.waitUntil(lambda: len(finished) >= 2, timeout=10000)
    assert finished[0].job == jobs[0] and finished[0].cancelled
    assert not finished[-1].cancelled and len(jobs) == 2
    assert all(f.request in (first, first + 1) for f in frames)


def test_the_canvas_mapping_holds_when_a_preview_arrives_mid_stroke(qtbot, win):
    """Issue 12: the canvas shrank by a third when the first preview came in mid-stroke,
    so the rest of the stroke landed on other pixels. The mapping and the canvas's place
    must not move until the stroke ends, even if the window is resized meanwhile."""
    ws = win.inpaint
    canvas = ws.canvas
    ws.controls.size.setValue(4)
    frames, results = [], []
    ws.frameShown.connect(frames.append)
    ws.resultShown.connect(results.append)
    before, geometry = canvas.view.mapping(), canvas.geometry()
    p0 = canvas.to_widget(60.5, 100.5)
    mouse(canvas, QEvent.MouseButtonPress, 60.5, 100.5)
    mouse(canvas, QEvent.MouseMove, 90.5, 100.5)
    # A live preview goes out while the button is down; wait for its frames and result.
    qtbot.waitUntil(lambda: any(f.phase == "preview" for f in frames), timeout=10000)
    qtbot.waitUntil(lambda: any(r.phase == "preview" for r in results), timeout=10000)
    assert ws.mask.painting
    assert canvas.view.mapping() == before and canvas.geometry() == geometry
    assert canvas.to_widget(60.5, 100.5) == p0
    win.resize(win.width() - 150, win.height() - 60)            # even a resize waits for the stroke
    qtbot.wait(50)
    assert canvas.view.mapping() == before
    mouse(canvas, QEvent.MouseMove, 120.5, 100.5)
    mouse(canvas, QEvent.MouseButtonRelease, 120.5, 100.5)
    assert ws.mask.missing[100, 60:121].all() and not ws.mask.missing[90].any()
    qtbot.waitUntil(lambda: canvas.view.mapping() != before, timeout=5000)   # refitted after the stroke
    assert canvas.view.fit_mode


def test_results_do_not_move_the_canvas(qtbot, win):
    """Layouts must not jump when texts or results change: the canvas keeps its place
    through a preview, the full result and a long status text."""
    ws = win.inpaint
    qtbot.wait(100)
    geometry, mapping = ws.canvas.geometry(), ws.canvas.view.mapping()
    rectangle(ws, 100, 100, 160, 160)
    wait_result(qtbot, ws)
    ws.posterior.status.setText("a very long status line " * 20)
    ws.source.setText("a very long source line " * 20)
    qtbot.wait(50)
    assert ws.canvas.geometry() == geometry and ws.canvas.view.mapping() == mapping


def test_harmonise_sends_repaint_resampling_and_states_its_cost(qtbot, win, monkeypatch):
    ws, c = win.inpaint, win.inpaint.controls
    assert not c.harmonise.isChecked() and "off" in c.cost.text()
    sent = record_commands(monkeypatch, win.client)
    rectangle(ws, 40, 40, 60, 60)
    wait_result(qtbot, ws)
    assert [cmd.resample for cmd in sent if type(cmd).__name__ == "Inpaint"][-1] is None
    assert "at the last run's speed" not in c.cost.text()
    c.jump.setValue(2)
    c.times.setValue(3)
    c.harmonise.setChecked(True)
    last = [cmd for cmd in sent if type(cmd).__name__ == "Inpaint"][-1]
    assert last.resample == (2, 3) and last.full
    assert "× the steps" in c.cost.text() and " s at the last run's speed" in c.cost.text()
    res = wait_result(qtbot, ws)
    assert res.request == last.request and "RePaint" in ws.posterior.status.text()


def test_sixteen_samples_show_sixteen_and_enlarge_on_click(qtbot, win):
    ws = win.inpaint
    ws.controls.n.setValue(16)
    rectangle(ws, 100, 100, 120, 120)
    res = wait_result(qtbot, ws)
    assert res.samples.shape[0] == 16
    tiles = ws.posterior.samples
    assert all(t.isVisibleTo(ws) and not t.blank and t.image is not None for t in tiles)
    tiles[15].clicked.emit(tiles[15])
    view = ws.enlarged
    assert view.isVisible() and view.tile.shape == (256, 256) and "sample 16" in view.windowTitle()
    ws.controls.n.setValue(5)
    res = wait_result(qtbot, ws)
    shown = [t for t in tiles if t.isVisibleTo(ws) and not t.blank]
    assert len(res.samples) == 5 and len(shown) == 5 and all(t.image is not None for t in shown)
    view.close()


def test_denoise_at_full_size(qtbot, win):
    ws = win.inpaint
    assert ws.controls.snr.value() == 1.0
    ws.controls.task_buttons["denoise"].click()
    assert not ws.controls.mask_box.isVisibleTo(ws) and ws.controls.noise_box.isVisibleTo(ws)
    res = wait_result(qtbot, ws, task="denoise")
    assert res.samples.shape == (3, 1, 256, 256) and res.mean.shape == res.std.shape == (1, 256, 256)
    assert res.observed.shape == (1, 256, 256) and not np.allclose(res.observed, ws.image)
    np.testing.assert_allclose(res.clean, ws.image)
    # The canvas shows what the model is given: the very noise draw the engine made.
    np.testing.assert_allclose(ws.canvas.image_array, np.clip(res.observed, 0, 1), atol=1e-6)
    assert ws.posterior.samples[2].image is not None and ws.posterior.samples[3].blank
    assert ws.posterior.original.caption == "clean"


def test_exports(qtbot, win, tmp_path):
    import imageio.v3 as iio

    ws = win.inpaint
    assert not ws.export_pngs(str(tmp_path)) and "nothing to export" in win.last_error
    rectangle(ws, 100, 100, 140, 140)
    res = wait_result(qtbot, ws)
    assert ws.export_pngs(str(tmp_path))
    for name in ("canvas", "figure", "observed", "original", "mask", "mean", "std", "sample_00", "sample_02"):
        assert (tmp_path / f"{name}.png").is_file(), name
    assert iio.imread(tmp_path / "mask.png").shape == (256, 256)
    # observed.png is what the model was given: the holes in the mask colour (issue 12).
    observed, original = iio.imread(tmp_path / "observed.png"), iio.imread(tmp_path / "original.png")
    assert observed.shape == (256, 256, 3)
    r, g, b = observed[120, 120].astype(int)
    assert r > 200 and r - g > 100                               # pink, not grass
    assert (observed[10, 10] == original[10, 10]).all()          # a known pixel: the image
    assert ws.export_h5(str(tmp_path / "post.h5"))
    with h5py.File(tmp_path / "post.h5") as f:
        assert f.attrs["kind"] == "diffusion-explorer/posterior" and f.attrs["task"] == "inpaint"
        assert f["trajectory"].shape[1:3] == (3, 1) and f["t"][0] == 0 and f["t"][-1] == 8
        np.testing.assert_array_equal(f["mask"][()], res.missing)
        assert tuple(f.attrs["window"]) == tuple(res.window)
    assert not ws.export_h5(str(tmp_path / "no" / "such" / "dir.h5")) and "does not exist" in win.last_error


def test_without_an_image_model_the_workspace_says_so(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path)
    try:
        ws = w.inpaint
        assert ws.stack.currentIndex() == 0 and "not an image model" in ws.empty_text.text()
        assert "digits.h5" in ws.open_digits.text()
        assert not ws.run()
    finally:
        w.close()

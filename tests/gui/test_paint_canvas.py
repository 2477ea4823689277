"""The painting canvas's view and sources, with the real window offscreen on a tiny
texture model: zoom and pan move the picture but paint still lands on the pixel under the
cursor; files bigger than the canvas are offered a whole-factor downscale (never scaled
silently); huge or broken files and old model files give one line, never a crash."""
import json
import shutil

import h5py
import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt

from explorer.workspaces.inpaint.view_transform import ViewTransform

from tests.tiny_models import train_tiny

from .conftest import make_window
from .tiny_images import header_only_png, mouse_at, stroke, wheel


@pytest.fixture(scope="module")
def texture_model(tmp_path_factory):
    return train_tiny(tmp_path_factory.mktemp("canvas") / "texture16.h5")


@pytest.fixture
def win(qtbot, texture_model):
    w = make_window(qtbot, texture_model, wait_for_model=False)
    qtbot.waitUntil(lambda: w.inpaint.ready, timeout=30000)
    w.tabs.setCurrentWidget(w.inpaint)
    w.inpaint.controls.n.setValue(2)
    w.inpaint.controls.full.setChecked(False)       # previews are enough here
    yield w
    w.close()


def test_view_transform_zooms_about_the_anchor_and_keeps_the_image_in_reach():
    v = ViewTransform()
    v.resize(400, 300)
    v.set_image(256, 256)
    assert v.fit_mode and v.scale == pytest.approx((300 - 12) / 256)
    x, y = v.to_image(150, 120)
    v.zoom(3.0, 150, 120)
    assert not v.fit_mode and v.to_image(150, 120) == pytest.approx((x, y))
    v.pan(-1e6, 0)                                   # dragged far away: a strip stays in view
    assert v.rect()[0] + v.rect()[2] >= 32 - 1e-9
    v.resize(500, 300)                               # not in fit mode: the centre stays put
    v.fit()
    assert v.fit_mode and v.visible() == (0, 256, 0, 256)


def test_zoom_and_pan_change_the_view_but_not_the_mask_coordinates(qtbot, win):
    ws = win.inpaint
    canvas = ws.canvas
    ws.controls.size.setValue(2)
    fitted = canvas.view.scale
    anchor = canvas.to_widget(64.0, 64.0)
    wheel(canvas, anchor, 3)                         # three notches in, about (64, 64)
    assert canvas.view.scale == pytest.approx(fitted * 1.25 ** 3)
    assert canvas.to_image(anchor) == pytest.approx((64.0, 64.0))
    assert "fit" not in ws.view_bar.zoom.text()
    stroke(canvas, [(60.5, 70.5), (70.5, 70.5)])
    assert ws.mask.missing[70, 60:71].all() and ws.mask.missing.sum() < 60
    # Pan with the middle button: the picture moves, image coordinates stay the image's.
    start = canvas.to_widget(100.0, 100.0)
    mouse_at(canvas, QEvent.MouseButtonPress, start, Qt.MiddleButton)
    mouse_at(canvas, QEvent.MouseMove, start + QPointF(-40, -25), Qt.MiddleButton)
    mouse_at(canvas, QEvent.MouseButtonRelease, start + QPointF(-40, -25), Qt.MiddleButton)
    assert canvas.to_widget(100.0, 100.0) == start + QPointF(-40, -25)
    missing = ws.mask.missing.copy()
    assert missing.sum() == ws.mask.missing.sum()   # panning painted nothing
    stroke(canvas, [(90.5, 95.5), (95.5, 95.5)])
    assert ws.mask.missing[95, 90:96].all() and not missing[95, 90:96].any()
    # Space + left drag pans too; keys zoom and fit.
    canvas.setFocus()
    qtbot.keyPress(canvas, Qt.Key_Space)
    before = canvas.view.mapping()
    p = canvas.to_widget(50.0, 50.0)
    mouse_at(canvas, QEvent.MouseButtonPress, p)
    mouse_at(canvas, QEvent.MouseMove, p + QPointF(10, 0))
    mouse_at(canvas, QEvent.MouseButtonRelease, p + QPointF(10, 0))
    qtbot.keyRelease(canvas, Qt.Key_Space)
    assert canvas.view.mapping()[1] == pytest.approx(before[1] + 10)
    assert np.array_equal(ws.mask.missing[45:55, 45:55], missing[45:55, 45:55])
    qtbot.keyClick(canvas, Qt.Key_Minus)
    assert canvas.view.scale < before[0]
    qtbot.keyClick(canvas, Qt.Key_0)
    assert canvas.view.fit_mode and canvas.view.scale == pytest.approx(fitted)
    ws.view_bar.buttons["one"].click()
    assert canvas.view.scale == 1.0


def test_brush_size_is_in_image_pixels(qtbot, win):
    ws = win.inpaint
    ws.controls.size.setValue(9)
    assert ws.controls.size_label.text() == "Size 9 px" and ws.canvas.size == 9.0
    stroke(ws.canvas, [(128.5, 128.5), (128.5, 128.5)])
    rows = np.flatnonzero(ws.mask.missing.any(1))
    assert 7 <= len(rows) <= 9                           # the same width at any zoom
    ws.canvas.zoom(4.0)
    ws.mask.clear()
    stroke(ws.canvas, [(128.5, 128.5), (128.5, 128.5)])
    assert len(np.flatnonzero(ws.mask.missing.any(1))) == len(rows)


def test_png_files_big_huge_broken_and_fitting(qtbot, win, tmp_path):
    import imageio.v3 as iio

    ws = win.inpaint
    rng = np.random.default_rng(0)
    iio.imwrite(tmp_path / "big.png", (rng.random((600, 600, 3)) * 255).astype(np.uint8))
    before = ws.image
    assert ws.load_png(str(tmp_path / "big.png"))
    assert ws.offer.isVisible() and ws.offer.pending and ws.image is before     # asked, not scaled
    assert "600×600" in ws.offer.text.text() and "512×512" in ws.offer.text.text()
    labels = [b.text() for b in ws.offer.buttons]
    assert labels[0] == "2× → 300×300" and labels[-1] == "Cancel"
    ws.offer.buttons[0].click()
    assert ws.image.shape == (1, 300, 300) and ws.mask.shape == (300, 300) and not ws.offer.isVisible()
    assert "scaled down 2×" in ws.source.text() and "300×300" in ws.source.text()
    assert ws.canvas.view.fit_mode and ws.canvas.view.iw == 300
    stroke(ws.canvas, [(150.5, 150.5), (160.5, 150.5)])
    assert ws.mask.missing[150, 150:160].all()
    # A decompression bomb's header: one line, the canvas untouched.
    header_only_png(tmp_path / "bomb.png", 20000, 20000)
    shown = ws.image
    assert not ws.load_png(str(tmp_path / "bomb.png"))
    assert "bomb.png" in win.last_error and "\n" not in win.last_error and ws.image is shown
    (tmp_path / "broken.png").write_bytes(b"not a png")
    assert not ws.load_png(str(tmp_path / "broken.png")) and "\n" not in win.last_error
    iio.imwrite(tmp_path / "tiny.png", np.zeros((3, 5), np.uint8))
    assert not ws.load_png(str(tmp_path / "tiny.png")) and "too small" in win.last_error
    # A file that fits is shown as it is, with the model's pixel scale and an offer to rescale.
    iio.imwrite(tmp_path / "photo.png", (rng.random((120, 200)) * 255).astype(np.uint8))
    assert ws.load_png(str(tmp_path / "photo.png"))
    assert ws.image.shape == (1, 120, 200) and ws.offer.isVisible() and not ws.offer.pending
    text = ws.offer.text.text()
    assert "source's own pixels" in text and "16×16" in text
    ws.offer.buttons[0].click()                          # ½
    assert ws.image.shape == (1, 60, 100)


def test_an_old_model_file_is_refused_in_one_line(qtbot, win, texture_model, tmp_path):
    old = tmp_path / "old16.h5"
    shutil.copy(texture_model, old)
    with h5py.File(old, "r+") as f:                      # a schema-1 file: a dense pathway tied to 16×16
        cfg = json.loads(f.attrs["config"])
        cfg["net"]["dense"] = 64
        f.attrs["config"] = json.dumps(cfg)
        f.attrs["schema_version"] = 1
    ws = win.inpaint
    with qtbot.waitSignal(win.client.jobFailed, timeout=20000):
        win.files.open_model(str(old))
    assert "older version" in win.last_error and "\n" not in win.last_error
    assert ws.ready and ws.image.shape == (1, 256, 256)  # the open model still paints
    stroke(ws.canvas, [(10.5, 10.5), (20.5, 10.5)])
    assert ws.request > 0


def test_a_stroke_goes_before_the_images_tabs_samples_which_come_back_on_show(qtbot, win, monkeypatch):
    """The worker runs one job at a time: a stroke cancels the Images tab's slow samples
    rather than wait behind them, and that tab asks again when it is shown."""
    import time

    import engine.runtime.jobs.sampling as js

    real = js.sample_progressive

    def slow(*a, **k):              # samples that take seconds, as 64 px ones do on a real model
        for s in real(*a, **k):
            time.sleep(0.3)
            yield s

    monkeypatch.setattr(js, "sample_progressive", slow)
    ws, images = win.inpaint, win.images
    jobs = []
    win.client.jobStarted.connect(lambda ev: jobs.append((ev.kind, "start")))
    win.client.jobFinished.connect(lambda ev: jobs.append((ev.kind, "cancelled" if ev.cancelled else "done")))
    images.size.setValue(24)
    qtbot.waitUntil(lambda: ("sample", "start") in jobs[-1:], timeout=20000)
    del jobs[:]
    stroke(ws.canvas, [(30.5, 30.5), (40.5, 30.5)])
    qtbot.waitUntil(lambda: ("inpaint", "done") in jobs, timeout=20000)
    assert jobs.index(("sample", "cancelled")) < jobs.index(("inpaint", "start"))
    assert images.reverse_x is None
    with qtbot.waitSignal(win.client.trajectory, timeout=60000, check_params_cb=lambda ev: ev.direction == "reverse"):
        win.tabs.setCurrentWidget(images)
    assert images.reverse_x.shape[-2:] == (24, 24)
    # Back to painting, and straight to the Images tab before the cancel has landed.
    win.tabs.setCurrentWidget(ws)
    images.size.setValue(32)
    qtbot.waitUntil(lambda: ("sample", "start") in jobs[-1:], timeout=20000)
    stroke(ws.canvas, [(30.5, 50.5), (40.5, 50.5)])
    with qtbot.waitSignal(win.client.trajectory, timeout=60000, check_params_cb=lambda ev: ev.direction == "reverse"):
        win.tabs.setCurrentWidget(images)
    assert images.reverse_x.shape[-2:] == (32, 32)

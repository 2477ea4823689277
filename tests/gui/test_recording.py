"""Recording in the GUI: the Record menu, a recording of the 2-D view while the slider
steps (decoded: frame count, size, first and last frames are the view at those t), Cancel
leaving no file, the live recorder (a run recorded as it arrives) and PNG at 2×."""
import imageio.v2 as imageio
import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from tests.gui.conftest import make_window


def decode(path):
    if str(path).endswith(".gif"):
        return iio.imread(path, index=None)[..., :3]
    return np.stack(imageio.mimread(path, format="FFMPEG", memtest=False))


def view_at(qtbot, w, t, size):
    """The 2-D view at t, grabbed as the screen shows it (an independent path from the
    recorder's renderer), scaled to `size` only if the size differs."""
    from explorer.recording.render import to_array
    w.timeline.set_t(t)
    qtbot.wait(30)
    img = w.points.view.grab().toImage()
    if (img.width(), img.height()) != size:
        img = img.scaled(*size)
    return to_array(img).astype(float)


@pytest.mark.parametrize("ext", ["gif", "mp4"])
def test_record_the_2d_view_while_the_slider_steps(qtbot, tiny_model_path, tmp_path, ext):
    w = make_window(qtbot, tiny_model_path)
    try:
        view = w.points.view
        # At the view's own (even, for H.264) size: frames are then the screen's pixels.
        w.resize(w.width() + view.width() % 2, w.height() + view.height() % 2)
        qtbot.waitUntil(lambda: view.width() % 2 == 0 and view.height() % 2 == 0, timeout=5000)
        size = (view.width(), view.height())
        from explorer.recording.plan import frame_ts
        from explorer.recording.recorder import record
        ts = frame_ts(w.state.T, "reverse", steps=5)          # T = 10: 10, 8, 5, 2, 0
        w.timeline.set_t(3)
        seen = []
        rec = record(view, w.timeline, str(tmp_path / f"rec.{ext}"), ts, 10, size,
                     on_progress=lambda done, total: seen.append((done, total)))
        done = []
        rec.finished.connect(done.append)
        qtbot.waitUntil(lambda: bool(done), timeout=30000)
        assert w.timeline.t == 3                      # the slider is back where it was
        assert seen[-1] == (5, 5)
        frames = decode(done[0])
        assert frames.shape == (5, size[1], size[0], 3)
        first, last = view_at(qtbot, w, ts[0], size), view_at(qtbot, w, ts[-1], size)
        tol = 2.0 if ext == "gif" else 5.0
        for got, want, other in ((frames[0], first, last), (frames[-1], last, first)):
            d_want, d_other = np.abs(got - want).mean(), np.abs(got - other).mean()
            # H.264 blurs a little: closer to the view at its own t by 2×, not 3×.
            assert d_want < tol and d_want < (0.3 if ext == "gif" else 0.5) * d_other, (d_want, d_other)
        assert [p.name for p in tmp_path.iterdir()] == [f"rec.{ext}"]
    finally:
        w.close()


def test_cancel_leaves_no_file_and_menu_saves_png_at_2x(qtbot, tiny_model_path, tmp_path):
    w = make_window(qtbot, tiny_model_path)
    try:
        titles = [a.text().replace("&", "") for a in w.menuBar().actions()]
        assert "Record" in titles and titles.index("Record") < titles.index("Help")
        control = w.recording.control
        from explorer.recording.dialog import Options
        path = tmp_path / "cancel.gif"
        assert control.start(Options(key="points", t_range=(0, w.state.T), fps=12, size=(320, 240)), str(path))
        assert control.progress is not None and control.progress.isVisible()
        qtbot.waitUntil(lambda: control.recorder.frames >= 2, timeout=20000)
        control.progress.cancel.click()
        qtbot.waitUntil(lambda: control.progress is None, timeout=5000)
        qtbot.wait(100)
        assert list(tmp_path.iterdir()) == []            # no file, no temporary
        # A second recording to a folder that does not exist: a banner, nothing running.
        assert not control.start(Options(key="points", t_range=(0, 5)), str(tmp_path / "no" / "x.gif"))
        assert "does not exist" in w.last_error and not control.recording
        png = tmp_path / "view.png"
        assert control.save_png(str(png), key="points")
        h, wd = iio.imread(png).shape[:2]
        assert (wd, h) == (2 * w.points.view.width(), 2 * w.points.view.height())
    finally:
        w.close()


class FakeRun(QObject):
    frame = Signal(object)
    result = Signal(object)


class Ev:
    def __init__(self, t, phase="full", T=6):
        self.t, self.phase, self.T = t, phase, T


def test_live_recorder_records_a_run_as_it_arrives(qtbot, tmp_path):
    """A frame per progressive frame drawn, then the final result; a preview result does
    not end it; the label's text at each frame is what the file shows."""
    from explorer.recording.recorder import LiveRecorder
    label = QLabel("start")
    label.resize(120, 60)
    label.setStyleSheet("background: black; color: white; font-size: 30px")
    qtbot.addWidget(label)
    run = FakeRun()
    done = []

    def start_run():
        for t in (6, 4, 2):
            label.setText("█" * (7 - t))
            run.frame.emit(Ev(t))
        label.setText("█" * 6)
        run.result.emit(Ev(0, "preview"))
        label.setText("")
        run.result.emit(Ev(0, "full"))
    rec = LiveRecorder(label, run.frame, run.result, is_final=lambda ev: ev.phase == "full", start_run=start_run,
                       path=str(tmp_path / "run.gif"), fps=5, size=(120, 60), step_of=lambda ev: (ev.T - ev.t, ev.T))
    rec.finished.connect(done.append)
    rec.start()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    frames = decode(done[0])
    assert frames.shape == (5, 60, 120, 3)
    ink = frames.mean(axis=(1, 2, 3))
    assert ink[0] < ink[1] < ink[2] < ink[3] and ink[-1] < ink[0]     # more bars, then blank
    run.frame.emit(Ev(1))                                         # after the end: nothing more
    assert rec.frames == 5


def test_live_recorder_that_cannot_start_leaves_nothing(qtbot, tmp_path):
    from explorer.recording.recorder import LiveRecorder
    from explorer.recording.writer import WriterError
    label = QLabel("x")
    qtbot.addWidget(label)
    run = FakeRun()
    rec = LiveRecorder(label, run.frame, run.result, is_final=lambda ev: True, start_run=lambda: False,
                       path=str(tmp_path / "none.mp4"), fps=5, size=(64, 64))
    with pytest.raises(WriterError, match="did not start"):
        rec.start()
    assert list(tmp_path.iterdir()) == []

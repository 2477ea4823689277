"""Training through the worker from the window: curves update, pause cancels quickly,
drawn data trains, and closing mid-training ends the worker within 2 s."""
import time

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from .conftest import make_window, tiny_training


def test_training_updates_curves_and_pause_cancels(window, qtbot):
    tiny_training(window, steps=60)
    with qtbot.waitSignal(window.client.jobFinished, timeout=30000,
                          check_params_cb=lambda ev: ev.kind == "train") as done:
        window.training_panel.start.click()
    assert not done.args[0].cancelled
    plots = window.training_panel.plots
    assert len(plots.loss_x) >= 3 and plots.loss_x[-1] == 60
    assert len(plots.bound_y) >= 2 and np.isfinite(plots.bound_y).all()
    assert plots.kl is not None and len(plots.kl) == 10
    assert window.state.reverse is not None and window.state.T == 10
    # Resume a long run, then pause: the job ends cancelled, fast, and can resume.
    window.training_panel.steps.setValue(100000)
    with qtbot.waitSignal(window.client.trainProgress, timeout=10000):
        window.training_panel.resume.click()
    t0 = time.perf_counter()
    with qtbot.waitSignal(window.client.jobFinished, timeout=3000,
                          check_params_cb=lambda ev: ev.kind == "train") as paused:
        window.training_panel.pause.click()
    assert paused.args[0].cancelled and time.perf_counter() - t0 < 2.0
    assert window.training_panel.mode == "paused" and window.training_panel.resume.isEnabled()


def _drag(qtbot, widget, points):
    """A real left-button drag (pyqtgraph drops moves faster than 100 Hz, so pace them)."""
    vp = widget.viewport()
    def send(kind, p, buttons):
        ev = QMouseEvent(kind, QPointF(*p), vp.mapToGlobal(QPointF(*p)), Qt.LeftButton, buttons, Qt.NoModifier)
        QApplication.sendEvent(vp, ev)
    send(QEvent.MouseButtonPress, points[0], Qt.LeftButton)
    for p in points[1:]:
        qtbot.wait(12)
        send(QEvent.MouseMove, p, Qt.LeftButton)
    send(QEvent.MouseButtonRelease, points[-1], Qt.NoButton)


def test_drawn_points_make_a_data_set_training_can_use(window, qtbot):
    panel = window.data_panel
    panel.draw.click()
    panel.clear.click()
    canvas = panel.canvas
    w, h = canvas.viewport().width(), canvas.viewport().height()
    path = [(w * (0.2 + 0.6 * f), h * (0.5 + 0.3 * np.sin(6 * f))) for f in np.linspace(0, 1, 25)]
    _drag(qtbot, canvas, path)
    assert len(canvas.drawn) >= 100
    assert window.state.data.name == "drawn" and len(window.state.data.points) == len(canvas.drawn)
    assert np.ptp(window.state.data.points[:, 0]) > 2.0      # spread along the stroke
    tiny_training(window, steps=30, n=400)
    failed = []
    window.client.jobFailed.connect(failed.append)
    with qtbot.waitSignal(window.client.jobFinished, timeout=30000,
                          check_params_cb=lambda ev: ev.kind == "train") as done:
        window.training_panel.start.click()
    assert not failed and not done.args[0].cancelled
    assert window.state.model.config["data"] == "drawn"
    qtbot.waitUntil(lambda: window.state.forward is not None, timeout=10000)
    assert window.state.forward.shape[1] == len(canvas.drawn)


def test_close_mid_training_exits_within_2s(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path)
    tiny_training(w, steps=100000)
    with qtbot.waitSignal(w.client.trainProgress, timeout=15000):
        w.training_panel.start.click()
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 2.0
    assert not w.client.is_alive()

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
    assert window.points.state.reverse is not None and window.state.T == 10
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
    qtbot.waitUntil(lambda: window.points.state.forward is not None, timeout=10000)
    assert window.points.state.forward.shape[1] == len(canvas.drawn)


def test_close_mid_training_exits_within_2s(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path)
    tiny_training(w, steps=100000)
    with qtbot.waitSignal(w.client.trainProgress, timeout=15000):
        w.training_panel.start.click()
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 2.0
    assert not w.client.is_alive()


def test_start_new_on_untouched_panels_sends_the_presets(qtbot, monkeypatch, tmp_path):
    """The GUI has no defaults of its own: with nothing touched, Start sends exactly
    engine.presets' model and training settings for the chosen data set (the run's
    monitoring cadence aside), for a 2-D, an image and a binary set."""
    from dataclasses import replace

    import explorer.main_window as mw
    from engine.runtime import protocol as m
    from engine.presets import model_defaults, train_defaults
    from explorer import settings

    settings.settings().clear()                          # no choices left by other tests
    monkeypatch.setattr(mw, "DEFAULT_MODEL", tmp_path / "missing.h5")
    w = make_window(qtbot, None, wait_for_model=False)
    sent = []
    w.client.submit = sent.append                        # record the commands; train nothing
    try:
        def started(kind):
            sent.clear()
            w.training_panel.start.click()
            cmds = [c for c in sent if isinstance(c, kind)]
            assert len(cmds) == 1
            w.training.on_failed(m.JobFailed(kind="train"))   # as if the run ended: Start again
            return cmds[0]

        def same_training(config, name):
            want = train_defaults(name)
            assert config.eval_every == max(config.steps // (6 if name == "digits" else 12), 10)
            assert replace(config, eval_every=want.eval_every, report_every=want.report_every) == want

        assert w.data_panel.selected == "swissroll"
        cmd = started(m.Train)
        noise = w.data_panel.noise.value()
        assert cmd.model_config == replace(model_defaults("swissroll"), data_args={"noise": noise}, shape=(2,))
        same_training(cmd.config, "swissroll")
        for name in ("digits", "heartbeat"):
            w.data_panel.name.setCurrentText(name)       # the data set, not a setting of the model
            cmd = started(m.TrainNamed)
            assert cmd.name == name and cmd.model_config == model_defaults(name)
            same_training(cmd.config, name)
    finally:
        w.close()

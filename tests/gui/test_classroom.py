"""Issue 12, in front of a class: the window fits a 1280×720 projector with every dock and
never grows by itself; opening a model shows THAT model at once (even while the entropy job
runs); another 2-D data set is shown in its own shape, never as a blob in the old model's
scaling; the next model's settings are the data set's presets unless changed; an unsaved
model is not lost without a question; a drawn circle stays a circle."""
import re
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtWidgets import QLabel, QWidget

from .conftest import answer_next_question, make_window, tiny_training

PROJECTOR = (1280, 720)


def _inside(w, widget) -> bool:
    r = QRect(widget.mapTo(w, QPoint(0, 0)), QWidget.size(widget))
    return w.rect().contains(r)


def test_window_fits_a_projector_with_every_dock_inside(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path, size=PROJECTOR)
    try:
        qtbot.wait(200)
        hint = w.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 700         # fits a small laptop too
        assert (w.width(), w.height()) == PROJECTOR
        for dock in (w.entropy_dock, w.schedule_dock):                # tabbed: each in turn
            dock.raise_()
            qtbot.wait(100)
            for key, d in w.docks.items():
                if not d.isVisible() or d.visibleRegion().isEmpty():
                    continue
                page = d.widget()
                # The panel fits its dock: nothing is scrolled out of sight...
                assert page.widget().width() <= page.viewport().width() + 1, key
                assert page.widget().height() <= page.viewport().height() + 1, key
                # ...and every widget of it lies inside the window.
                for child in page.widget().findChildren(QWidget):
                    if child.isVisible():
                        assert _inside(w, child), (key, type(child).__name__, child.geometry())
        # Text that changes never moves the layout: the step's labels keep their height.
        heights = (w.timeline.label.height(), w.timeline.equation.height(), w.timeline.height())
        for t in (0, 3, 10):
            w.timeline.set_t(t)
            qtbot.wait(30)
            assert (w.timeline.label.height(), w.timeline.equation.height(), w.timeline.height()) == heights
        w.set_engine_text("a very long job name " * 10)
        qtbot.wait(50)
        assert (w.width(), w.height()) == PROJECTOR
    finally:
        w.close()


def test_every_tab_fits_a_projector_with_the_docks_open(qtbot, tiny_digits_path):
    """Each workspace's own row of controls and views fits its page at 1280×720: nothing
    scrolled out of sight or clipped at the right (the Images tab's source text was)."""
    w = make_window(qtbot, tiny_digits_path, wait_for_model=False, size=PROJECTOR)
    try:
        qtbot.waitUntil(lambda: bool(w.images.source_text), timeout=30000)
        assert w.images.source_text.startswith("held-out #")
        for i in range(w.tabs.count()):
            w.tabs.setCurrentIndex(i)
            qtbot.wait(100)
            page = w.tabs.page(i)
            assert page.widget().width() <= page.viewport().width() + 1, w.tabs.tabText(i)
            for child in page.widget().findChildren(QWidget):
                if child.isVisible() and child.width() > 0:
                    assert _inside(w, child), (w.tabs.tabText(i), type(child).__name__, child.geometry())
                    if type(child) is QLabel and not child.wordWrap() and child.text():   # not cut off
                        assert child.width() >= child.sizeHint().width() - 2, (w.tabs.tabText(i), child.text())
        assert (w.width(), w.height()) == PROJECTOR
    finally:
        w.close()


def test_narrow_window_elides_the_step_equation(qtbot, tiny_model_path):
    w = make_window(qtbot, tiny_model_path, size=(1024, 700))
    try:
        w.timeline.set_t(7)
        qtbot.wait(100)
        eq = w.timeline.equation
        assert (w.width(), w.height()) == (1024, 700)
        assert _inside(w, eq) and eq.width() < 1024
        assert "q(x<sub>7</sub>" in eq.text() and "p(x<sub>6</sub>" in eq.full_text()
    finally:
        w.close()


def test_window_size_unchanged_after_opening_a_png_and_denoising(qtbot, tiny_digits_path, tmp_path):
    import imageio.v3 as iio
    w = make_window(qtbot, tiny_digits_path, wait_for_model=False, size=PROJECTOR)
    try:
        qtbot.waitUntil(lambda: w.inpaint.ready, timeout=20000)
        w.tabs.setCurrentWidget(w.inpaint)
        png = tmp_path / ("a_photograph_with_a_rather_long_file_name_from_a_camera_" * 2 + ".png")
        iio.imwrite(png, (np.random.default_rng(0).random((60, 90)) * 255).astype(np.uint8))
        assert w.inpaint.load_png(str(png))
        with qtbot.waitSignal(w.client.jobFinished, timeout=20000, check_params_cb=lambda ev: ev.kind == "denoise"):
            w.inpaint.set_task("denoise")
        qtbot.wait(300)
        assert (w.width(), w.height()) == PROJECTOR
        assert w.images.load_image(str(png))
        w.tabs.setCurrentWidget(w.images)
        qtbot.wait(300)
        assert (w.width(), w.height()) == PROJECTOR
    finally:
        w.close()


def _slow_entropy(monkeypatch):
    """The entropy job as slow as a real image model's (seconds), with its checkpoints."""
    from engine.runtime.jobs import paper
    real = paper.model_entropy_steps

    def slow(model, x0, seed=0):
        for eb in real(model, x0, seed):
            for _ in range(40):
                time.sleep(0.02)
                yield eb
    monkeypatch.setattr(paper, "model_entropy_steps", slow)


def test_an_opened_image_model_is_shown_within_2s_while_the_entropy_job_runs(qtbot, monkeypatch, tiny_model_path,
                                                                             tiny_digits_path):
    _slow_entropy(monkeypatch)
    w = make_window(qtbot, tiny_model_path)
    try:
        w.entropy_dock.raise_()                       # on screen: its curve is asked for
        qtbot.waitUntil(lambda: w.client.is_running("entropy"), timeout=10000)
        assert "bits/point" in w.training_panel.progress.text() or "K" in w.training_panel.progress.text()
        t0 = time.perf_counter()
        log = []
        w.client.event.connect(lambda ev: log.append((round(time.perf_counter() - t0, 2), type(ev).__name__,
                                                      getattr(ev, "kind", ""), getattr(ev, "direction", ""))))
        w.files.open_model(str(tiny_digits_path))
        qtbot.waitUntil(lambda: w.state.model.kind == "image", timeout=2000)
        qtbot.wait(1)
        k = w.training_panel.progress.text()
        # K is this model's at once (the one stored with it), never the 2-D model's.
        assert "bits/pixel" in k and "bits/point" not in k and "digits" in k
        qtbot.waitUntil(lambda: w.images.forward.frames is not None, timeout=max(1, int(2000 - 1000 *
                                                                                     (time.perf_counter() - t0))))
        assert time.perf_counter() - t0 < 2.5
        assert w.client.busy                          # the entropy curve is still to come
        assert w.tabs.currentWidget() is w.images
    finally:
        w.close()


def test_another_2d_set_is_shown_in_its_own_shape_beside_the_models_k(qtbot, window):
    got = []
    window.client.trajectory.connect(lambda ev: ev.direction == "forward" and got.append(ev.x))
    # The model's own fresh evaluation first: K must then stay put when the data set changes.
    qtbot.waitUntil(lambda: "evaluating" not in window.training_panel.progress.text(), timeout=20000)
    k_before = window.training_panel.progress.text()
    assert re.search(r"K = -?\d\.\d{3} ± \d\.\d{3} bits/point", k_before)     # with its standard error
    window.data_panel.name.setCurrentText("moons")
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    x0 = got[-1][0]
    # Not a blob at the origin in the Swiss roll's scaling: about unit spread, one factor
    # for both axes (moons is twice as wide as it is high, and stays so).
    assert 0.5 < np.sqrt((x0 ** 2).sum(1).mean() / 2) < 2.0
    assert 1.4 < x0[:, 0].std() / x0[:, 1].std() < 2.6
    assert "not the open model's data" in window.points.caption.full_text()
    assert window.training_panel.progress.text() == k_before and "swissroll" in k_before
    assert window.state.data.name == "moons" and window.state.model.config["data"] == "swissroll"


def test_a_drawn_circle_keeps_its_aspect_ratio(qtbot, tmp_path, monkeypatch):
    """A circle beside a far cluster: x and y are standardised by very different stds."""
    from engine.io.storage import save_model
    from engine.model import DiffusionModel, ModelConfig
    a = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    far = [8, 0] + 0.1 * np.random.default_rng(0).standard_normal((400, 2))
    pts = np.vstack([np.stack([np.cos(a), np.sin(a)], 1), far])
    np.savetxt(tmp_path / "circle.csv", pts, delimiter=",")
    cfg = ModelConfig(T=10, schedule="snr", beta1=1e-3, shape=(2,), data="file:circle.csv",
                      net={"kind": "mlp", "hidden": 16, "layers": 2, "J": 4})
    save_model(DiffusionModel(cfg, pts.mean(0), pts.std(0)), tmp_path / "circle.h5")
    import explorer.main_window as mw
    monkeypatch.setattr(mw, "DEFAULT_MODEL", tmp_path / "none.h5")
    w = make_window(qtbot, None, wait_for_model=False)
    try:
        w.data_panel.name.setCurrentText("moons")        # the file is loaded, then another set chosen
        assert w.data_panel.load_file(str(tmp_path / "circle.csv"))
        w.data_panel.name.setCurrentText("moons")
        w.files.open_model(str(tmp_path / "circle.h5"))       # shows the file it was trained on
        qtbot.waitUntil(lambda: w.points.state.forward is not None, timeout=20000)
        w.timeline.set_t(0)
        qtbot.wait(100)
        vb = w.points.view.panels["forward"].vb
        x0, m = w.points.state.forward[0], w.state.model
        circle = x0[np.hypot(*(x0 * m.data_std + m.data_mean).T) < 1.5]     # (the engine may reorder points)
        assert len(circle) == 400
        px = np.array([[p.x(), p.y()] for p in (vb.mapViewToScene(QPointF(*xy)) for xy in circle)])
        width, height = np.ptp(px[:, 0]), np.ptp(px[:, 1])
        assert width > 10 and abs(width / height - 1) < 0.03
    finally:
        w.close()


def test_a_new_models_settings_are_the_data_sets_presets_unless_changed(qtbot, tiny_digits_path):
    from engine.presets import model_defaults, train_defaults
    w = make_window(qtbot, tiny_digits_path, wait_for_model=False)
    try:
        qtbot.waitUntil(lambda: w.state.model.kind == "image", timeout=20000)
        # The open model's T = 8 is not the next model's: the Data dock's set's presets are.
        assert w.data_panel.selected == "digits" and w.schedule_panel.T.value() == model_defaults("digits").T
        w.data_panel.name.setCurrentText("moons")
        assert w.schedule_panel.T.value() == model_defaults("moons").T
        assert w.training_panel.steps.value() == train_defaults("moons").steps
        summary = w.training_panel.next_model.text()
        assert "moons" in summary and f"T {model_defaults('moons').T}" in summary and "presets" in summary
        w.training_panel.steps.setValue(77)                 # the user's own value...
        assert "<b>steps 77</b>" in w.training_panel.next_model.text()
        w.data_panel.name.setCurrentText("circles")         # ...kept for another 2-D set
        assert w.training_panel.steps.value() == 77
        w.data_panel.name.setCurrentText("digits")          # images have their own
        assert w.training_panel.steps.value() == train_defaults("digits").steps
        w.data_panel.name.setCurrentText("moons")
        w.training_panel.reset_presets.click()
        assert w.training_panel.steps.value() == train_defaults("moons").steps
        sent = []
        w.client.submit = sent.append
        w.training_panel.start.click()
        cmd = sent[-1]
        assert cmd.model_config.T == model_defaults("moons").T and cmd.model_config.data == "moons"
    finally:
        w.close()


def test_the_unsaved_guard_asks_before_a_trained_model_is_replaced_or_lost(qtbot, window, tiny_model_path):
    from explorer import settings
    from explorer.shell.unsaved_guard import ASK_KEY
    tiny_training(window, steps=30)
    with qtbot.waitSignal(window.client.jobFinished, timeout=30000, check_params_cb=lambda ev: ev.kind == "train"):
        window.training_panel.start.click()
    qtbot.waitUntil(lambda: window.guard.unsaved, timeout=5000)
    settings.set_flag(ASK_KEY, True)
    trained = window.state.model.model_id
    asked = answer_next_question(qtbot, window.guard, "Cancel")
    assert not window.files.open_model(str(tiny_model_path))         # kept
    assert asked and "not been saved" in asked[0]
    qtbot.wait(300)
    assert window.state.model.model_id == trained
    # Closing asks too; Cancel keeps the window open.
    asked = answer_next_question(qtbot, window.guard, "Cancel")
    assert not window.close() and asked and window.isVisible()
    # Discard, and don't ask again: the model is replaced and the choice is kept.
    answer_next_question(qtbot, window.guard, "Discard", never=True)
    assert window.files.open_model(str(tiny_model_path))
    qtbot.waitUntil(lambda: window.state.model.model_id != trained, timeout=10000)
    assert not settings.flag(ASK_KEY, True) and not window.guard.unsaved


def test_closing_during_training_asks(qtbot, tiny_model_path):
    from explorer import settings
    from explorer.shell.unsaved_guard import ASK_KEY
    w = make_window(qtbot, tiny_model_path)
    tiny_training(w, steps=100000)
    with qtbot.waitSignal(w.client.trainProgress, timeout=15000):
        w.training_panel.start.click()
    settings.set_flag(ASK_KEY, True)
    asked = answer_next_question(qtbot, w.guard, "Cancel")
    assert not w.close() and "training" in asked[0] and w.client.is_running("train")
    answer_next_question(qtbot, w.guard, "Continue")
    assert w.close() and not w.client.is_alive()


def test_menus_read_file_view_help_and_help_names_the_paper(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[:2] == ["File", "View"] and titles[-1] == "Help" and "Figures" in titles
    rows = dict((v, k) for k, v in window.help.shortcut_rows())
    assert rows["Full screen"] == "F11" and rows["Resample"] == "Ctrl+R" and "Space" in [k for k, _ in
                                                                                        window.help.shortcut_rows()]
    window.help.show_about()
    text = window.help.text.text()
    assert "Sohl-Dickstein" in text and "Nonequilibrium Thermodynamics" in text
    window.help.dialog.close()


def test_presentation_mode_light_theme_and_full_screen(qtbot, window):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from explorer import theme
    app = QApplication.instance()
    size = app.font().pointSizeF()
    try:
        window.views.presentation.setChecked(True)
        assert app.font().pointSizeF() == pytest.approx(size * theme.PRESENTATION_SCALE)
        assert window.isFullScreen() and window.views.full_screen.isChecked()
        window.views.full_screen.trigger()                # F11 leaves full screen
        assert not window.isFullScreen()
        window.views.light.setChecked(True)
        assert app.palette().color(QPalette.Window).lightness() > 200
        assert window.points.view.backgroundBrush().color().lightness() > 200
    finally:
        window.views.light.setChecked(False)
        window.views.presentation.setChecked(False)
    assert app.font().pointSizeF() == pytest.approx(size)
    assert app.palette().color(QPalette.Window).lightness() < 80


def test_file_dialogs_open_where_the_last_one_was(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    starts = []
    (tmp_path / "models").mkdir()

    def fake(parent, caption, start, filter):
        starts.append(start)
        return str(tmp_path / "models" / "m.h5"), filter
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    monkeypatch.setattr(window.files, "save_model", lambda path: True)
    window.files.save_dialog()
    window.files.save_dialog()
    assert str(tmp_path / "models") in starts[1] and str(tmp_path / "models") not in starts[0]


def test_a_big_lasso_draws_faint_capped_paths_and_drift_on_top(qtbot, window):
    from explorer.workspaces.points.trajectory_plot import MAX_PATHS
    ws = window.points
    window.timeline.set_t(5)
    ws.select("reverse", np.arange(150), False)
    panel = ws.view.panels["reverse"]
    assert panel.paths_drawn == MAX_PATHS < 150
    assert panel.paths.opts["pen"].color().alpha() < 128
    ws.select("reverse", [3], False)
    assert panel.paths.opts["pen"].color().alpha() == 255
    ws.act_drift.setChecked(True)
    qtbot.waitUntil(lambda: panel.drift.getData()[0] is not None and len(panel.drift.getData()[0]) > 0,
                    timeout=10000)
    assert panel.drift.zValue() > panel.scatter.zValue() and panel.drift.zValue() > panel.paths.zValue()
    assert "×" in panel.drift_key.text and "longest" in panel.drift_key.text

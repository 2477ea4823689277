"""Compare runs in the window: two models on one slider, each view showing its own
trajectory[t] (checked against the trajectory events each model got), both models' bounds,
per-step KL and schedules in the docks' plots, a variant trained with T changed, and the
comparison ending cleanly when it is closed or the open model changes."""
import numpy as np
import pytest

from engine.runtime import protocol as m
from explorer.compare.state import map_t

from tests.tiny_models import train_tiny_vectors

from .conftest import make_window


@pytest.fixture(scope="session")
def other_path(tmp_path_factory):
    """A second tiny Swiss roll model, T = 6 with a linear schedule (the window's has T = 10)."""
    return train_tiny_vectors(tmp_path_factory.mktemp("compare") / "other.h5", "swissroll", 2000, seed=1, T=6,
                              schedule="linear", beta1=1e-3, net={"kind": "mlp", "hidden": 24, "layers": 2, "J": 4},
                              train={"steps": 60, "batch": 256, "eval_every": 30, "eval_points": 300})


def _record(w):
    got = {"main": {}, "compare": {}}

    def keep(ev):
        if isinstance(ev, m.Trajectory) and ev.model_id == w.state.model.model_id:
            got["main"][ev.direction] = ev.x
        elif isinstance(ev, m.CompareTrajectory) and ev.compare_id == w.compare.cs.compare_id:
            got["compare"][ev.direction] = ev.x
    w.client.event.connect(keep)
    return got


def _settled(w, got):
    cs, s = w.compare.cs, w.points.state
    return (cs.open and cs.forward is not None and cs.reverse is not None and cs.report is not None
            and s.forward is not None and s.reverse is not None and not w.client.busy
            and cs.same_noise(s.reverse) and set(got["compare"]) == {"forward", "reverse"})


def test_two_models_follow_one_slider(qtbot, window, other_path):
    w = window
    got = _record(w)
    got["main"] = {"forward": w.points.state.forward, "reverse": w.points.state.reverse}
    w.compare.open(str(other_path))
    qtbot.waitUntil(lambda: _settled(w, got), timeout=30000)
    cs = w.compare.cs
    assert w.state.T == 10 and cs.T == 6
    np.testing.assert_array_equal(got["main"]["reverse"][10], got["compare"]["reverse"][6])   # same x_T
    for t in (0, 3, 7, 10):
        w.timeline.set_t(t)
        qtbot.wait(5)
        tc = map_t(t, 10, 6)
        assert tc == round(t * 6 / 10)
        for d in ("forward", "reverse"):
            np.testing.assert_array_equal(w.points.view.scatter(d).xy, got["main"][d][t])
            np.testing.assert_array_equal(w.compare.frame_shown(d), got["compare"][d][tc])
        assert not np.array_equal(w.compare.frame_shown("reverse"), w.points.view.scatter("reverse").xy) or t == 10
    assert "t′ = round(t·T′/T)" in w.compare.caption.full_text()
    assert "same noise seed" in w.compare.caption.full_text()
    # The docks: two bounds, two per-step KLs, two schedules, a legend naming each model.
    ov, tp, sp = w.compare.overlay, w.training_panel.plots, w.schedule_panel.plot
    assert len(tp.bound_curve.getData()[0]) >= 1 and len(ov.bound_curve.getData()[0]) == 2   # its history
    qtbot.waitUntil(lambda: tp.kl is not None and len(tp.kl) == 10, timeout=10000)
    x, y = ov.kl_curve.getData()
    np.testing.assert_allclose(x, np.arange(1, 7) * 10 / 6)        # t' drawn at the same fraction of T
    np.testing.assert_allclose(y, cs.report["per_step_kl_bits"])
    assert len(sp.curves["beta"].getData()[0]) == 10 and len(ov.beta_curve.getData()[0]) == 6
    np.testing.assert_allclose(ov.beta_curve.yData, cs.arrays["beta"][1:])   # (getData: log values)
    for legend in ov.legends:
        names = [label.text for _, label in legend.items]
        assert names[0] == "tiny" and names[1].startswith("other")
    assert any("other" in label.text for _, label in sp.legend.items)
    # Selecting forward points traces the same data points in the comparison.
    w.points.select("forward", np.array([1, 5]))
    w.compare.redraw()
    assert w.compare.panels.panels["forward"].paths_drawn == 2
    # Resample draws a new seed for the open model; the comparison follows with it.
    old_main, old_compare = got["main"]["reverse"], got["compare"]["reverse"]
    w.points.resample()
    qtbot.waitUntil(lambda: got["main"]["reverse"] is not old_main and got["compare"]["reverse"] is not old_compare
                    and _settled(w, got), timeout=20000)
    assert not np.array_equal(old_main[10], got["main"]["reverse"][10])
    np.testing.assert_array_equal(got["main"]["reverse"][10], got["compare"]["reverse"][6])
    # Closing returns the views to normal.
    w.compare.close()
    assert not w.compare.panels.shown and w.compare.frame_shown("forward") is None
    assert ov.bound_curve not in tp.bound_plot.items and ov.kl_curve not in tp.kl_plot.items
    assert [label.text for _, label in sp.legend.items] == ["β<sub>t</sub>", "ᾱ<sub>t</sub>", "SNR<sub>t</sub>"]
    assert not w.compare.caption.isVisible()
    qtbot.waitUntil(lambda: not w.client.busy, timeout=10000)
    assert w.client._worker.state.compare is None
    w.timeline.set_t(4)                    # the slider still drives the open model alone
    np.testing.assert_array_equal(w.points.view.scatter("forward").xy, got["main"]["forward"][4])


def test_train_a_variant_with_T_changed(qtbot, window):
    w = window
    main_id, title = w.state.model.model_id, w.windowTitle()
    w.training_panel.batch.setValue(128)
    dlg = w.compare.variant_dialog()
    assert dlg.current["T"] == 10 and dlg.radios["T"].isChecked()
    assert not dlg.buttons.button(dlg.buttons.StandardButton.Ok).isEnabled()   # nothing changed yet
    dlg.choose("T", 6)
    dlg.steps.setValue(40)
    assert dlg.changes() == {"T": 6}
    dlg.accept()
    assert w.compare.act_cancel.isEnabled() and "training a variant (T = 6)" in w.compare.caption.full_text()
    got = _record(w)
    qtbot.waitUntil(lambda: w.compare.cs.open and _settled(w, got), timeout=60000)
    cs = w.compare.cs
    assert cs.T == 6 and cs.changes == {"T": 6} and cs.name == "variant (T = 6)"
    assert cs.history["step"][-1] == 40
    # The open model is untouched and nothing asks to save it.
    assert w.state.model.model_id == main_id and w.state.T == 10 and w.windowTitle() == title
    assert not w.guard.unsaved and w.training_panel.mode == "idle"
    assert w.client._worker.state.model.step == 200 and w.client._worker.state.compare.step == 40
    w.timeline.set_t(5)
    np.testing.assert_array_equal(w.compare.frame_shown("reverse"), got["compare"]["reverse"][3])


def test_new_open_model_ends_the_comparison_and_other_kinds_are_refused(qtbot, window, other_path,
                                                                        tiny_digits_path):
    w = window
    w.compare.open(str(other_path))
    qtbot.waitUntil(lambda: w.compare.cs.open and w.compare.panels.shown, timeout=20000)
    for i in range(w.tabs.count()):         # switching tabs never breaks the comparison
        w.tabs.setCurrentIndex(i)
    w.tabs.setCurrentWidget(w.points)
    got = _record(w)
    w.data_panel.n.setValue(300)
    w.data_panel.choose("moons")            # new data: both models diffuse them
    # (a forward run of the old 400 points may still be on its way: wait for the new data's)
    qtbot.waitUntil(lambda: all("forward" in got[side] and got[side]["forward"].shape[1] == 300
                                for side in ("compare", "main")), timeout=20000)
    assert got["compare"]["forward"].shape == (7, 300, 2) and got["main"]["forward"].shape == (11, 300, 2)
    qtbot.waitUntil(lambda: w.compare.cs.forward is got["compare"]["forward"], timeout=5000)
    w.timeline.set_t(2)
    np.testing.assert_array_equal(w.compare.frame_shown("forward"), got["compare"]["forward"][1])
    old = w.state.model.model_id
    w.files.open_model(str(other_path), ask=False)
    qtbot.waitUntil(lambda: w.state.model.model_id != old, timeout=20000)
    assert not w.compare.cs.open and not w.compare.panels.shown and not w.compare.overlay.shown
    w.files.open_model(str(tiny_digits_path), ask=False)
    qtbot.waitUntil(lambda: w.state.model.kind == "image", timeout=20000)
    w.compare.open(str(other_path))
    assert w.last_error == "Compare runs works with 2-D point models; the open model is an image model"
    assert w.compare.variant_dialog() is None
    qtbot.waitUntil(lambda: not w.client.busy, timeout=10000)
    assert w.client._worker.state.compare is None


def test_a_comparison_needs_a_model_of_the_same_kind(qtbot, other_path, tiny_digits_path):
    w = make_window(qtbot, other_path)
    try:
        w.compare.open(str(tiny_digits_path))
        qtbot.waitUntil(lambda: "compare_open failed" in w.last_error, timeout=20000)
        assert w.last_error.endswith("Compare runs works with 2-D point models; digits8.h5 is an image model")
        assert not w.compare.cs.open and not w.compare.panels.shown
    finally:
        w.close()

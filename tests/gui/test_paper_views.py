"""The rest of the paper in the window: the binary workspace follows the slider, AIS
estimates appear beside K while training, the entropy-bounds view holds the learned
reverse entropy between its bounds, and a learned β redraws live."""
import numpy as np
import pytest

from engine.runtime import protocol as m

from tests.tiny_models import train_tiny_vectors

from .conftest import make_window, tiny_training


@pytest.fixture(scope="module")
def tiny_binary_path(tmp_path_factory):
    """A binomial heartbeat model at T = 20, trained for a few seconds."""
    return train_tiny_vectors(tmp_path_factory.mktemp("binary") / "tiny_heartbeat.h5", "heartbeat", 2000, 0, 500,
                              family="binomial", T=20,
                              net={"kind": "mlp", "hidden": 32, "layers": 2, "J": 4, "time_input": True},
                              train={"steps": 150, "batch": 256, "eval_every": 150, "eval_points": 500})


def test_binary_model_opens_in_its_tab_and_rasters_follow_the_slider(qtbot, tiny_binary_path):
    w = make_window(qtbot, tiny_binary_path, wait_for_model=False)
    try:
        b = w.binary
        qtbot.waitUntil(lambda: b.forward is not None and b.reverse is not None and b.bound is not None,
                        timeout=30000)
        assert w.tabs.currentWidget() is b and w.state.model.kind == "binary"
        assert b.forward.shape == (21, 64, 20) and b.reverse.shape == (21, 64, 20)
        # Forward from held-out heartbeats: one pulse every fifth bit at t = 0.
        assert (b.forward[0].sum(1) == 4).all()
        for t in (7, 0, 20):
            w.timeline.set_t(t)
            assert np.array_equal(b.raster.frames["forward"], b.forward[t])
            assert np.array_equal(b.raster.frames["reverse"], b.reverse[t])
        # The third panel is the belief given the x_t beside it, and says so (issue 12: at
        # t = 100 it said "| x₁₀₁"): x0_pred[s] was predicted from x_{s+1}.
        for t in (3, 20):
            w.timeline.set_t(t)
            assert np.allclose(b.raster.frames["belief"], np.nan_to_num(b.reverse_p[t - 1], nan=0.5))
            assert f"x<sub>{t}</sub>)" in b.raster.plots["belief"].titleLabel.text
        w.timeline.set_t(0)                         # x₀ is its own prediction: the bits
        assert np.array_equal(b.raster.frames["belief"], b.reverse[0])
        # The held-out bound is shown beside the paper's figures, and the KL bars fill.
        assert "K = " in b.bound_label.text() and "-2.414" in b.bound_label.text()
        assert np.isfinite(b.bound["K_bits"]) and b.bound["K_bits"] < 0
        qtbot.waitUntil(lambda: w.training_panel.plots.kl is not None, timeout=10000)
        assert len(w.training_panel.plots.kl) == 20
        # New samples on request.
        old = b.reverse
        with qtbot.waitSignal(w.client.trajectory, timeout=10000):
            b.sample.click()
        assert b.reverse is not old and b.reverse.shape == old.shape
    finally:
        w.close()


def test_training_sends_ais_estimates_that_appear_beside_k(window, qtbot):
    got = []
    window.client.event.connect(lambda ev: got.append(ev) if isinstance(ev, m.AisEstimate) else None)
    tiny_training(window, steps=60)
    with qtbot.waitSignal(window.client.jobFinished, timeout=30000, check_params_cb=lambda ev: ev.kind == "train"):
        window.training_panel.start.click()
    assert got, "no AIS estimate arrived during training"
    last = got[-1]
    assert last.step == 60 and np.isfinite(last.ais_bits) and last.ais_stderr_bits > 0
    assert last.points > 0 and last.trajectories > 0
    overlay = window.training.ais
    assert overlay.x == [ev.step for ev in got] and np.allclose(overlay.y, [ev.ais_bits for ev in got])
    xs, ys = overlay.curve.getData()
    assert len(xs) == len(got) and np.isclose(ys[-1], last.ais_bits)
    # AIS estimates log p itself: not below the bound on the same points (beyond noise).
    assert last.ais_bits > last.bound_bits - 3 * last.ais_stderr_bits


def test_entropy_view_shows_the_model_within_its_bounds(window, qtbot):
    ent = window.entropy_plot
    window.entropy_dock.raise_()
    qtbot.waitUntil(lambda: ent.data is not None and ent.data["model"] is not None, timeout=15000)
    d = ent.data
    assert len(d["t"]) == window.state.T - 1 and (d["lower"] <= d["upper"] + 1e-12).all()
    # f_Σ interpolates between the bounds but may leave them slightly where they pinch.
    assert ent.fraction_inside(tol=0.25) == 1.0
    window.timeline.set_t(4)
    assert ent.marker.value() == 4


def test_learn_beta_draws_the_schedule_live_while_training(window, qtbot):
    tp, sp = window.training_panel, window.schedule_panel
    tp.learn_beta.setChecked(True)
    assert sp.learn.isChecked()
    tiny_training(window, steps=60)
    live = []

    def seen(ev):
        if ev.beta is not None:
            _, y = sp.plot.curves["beta"].getData()
            live.append((np.asarray(ev.beta, float).copy(), None if y is None else np.asarray(y).copy()))
    window.client.trainProgress.connect(seen)
    with qtbot.waitSignal(window.client.jobFinished, timeout=30000, check_params_cb=lambda ev: ev.kind == "train"):
        tp.start.click()
    assert len(live) >= 2
    first_beta, _ = live[0]
    beta, drawn = live[-1]
    assert np.allclose(10 ** drawn, beta)                 # the plot (log axis) shows this progress's β
    assert not np.allclose(beta[1:], first_beta[1:], rtol=1e-4)   # and β moved while training
    assert window.state.model.config["trainable_schedule"]


def test_schedule_preview_ends_at_the_next_models_own_snr(window):
    """Grass trains with SNR_T = 0.001, not the default 0.03: the dashed preview says so."""
    from engine.presets import model_defaults
    sp = window.schedule_panel
    for data, snr_end in (("texture", 1e-3), ("brick", 0.03)):
        sp.set_defaults(model_defaults(data), show=True)
        _, y = sp.plot.previews["snr"].getData()
        assert np.isclose(10 ** y[-1], snr_end)           # log axis

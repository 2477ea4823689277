"""The worker's jobs called directly (no thread, no GUI): data by name, training new and
continued through the one recipe, the painting canvas's inpaint/denoise phases, the
bound, and held-out canvases. Faster and sharper than waiting on the GUI."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from engine import presets
from engine.data.catalogue import build, heldout, kind_of
from engine.io.storage import load_model
from engine.runtime import jobs
from engine.runtime import protocol as m
from engine.training import TrainConfig, new_model

TINY_IMAGE = {"kind": "multiscale", "channels": 8, "layers": 2, "scales": 2, "J": 4, "context": 0}


def events(state, cmd):
    return [e for e in jobs.run(state, cmd) if e is not None]


@pytest.fixture
def state():
    return jobs.EngineState("cpu")


def test_make_data_by_name_for_every_kind(state):
    for name, kind, shape in (("moons", "points", (2,)), ("heartbeat", "binary", (20,)),
                              ("texture", "image", (1, 16, 16))):
        (ev,) = events(state, m.MakeData(name=name, n=300, args={"size": 16}, keep=50))
        assert kind_of(name) == kind and ev.train.shape[1:] == shape and len(ev.train) == 50


def test_train_named_new_then_continue(state):
    cfg = replace(presets.model_defaults("texture"), T=8, net=dict(TINY_IMAGE))
    tc = TrainConfig(steps=6, batch=8, eval_every=100, eval_points=10, report_every=2)
    evs = events(state, m.TrainNamed(name="texture", config=tc, data_args={"size": 16}, n=200, model_config=cfg,
                                     refresh_n=2, show_forward=3))
    kinds = [type(e).__name__ for e in evs]
    assert kinds[0] == "DataReady" and kinds[1] == "ModelChanged" and kinds[2] == "Trajectory"
    assert kinds[-1] == "ModelChanged" and state.model.step == 6
    assert state.model.config.data_args["size"] == 16 and tuple(state.model.shape) == (1, 16, 16)
    evs = events(state, m.TrainNamed(name="texture", config=tc, n=200, refresh_n=2))
    assert state.model.step == 12 and evs[-1].history["step"][-1] == 12
    with pytest.raises(ValueError, match="trained on texture"):
        events(state, m.TrainNamed(name="brick", config=tc, n=200))


def test_cli_and_worker_share_one_recipe():
    """The same settings give the same model config and the same standardised arrays,
    whichever caller builds them (the CLI's train and the worker's TrainNamed both call
    engine.training.new_model on catalogue.build's data)."""
    data = build("swissroll", 500, seed=3, args={"noise": 0.05})
    a = new_model(presets.model_defaults("swissroll"), data, seed=3)
    b = new_model(presets.model_defaults("swissroll"), build("swissroll", 500, seed=3, args={"noise": 0.05}), seed=3)
    assert a.model.config == b.model.config and a.model.config.beta1 == presets.POINTS_MODEL.beta1
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.model.data_std, data.train.std(0))


@pytest.fixture
def image_state(state):
    torch.manual_seed(0)
    cfg = replace(presets.model_defaults("texture"), T=8, net=dict(TINY_IMAGE))
    events(state, m.TrainNamed(name="texture", config=TrainConfig(steps=4, batch=8, eval_every=100, eval_points=5),
                               data_args={"size": 16}, n=100, model_config=cfg, refresh_n=2))
    return state


def test_inpaint_job_streams_preview_then_full_over_the_window(image_state):
    (ready,) = events(image_state, m.DataImages(n=1))
    image = ready.images[0]
    assert image.shape == (1, 256, 256)
    missing = np.zeros(image.shape[1:], bool)
    missing[100:132, 60:100] = True
    evs = events(image_state, m.Inpaint(image=image, missing=missing, n=3, preview_stride=4, request=9))
    frames = [e for e in evs if isinstance(e, m.PosteriorFrame)]
    results = [e for e in evs if isinstance(e, m.PosteriorResult)]
    assert [r.phase for r in results] == ["preview", "full"] and all(e.request == 9 for e in evs)
    y0, y1, x0, x1 = results[-1].window
    assert frames[0].x.shape == (3, 1, y1 - y0, x1 - x0) and (y1 - y0) * (x1 - x0) < 256 * 256 / 4
    full = results[-1]
    assert full.samples.shape == (3, 1, 256, 256) and full.steps == 8
    np.testing.assert_array_equal(full.samples[:, 0][:, ~missing],
                                  np.broadcast_to(image[0][~missing], (3, (~missing).sum())))
    assert full.trajectory.shape[1:] == (3, 1, y1 - y0, x1 - x0) and list(full.ts) == sorted(full.ts)
    with pytest.raises(ValueError, match="nothing to fill"):
        events(image_state, m.Inpaint(image=image, missing=np.zeros_like(missing)))


def test_denoise_job_works_on_the_whole_image(image_state):
    clean = np.full((1, 40, 56), 0.4, np.float32)
    evs = events(image_state, m.Denoise(clean=clean, n=2, preview_stride=1, snr=1.0))
    (res,) = [e for e in evs if isinstance(e, m.PosteriorResult)]
    assert res.phase == "full" and res.samples.shape == (2, 1, 40, 56) and res.observed.shape == (1, 40, 56)
    with pytest.raises(ValueError, match="SNR"):
        events(image_state, m.Denoise(clean=clean, snr=0))


def test_evaluate_job_reports_bits_per_pixel_for_image_models(image_state):
    raw = heldout(image_state.model, 20)
    (ev,) = events(image_state, m.Evaluate(data=raw))
    assert ev.report["unit"] == "bits per pixel" and ev.report["shape"] == [1, 16, 16]


def test_heldout_is_one_stream_for_cli_and_gui(tiny_model_path):
    model = load_model(tiny_model_path)
    np.testing.assert_array_equal(heldout(model, 100, seed=2), heldout(model, 100, seed=2))
    assert not np.array_equal(heldout(model, 100, seed=2), heldout(model, 100, seed=3))
    train = build("swissroll", 4000, seed=0).train
    assert not np.isin(heldout(model, 100)[:, 0], train[:, 0]).any(), "held out means never trained on"


def test_sample_job_at_another_image_size(image_state):
    evs = events(image_state, m.Sample(n=2, seed=0, shape=(1, 24, 40)))
    assert evs[-1].x.shape == (9, 2, 1, 24, 40)
    with pytest.raises(ValueError, match="samples shape"):
        events(image_state, m.Sample(n=2, shape=(3, 24, 40)))

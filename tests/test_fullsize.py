"""Full-size images: one fully convolutional model at any size, the crop-plus-margin
posterior, RePaint-style resampling paths, chunked trajectories and old model files."""
import json
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

from engine.core.sampling import WindowNoise, collect, resampling_path, sample_progressive
from engine.data.catalogue import heldout_canvases
from engine.guides.inpaint import inpaint, inpaint_progressive, window_for
from engine.io.posterior import read_posterior, write_posterior
from engine.io.storage import OutdatedModel, StorageError, load_model
from engine.model import model_kind
from engine.nets import build_net
from tests.cli_run import cli
from tests.tiny_models import train_tiny

ROOT = Path(__file__).resolve().parent.parent
NET = {"kind": "multiscale", "channels": 8, "layers": 2, "scales": 3, "J": 4, "context": 0}



@pytest.fixture(scope="module")
def texture_model(tmp_path_factory):
    """A context-free net trained briefly on 16 px crops of the grass texture."""
    return train_tiny(tmp_path_factory.mktemp("full") / "texture16.h5", "texture", size=16, T=10, steps=60,
                      n=600, net=NET)


def test_receptive_radius_bounds_what_an_output_sees():
    net = build_net(NET, (1, 16, 16), 10)
    for p in net.parameters():
        torch.nn.init.normal_(p, std=0.3)
    x = torch.randn(1, 1, 64, 64, requires_grad=True)
    net(x, torch.tensor([5]))[0][0, 0, 32, 32].backward()
    ys, xs = np.nonzero(x.grad[0, 0].numpy())
    reach = max(np.abs(ys - 32).max(), np.abs(xs - 32).max())
    assert 0 < reach <= net.receptive_radius, (reach, net.receptive_radius)
    assert reach > net.receptive_radius // 2, "the stated radius is not wildly loose"


@pytest.mark.parametrize("upsample", ["nearest", "bilinear"])
def test_asking_for_a_region_gives_the_whole_images_outputs_there(upsample, monkeypatch):
    net = build_net({**NET, "layers": 3, "upsample": upsample}, (1, 16, 16), 10)
    for p in net.parameters():
        torch.nn.init.normal_(p, std=0.3)
    t = torch.tensor([4, 4])
    cases = [((64, 64), (20, 41, 25, 30)), ((57, 43), (0, 5, 30, 43)), ((50, 70), (49, 50, 0, 70))]
    for (H, W), (y0, y1, x0, x1) in cases:
        x = torch.randn(2, 1, H, W)
        whole, part = net(x, t), net(x, t, region=(y0, y1, x0, x1))
        for a, b in zip(whole, part):
            torch.testing.assert_close(b[..., y0:y1, x0:x1], a[..., y0:y1, x0:x1], atol=1e-5, rtol=1e-5)
        assert y0 < 12 or (part[0][..., :y0 - 12, :] == 0).all(), "rows far above the region are left out"
    # Layers that keep less than they reach do change the outputs: the test can fail.
    too_short = type(net).reach.fget(net) // 2
    monkeypatch.setattr(type(net), "reach", property(lambda self: too_short))
    (H, W), region = cases[0]
    x = torch.randn(2, 1, H, W)
    y0, y1, x0, x1 = region
    assert (net(x, t)[0] - net(x, t, region=region)[0])[..., y0:y1, x0:x1].abs().max() > 1e-4


def test_inpainting_reports_known_pixels_of_x0_as_observed(texture_model):
    model = load_model(texture_model)
    image = heldout_canvases(model, 1)[0][:, :48, :48]
    missing = np.zeros((48, 48), bool)
    missing[10:30, 12:20] = True
    steps = list(inpaint_progressive(model, image, missing, 2, 0, 1, "cpu"))
    obs = model.standardise(image)[0][~missing]
    for s in steps[1:]:
        np.testing.assert_allclose(s.x0_pred[:, 0][:, ~missing], np.broadcast_to(obs, (2, obs.size)), atol=1e-5)
        assert np.isfinite(s.x0_pred).all()


def test_a_model_trained_on_small_crops_samples_at_48_by_80(texture_model):
    model = load_model(texture_model)
    assert tuple(model.shape) == (1, 16, 16) and model_kind(model.config) == "image"
    x, x0 = collect(sample_progressive(model, 2, seed=0, shape=(1, 48, 80)))
    assert x.shape == (11, 2, 1, 48, 80) and np.isfinite(x).all()


def test_crop_plus_margin_posterior_equals_the_whole_image_posterior(texture_model):
    model = load_model(texture_model)
    image = heldout_canvases(model, 1)[0][:, :72, :88]
    missing = np.zeros(image.shape[1:], bool)
    missing[30:42, 36:50] = True
    window = window_for(model, missing)
    H, W = missing.shape
    assert window != (0, H, 0, W), "the window is smaller than the image"
    assert all(v % model.net.multiple == 0 or v in (H, W) for v in window)
    whole = (0, H, 0, W)
    a = collect(inpaint_progressive(model, image, missing, 3, 0, 1, "cpu", whole,
                                    noise=WindowNoise(7, (H, W), whole)))[0][0]
    b = collect(inpaint_progressive(model, image, missing, 3, 0, 1, "cpu", window,
                                    noise=WindowNoise(7, (H, W), window)))[0][0]
    y0, y1, x0, x1 = window
    np.testing.assert_allclose(b[..., missing[y0:y1, x0:x1]], a[..., y0:y1, x0:x1][..., missing[y0:y1, x0:x1]],
                               atol=1e-5)
    # A margin below the receptive field does change the fill: the test can fail.
    small = window_for(model, missing, margin=0)
    c = collect(inpaint_progressive(model, image, missing, 3, 0, 1, "cpu", small,
                                    noise=WindowNoise(7, (H, W), small)))[0][0]
    sy0, sy1, sx0, sx1 = small
    assert np.abs(c[..., missing[sy0:sy1, sx0:sx1]] - a[..., sy0:sy1, sx0:sx1][..., missing[sy0:sy1, sx0:sx1]]).max() > 1e-3


@pytest.mark.parametrize("size", [(24, 40), (57, 31)])
def test_known_pixels_are_kept_exactly_at_any_size(texture_model, size):
    model = load_model(texture_model)
    image = heldout_canvases(model, 1)[0][:, :size[0], :size[1]]
    missing = np.zeros(size, bool)
    missing[size[0] // 3: size[0] // 2, 4:size[1] - 5] = True
    out = inpaint(model, image, missing, n=2, seed=1, resample=(3, 2))
    s = out["samples"]
    assert s.shape == (2, 1, *size)
    np.testing.assert_array_equal(s[:, 0][:, ~missing], np.broadcast_to(image[0][~missing].astype(np.float32),
                                                                        (2, (~missing).sum())))
    assert out["std"][0][missing].mean() > 0


def test_resampling_path_walks_each_block_times_over():
    assert resampling_path(10, 3, 1) == list(range(10, -1, -1))
    path = resampling_path(10, 3, 2)
    assert path[0] == 10 and path[-1] == 0 and all(abs(a - b) == 1 for a, b in zip(path, path[1:]))
    downs = sum(1 for a, b in zip(path, path[1:]) if b < a)
    assert downs == 10 + 3 * 3 - 0   # blocks 10→7, 7→4, 4→1 walked twice; 1→0 once
    with pytest.raises(ValueError):
        resampling_path(10, 0, 2)


def test_window_follows_the_hole_not_the_image(texture_model):
    model = load_model(texture_model)
    missing = np.zeros((512, 512), bool)
    missing[224:288, 224:288] = True
    y0, y1, x0, x1 = window_for(model, missing)
    r = model.net.receptive_radius
    assert y1 - y0 <= 64 + 2 * r + 2 * model.net.multiple and x1 - x0 <= 64 + 2 * r + 2 * model.net.multiple
    assert y0 <= 224 - r and y1 >= 288 + r


def test_posterior_file_round_trip(tmp_path):
    obs = np.random.default_rng(0).random((1, 6, 5))
    s = np.random.default_rng(1).random((3, 1, 6, 5))
    write_posterior(tmp_path / "p.h5", "inpaint", obs, s, s.mean(0), s.std(0), attrs={"seed": 4},
                    mask=np.ones((6, 5), bool))
    r = read_posterior(tmp_path / "p.h5")
    np.testing.assert_allclose(r["samples"], s.astype(np.float32))
    assert r["mask"].dtype == bool and r["attrs"]["task"] == "inpaint" and r["attrs"]["seed"] == 4
    with h5py.File(tmp_path / "bad.h5", "w") as f:
        f.attrs.update(kind="diffusion-explorer/posterior", schema_version=2)
    with pytest.raises(StorageError, match="incomplete"):
        read_posterior(tmp_path / "bad.h5")


def test_an_old_fixed_size_image_model_is_refused_in_one_line(texture_model, tmp_path):
    old = tmp_path / "old.h5"
    with h5py.File(texture_model) as src, h5py.File(old, "w") as dst:
        for k in src:
            src.copy(src[k], dst, k)
        dst.attrs.update(src.attrs)
        cfg = json.loads(src.attrs["config"])
        cfg["net"] = {"kind": "multiscale", "channels": 32, "layers": 3, "dense": 64, "dense_channels": 4, "J": 8}
        dst.attrs["config"] = json.dumps(cfg)
        dst.attrs["schema_version"] = 1
    with pytest.raises(OutdatedModel, match="older version"):
        load_model(old)
    r = cli("eval", "--model", old)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "retrain" in r.stderr


def test_cli_sample_at_a_size_writes_a_chunked_trajectory(texture_model, tmp_path):
    r = cli("sample", "--model", texture_model, "--n", "2", "--size", "20", "36", "--out", tmp_path / "s.h5")
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "s.h5") as f:
        d = f["reverse"]
        assert d.shape == (11, 2, 1, 20, 36) and d.chunks[0] == 1 and np.isfinite(d[0]).all()
    r = cli("sample", "--model", texture_model, "--size", "0", "36", "--out", tmp_path / "t.h5")
    assert r.returncode == 2 and "--size" in r.stderr

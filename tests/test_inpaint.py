"""Posterior sampling guides: inpainting keeps the known pixels exactly, respacing gives
a valid schedule, denoising matches the Wiener filter for Gaussian data with an oracle
model, p·r moves 2-D samples toward a bump; and the inpaint/denoise CLI."""
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

from engine.data.images import make_images
from engine.guides.product import BumpGuide, RegionGuide
from engine.core.respacing import Respaced, kept_steps, respaced_betas
from engine.guides.denoise import denoise
from engine.guides.inpaint import inpaint, inpaint_progressive
from engine.model import DiffusionModel, ModelConfig
from engine.core.sampling import sample_progressive, sample_trajectory
from engine.core.schedules import Schedule
from engine.io.storage import load_model
from tests.cli_run import cli
from tests.tiny_models import train_tiny

ROOT = Path(__file__).resolve().parent.parent



@pytest.fixture(scope="module")
def digits_model(tmp_path_factory):
    """8×8 digits, T = 12, a tiny multi-scale net trained for a few hundred steps."""
    path = train_tiny(tmp_path_factory.mktemp("img") / "digits8.h5", "digits", size=8, T=12, steps=250, n=20000,
                      batch=64, held=100, eval_points=50, lr=3e-3,
                      net={"kind": "multiscale", "channels": 16, "layers": 2, "scales": 2, "J": 4, "context": 2})
    return path, make_images("digits", size=8).heldout


def test_inpainting_keeps_known_pixels_exactly(digits_model):
    model = load_model(digits_model[0])
    image = digits_model[1][0]
    missing = np.zeros((8, 8), bool)
    missing[2:6, 1:5] = True
    for stride in (1, 3):
        out = inpaint(model, image, missing, n=5, seed=1, stride=stride)
        s = out["samples"]
        assert s.shape == (5, 1, 8, 8) and s.dtype == np.float32
        assert out["mean"].shape == out["std"].shape == (1, 8, 8)
        assert (s >= 0).all() and (s <= 1).all()
        np.testing.assert_array_equal(s[:, :, ~missing], np.broadcast_to(image.astype(np.float32)[:, ~missing], (5, 1, 48)))
        assert (out["std"][0][~missing] == 0).all() and out["std"][0][missing].mean() > 0.01
    # Any size: three digits side by side (8×24), one hole across two of them.
    wide = np.concatenate(list(digits_model[1][:3]), axis=2)
    hole = np.zeros((8, 24), bool)
    hole[1:7, 6:13] = True
    out = inpaint(model, wide, hole, n=2, seed=0)
    assert out["samples"].shape == (2, 1, 8, 24)
    np.testing.assert_array_equal(out["samples"][:, 0][:, ~hole],
                                  np.broadcast_to(wide[0][~hole].astype(np.float32), (2, (~hole).sum())))


def test_inpainting_progresses_and_uses_the_context(digits_model):
    model = load_model(digits_model[0])
    image = digits_model[1][:1]
    missing = np.zeros((8, 8), bool)
    missing[:, 4:] = True
    steps = list(inpaint_progressive(model, image[0], missing, n=2, seed=0, stride=4))
    assert steps[0].x.shape == (2, 1, 8, 8)
    assert [s.t for s in steps] == list(range(len(kept_steps(12, 4)), -1, -1))
    # The known half at t = 0 is the observation (standardised), not a noisy copy.
    np.testing.assert_allclose(steps[-1].x[:, :, :, :4], model.standardise(image)[:, :, :, :4].repeat(2, 0), atol=1e-6)


@pytest.mark.parametrize("T, stride", [(12, 1), (12, 5), (100, 7), (100, 100)])
def test_respacing_gives_a_valid_schedule(T, stride):
    sched = Schedule.create("snr", T, 1e-4)
    ab = sched.arrays().alpha_bar
    kept = kept_steps(T, stride)
    assert kept[0] == 1 and kept[-1] == T and kept == sorted(set(kept))
    b = respaced_betas(ab, kept)
    assert len(b) == len(kept) and np.all(b > 0) and np.all(b <= 1)
    ab2 = Schedule(np.clip(b, 1e-12, 1)).arrays().alpha_bar
    np.testing.assert_allclose(ab2[1:], ab[kept], rtol=1e-10)
    assert np.all(np.diff(ab2) < 0)
    assert b[0] == pytest.approx(ab[1] and 1 - ab[1]), "the fixed decoder step is unchanged"


def test_respaced_sampler_queries_the_net_at_kept_steps():
    cfg = ModelConfig(shape=(2,), T=20, net={"kind": "mlp", "hidden": 8, "layers": 1, "J": 4})
    model = DiffusionModel(cfg, np.zeros(2), np.ones(2))
    seen = []
    inner = model.net.forward
    model.net.forward = lambda x, t: (seen.append(int(t[0])), inner(x, t))[1]
    view = Respaced(model, 6)
    traj = sample_trajectory(view, 3, seed=0)
    assert traj.shape == (len(view.kept) + 1, 3, 2)
    assert seen == [t for t in reversed(view.kept) if t >= 2]


class GaussianOracle(torch.nn.Module):
    """The exact reverse steps for N(0, I) data, in the paper's parameterisation:
    p(x_{t-1}|x_t) = N(√(1-β_t)·x_t, β_t)."""

    def __init__(self, betas):
        super().__init__()
        self.b = torch.as_tensor(betas, dtype=torch.float32)
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x, t):
        b = self.b[t].view(-1, *([1] * (x.dim() - 1)))
        return x * ((1 - b).sqrt() - (1 - b)) / b, torch.zeros_like(x)


def test_denoising_a_gaussian_with_an_oracle_is_the_wiener_filter():
    cfg = ModelConfig(data="gauss", shape=(1, 4, 4), T=20, beta1=1e-3, parameterisation="paper",
                      net={"kind": "multiscale", "channels": 4, "layers": 1, "J": 2})
    model = DiffusionModel(cfg, np.full((1, 1, 1), 0.5), np.full((1, 1, 1), 0.2))
    model.net = GaussianOracle(model.schedule.arrays().beta)
    clean = 0.5 + 0.2 * np.random.default_rng(1).standard_normal((1, 4, 4))
    snr = 2.0
    out = denoise(model, clean=clean, snr=snr, n=3000, seed=0)
    assert out["samples"].shape == (3000, 1, 4, 4) and out["noisy"].shape == out["clean"].shape == (1, 4, 4)
    y = (out["noisy"] - 0.5) / 0.2                      # standardised observation
    wiener_mean = 0.5 + 0.2 * y * snr / (1 + snr)       # E[x | y] for x ~ N(0,1), noise var 1/snr
    wiener_std = 0.2 * np.sqrt(1 / (1 + snr))
    np.testing.assert_allclose(out["mean"], wiener_mean, atol=4 * wiener_std / np.sqrt(3000) + 1e-3)
    assert out["std"].mean() == pytest.approx(wiener_std, rel=0.05)


def test_denoising_a_digit_beats_the_noisy_image(digits_model):
    model = load_model(digits_model[0])
    clean = np.concatenate(list(digits_model[1][:6]), axis=2)          # 8×48: one image, any size
    out = denoise(model, clean=clean, snr=1.0, n=8, seed=0, stride=2)
    assert out["samples"].shape == (8, 1, 8, 48) and out["mean"].shape == (1, 8, 48)
    rmse = lambda a: float(np.sqrt(((a - clean) ** 2).mean()))
    assert rmse(out["mean"]) < 0.7 * rmse(out["noisy"])


def test_bump_guide_pulls_2d_samples_toward_the_bump(tiny_model_path):
    model = load_model(tiny_model_path)
    centre = np.array([6.0, -3.0])
    guide = BumpGuide(model, centre, scale=2.0)
    plain = model.unstandardise(sample_trajectory(model, 800, seed=0)[0])
    steps = list(sample_progressive(model, 800, seed=0, guide=guide))
    guided = model.unstandardise(steps[-1].x)
    dist = lambda p: np.linalg.norm(p - centre, axis=1).mean()
    assert dist(guided) < 0.7 * dist(plain)


def test_region_guide_pulls_2d_samples_into_the_region(tiny_model_path):
    model = load_model(tiny_model_path)
    grid = np.zeros((64, 64))
    grid[:, 40:] = 1.0                                   # x > ~5 on [-15, 15]
    guide = RegionGuide(model, grid, (-15, 15, -15, 15), smooth=2.0, strength=3.0)
    plain = model.unstandardise(sample_trajectory(model, 800, seed=0)[0])
    guided = model.unstandardise(list(sample_progressive(model, 800, seed=0, guide=guide))[-1].x)
    assert (guided[:, 0] > 4).mean() > (plain[:, 0] > 4).mean() + 0.15


# ---- CLI ---------------------------------------------------------------------------------------
def test_cli_inpaint_and_denoise_at_the_images_own_size(digits_model, tmp_path):
    import imageio.v3 as iio

    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (12, 19), dtype=np.uint8)     # not the 8×8 training size, nor a multiple
    mask = np.zeros((12, 19), np.uint8)
    mask[3:9, 5:15] = 255
    iio.imwrite(tmp_path / "in.png", img)
    iio.imwrite(tmp_path / "mask.png", mask)
    (tmp_path / "png").mkdir()
    r = cli("inpaint", "--model", digits_model[0], "--image", tmp_path / "in.png", "--mask", tmp_path / "mask.png",
            "--n", "3", "--stride", "2", "--out", tmp_path / "out.h5", "--png", tmp_path / "png")
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "out.h5") as f:
        s = f["samples"][()]
        assert s.shape == (3, 1, 12, 19) and f["mean"].shape == f["std"].shape == (1, 12, 19)
        assert f.attrs["schema_version"] >= 1 and s.min() >= 0 and s.max() <= 1
        known = mask == 0
        np.testing.assert_array_equal(s[:, 0][:, known], np.broadcast_to(((img[known] + 0.5) / 256).astype(np.float32),
                                                                         (3, known.sum())))
    assert (tmp_path / "png" / "sample_00.png").exists() and (tmp_path / "png" / "mean.png").exists()
    r = cli("denoise", "--model", digits_model[0], "--image", tmp_path / "in.png", "--snr", "1", "--n", "2",
            "--out", tmp_path / "den.h5")
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "den.h5") as f:
        assert f["samples"].shape == (2, 1, 12, 19) and f["noisy"].shape == (1, 12, 19)


def _png_header_only(path, w, h):
    """A PNG whose header claims w×h pixels, with no real image data."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                     + chunk(b"IEND", b""))


@pytest.mark.parametrize("what", ["mask size", "denoise snr", "not image model", "huge"])
def test_cli_inpaint_bad_input_exits_2(digits_model, tiny_model_path, tmp_path, what):
    import imageio.v3 as iio

    iio.imwrite(tmp_path / "in.png", np.zeros((8, 8), np.uint8))
    iio.imwrite(tmp_path / "mask.png", np.zeros((8, 9), np.uint8))
    (tmp_path / "keep.h5").write_bytes(b"precious")
    _png_header_only(tmp_path / "huge.png", 30000, 30000)
    model, image, needle = digits_model[0], tmp_path / "in.png", "mask is 9×8"
    if what == "not image model":
        model, needle = tiny_model_path, "not an image model"
    if what == "huge":
        image, needle = tmp_path / "huge.png", "megapixels"
    if what == "denoise snr":
        r = cli("denoise", "--model", model, "--image", image, "--snr", "-1", "--out", tmp_path / "keep.h5")
        needle = "--snr"
    else:
        r = cli("inpaint", "--model", model, "--image", image, "--mask", tmp_path / "mask.png", "--out",
                tmp_path / "keep.h5")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert (tmp_path / "keep.h5").read_bytes() == b"precious"

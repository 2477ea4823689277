"""Image data sets, the multi-scale network, and the image CLI (train, eval --json, sample).
Kept fast: 8×8 or 16×16 images, T <= 20, tiny nets, a few steps."""
import json
import struct
import zlib
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch

from engine.data.errors import DataError
from engine.data.images import IMAGE_SETS, channel_stats, dead_leaves, dequantise, make_images, split_regions
from engine.data.image_io import read_image, to_uint8
from engine.model import DiffusionModel, ModelConfig
from engine.nets import build_net
from tests.cli_run import cli

ROOT = Path(__file__).resolve().parent.parent



def tiny_net(shape=(1, 8, 8), T=10, **kw):
    args = {"kind": "multiscale", "channels": 8, "layers": 2, "scales": 3, "J": 4, "context": 2}
    args.update(kw)
    return build_net(args, shape, T)


# ---- the network ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1, 8, 8), (3, 16, 16), (1, 16, 8), (1, 13, 21), (3, 3, 2)])
def test_multiscale_shapes_and_zero_init(shape):
    net = tiny_net((shape[0], 8, 8), T=20)     # one net, any size: padded by reflection, cropped back
    x = torch.randn(5, *shape)
    z_mu, z_sig = net(x, torch.randint(2, 21, (5,)))
    assert z_mu.shape == (5, *shape) and z_sig.shape == (5, *shape)
    # Zero-initialised readout: the model starts at the forward step's own solution.
    assert torch.count_nonzero(z_mu) == 0 and torch.count_nonzero(z_sig) == 0


def test_zero_init_is_the_forward_step_in_the_paper_parameterisation():
    cfg = ModelConfig(data="digits", shape=(1, 8, 8), T=10, beta1=1e-3, parameterisation="paper",
                      net={"kind": "multiscale", "channels": 4, "layers": 1, "J": 2})
    model = DiffusionModel(cfg, np.zeros((1, 1, 1)), np.ones((1, 1, 1)))
    c = model.diffusion.coefs("cpu", torch.float64)
    x = torch.randn(3, 1, 8, 8, dtype=torch.float64)
    t = torch.tensor([2, 5, 10])
    mean, var, _ = model.diffusion.p_mean_var(model.net, x, t, c)
    beta = c["beta"][t].view(-1, 1, 1, 1)
    torch.testing.assert_close(var, beta.expand_as(var))
    torch.testing.assert_close(mean, x * (1 - beta), rtol=1e-6, atol=1e-6)


def test_folded_readout_matches_per_example_readout():
    net = tiny_net((2, 8, 8), T=12, upsample="bilinear")
    torch.nn.init.normal_(net.head.weight, std=0.1)
    torch.nn.init.normal_(net.head.bias, std=0.1)
    x = torch.randn(4, 2, 8, 8)
    folded = net(x, torch.full((4,), 7))
    single = [net(x[i:i + 1], torch.tensor([7])) for i in range(4)]
    for k in range(2):
        torch.testing.assert_close(folded[k], torch.cat([s[k] for s in single]), rtol=1e-4, atol=1e-5)
    assert not hasattr(tiny_net(context=0), "pool_in"), "global context switches off"


def test_build_net_rejects_vectors():
    with pytest.raises(ValueError, match="images"):
        build_net({"kind": "multiscale"}, (2,), 10)


# ---- data sets -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", IMAGE_SETS)
def test_image_sets_shapes_ranges_levels(name):
    d = make_images(name, n=64, seed=1, n_heldout=32, size=16)
    C = 3 if name == "patches" else 1
    assert d.shape == (C, 16, 16) and d.train.shape[1:] == d.heldout.shape[1:] == (C, 16, 16)
    assert len(d.train) >= 64 and len(d.heldout) >= 32
    L = d.args["levels"]
    assert L == (17 if name == "digits" else 256)
    for x in (d.train, d.heldout):
        assert x.min() >= 0 and x.max() < 1
        np.testing.assert_allclose(x * L, np.round(x * L), atol=1e-9)   # exactly k/L
    assert d.train.std() > 0.05, "not a blank set"
    deq = dequantise(d.train, L, np.random.default_rng(0))
    assert (deq >= d.train).all() and (deq < d.train + 1.0 / L).all()
    mean, std = channel_stats(deq)
    assert mean.shape == std.shape == (C, 1, 1)
    cfg = ModelConfig(data=name, shape=d.shape, T=10, net={"kind": "multiscale", "channels": 4, "layers": 1, "J": 2})
    z = DiffusionModel(cfg, mean, std).standardise(deq)
    np.testing.assert_allclose(z.mean((0, 2, 3)), 0, atol=1e-4)
    np.testing.assert_allclose(z.std((0, 2, 3)), 1, atol=1e-3)


def test_builtin_sets_are_reproducible_and_heldout_differs():
    a = make_images("deadleaves", n=20, seed=3, n_heldout=20)
    b = make_images("deadleaves", n=20, seed=3, n_heldout=20)
    np.testing.assert_array_equal(a.train, b.train)
    assert not np.array_equal(a.train, a.heldout)
    d = make_images("digits")
    assert len(d.train) == 1497 and len(d.heldout) == 300
    assert len({x.tobytes() for x in d.train} & {x.tobytes() for x in d.heldout}) < 5   # a few duplicates exist


@pytest.mark.parametrize("blurred", [(0, 0), (1, 1)])
def test_the_heldout_corner_is_the_one_like_the_rest(blurred):
    """A photo whose corner is out of focus must not have that corner held out; the
    held-out block and the two training rectangles tile the image exactly."""
    im = np.random.default_rng(0).random((1, 384, 448))
    by, bx = blurred[0] * 192, blurred[1] * 224
    corner = im[:, by:by + 192, bx:bx + 224]
    for axis in (1, 2):    # a 5-tap box blur: the fine detail goes
        corner[:] = sum(np.roll(corner, k, axis) for k in range(-2, 3)) / 5
    train, held = split_regions(im)
    assert held.shape == (1, 192, 224) and not np.shares_memory(held, corner)
    assert sum(r[0].size for r in train) + held[0].size == im[0].size
    cells = {v for r in (*train, held) for v in r.ravel().tolist()}
    assert len(cells) == im.size, "the three parts overlap"


def test_dead_leaves_occlude_with_few_grey_levels():
    x = dead_leaves(64, 96, np.random.default_rng(0))
    assert x.shape == (1, 64, 96)
    # Flat discs: far fewer distinct levels than pixels, and many exactly equal neighbours.
    assert len(np.unique(x)) < 0.2 * x.size
    assert np.mean(x[:, :, 1:] == x[:, :, :-1]) > 0.5


# ---- a folder of user images ---------------------------------------------------------------
def _png_header_only(path, w, h):
    """A PNG whose header claims w×h pixels, with no real image data."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b""))


def test_folder_of_images(tmp_path):
    import imageio.v3 as iio

    rng = np.random.default_rng(0)
    iio.imwrite(tmp_path / "a.png", rng.integers(0, 256, (40, 50, 3), dtype=np.uint8))
    iio.imwrite(tmp_path / "b.png", rng.integers(0, 256, (30, 20), dtype=np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    d = make_images(f"folder:{tmp_path}", n=100, seed=0, size=16)
    assert d.shape == (3, 16, 16) and d.args["levels"] == 256 and len(d.heldout) >= 10
    assert 0 <= d.train.min() and d.train.max() < 1
    x = read_image(tmp_path / "b.png")
    assert x.shape == (1, 30, 20)
    np.testing.assert_array_equal(to_uint8(x[0]), iio.imread(tmp_path / "b.png"))   # 8-bit round trip


@pytest.mark.parametrize("case, needle", [("broken", "broken.png"), ("huge", "megapixels"),
                                          ("empty", "holds no images"), ("missing", "no such folder")])
def test_folder_errors_are_one_line(tmp_path, case, needle):
    folder = tmp_path / "imgs"
    folder.mkdir()
    if case == "broken":
        (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50)
    elif case == "huge":
        _png_header_only(folder / "huge.png", 20000, 20000)
    elif case == "missing":
        folder = tmp_path / "nowhere"
    with pytest.raises(DataError) as e:
        make_images(f"folder:{folder}", n=10)
    assert needle in str(e.value) and "\n" not in str(e.value)
    if case == "huge":
        assert "huge.png" in str(e.value)


# ---- CLI -------------------------------------------------------------------------------------
def test_image_train_eval_sample_cli(tmp_path):
    model = tmp_path / "digits.h5"
    r = cli("train", "--data", "digits", "--size", "8", "--T", "10", "--steps", "20", "--batch", "16",
            "--device", "cpu", "--out", model)
    assert r.returncode == 0, r.stderr
    assert "bits per pixel" in r.stdout
    with h5py.File(model) as f:
        assert f["data/mean"].shape == (1, 1, 1) and f["data/std"].shape == (1, 1, 1)
    r = cli("eval", "--model", model, "--n", "100", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["shape"] == [1, 8, 8] and out["dims"] == 64 and out["unit"] == "bits per pixel"
    assert out["levels"] == 17 and len(out["per_step_kl_bits"]) == 10
    # Per pixel: a unit Gaussian on standardised data is -½log2(2πe) = -2.05 bits per pixel.
    assert -2.3 < out["L_null_bits"] < -1.8
    assert -30 < out["K_bits"] < 4, "finite, and no more than a dequantised 8x8 digit allows"
    assert out["K_bits_unit01"] == pytest.approx(out["K_bits"] + out["log_jacobian_bits"])
    assert out["nll_bits_per_dim"] == pytest.approx(np.log2(17) - out["K_bits_unit01"])
    r = cli("eval", "--model", model, "--n", "100", "--json", "--parzen", "--parzen-samples", "60")
    assert r.returncode == 0, r.stderr
    pz = json.loads(r.stdout)
    assert pz["parzen_samples"] == 60 and pz["parzen_test_points"] == 50
    assert np.isfinite(pz["parzen_nats"]) and pz["parzen_bits"] == pytest.approx(pz["parzen_nats"] / np.log(2))
    assert [row["log_likelihood"] for row in pz["parzen_table"]] == [121, 138, 214, 220, 225]
    traj = tmp_path / "s.h5"
    r = cli("sample", "--model", model, "--n", "3", "--out", traj)
    assert r.returncode == 0, r.stderr
    with h5py.File(traj) as f:
        assert f["reverse"].shape == (11, 3, 1, 8, 8) and f.attrs["data_mean"].shape == (1, 1, 1)

"""The CLI contract: exact names, file layouts, JSON keys, and exit status 2 with one
line on stderr (no traceback, nothing overwritten) for bad arguments or files."""
import json
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from engine.io.storage import load_model
from tests.cli_run import cli

ROOT = Path(__file__).resolve().parent.parent



def test_train_eval_sample_diffuse(tmp_path):
    model = tmp_path / "m.h5"
    r = cli("train", "--data", "swissroll", "--noise", "0.05", "--T", "12", "--snr-end", "0.001", "--steps", "60",
            "--seed", "3", "--device", "cpu", "--out", model)
    assert r.returncode == 0, r.stderr
    assert "held-out bound K =" in r.stdout and "bits per point" in r.stdout
    assert np.isclose(load_model(model).schedule.arrays().snr[-1], 0.001)

    r = cli("eval", "--model", model, "--n", "500", "--seed", "1", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    for key in ("K_bits", "K_minus_Lnull_bits", "L_null_bits", "per_step_kl_bits", "T", "dims"):
        assert key in out
    assert out["T"] == 12 and out["dims"] == 2 and len(out["per_step_kl_bits"]) == 12
    assert out["K_minus_Lnull_bits"] == pytest.approx(out["K_bits"] - out["L_null_bits"])
    assert -4.3 < out["L_null_bits"] < -3.9   # unit Gaussian on standardised 2-D data

    traj = tmp_path / "traj.h5"
    r = cli("sample", "--model", model, "--n", "300", "--seed", "2", "--out", traj)
    assert r.returncode == 0, r.stderr
    with h5py.File(traj) as f:
        rev = f["reverse"]
        assert rev.shape == (13, 300, 2) and rev.dtype == np.float32
        assert f.attrs["schema_version"] >= 1
        assert f.attrs["data_mean"].shape == (2,) and f.attrs["data_std"].shape == (2,)
        assert abs(rev[12].std() - 1) < 0.15, "reverse[T] is the N(0, I) start"

    fwd = tmp_path / "fwd.h5"
    r = cli("diffuse", "--data", "swissroll", "--n", "400", "--T", "12", "--seed", "0", "--out", fwd)
    assert r.returncode == 0, r.stderr
    with h5py.File(fwd) as f:
        x = f["forward"][()]
        assert x.shape == (13, 400, 2) and x.dtype == np.float32
        np.testing.assert_allclose(x[0].mean(0), 0, atol=1e-5)   # forward[0] = standardised data
        np.testing.assert_allclose(x[0].std(0), 1, atol=1e-4)
        raw = x[0] * f.attrs["data_std"] + f.attrs["data_mean"]
        assert 5 < np.abs(raw).max() < 20, "attributes map back to the roll's raw units"


@pytest.mark.parametrize("args, needle", [
    (["train", "--data", "nosuchset", "--out", "{tmp}/x.h5"], "unknown data set"),
    (["train", "--data", "swissroll", "--steps", "-5", "--out", "{tmp}/x.h5"], "--steps"),
    (["train", "--data", "swissroll", "--snr-end", "0", "--out", "{tmp}/x.h5"], "--snr-end"),
    (["train", "--data", "swissroll", "--out", "/no/such/dir/x.h5"], "does not exist"),
    (["train", "--data", "swissroll", "--device", "tpu", "--out", "{tmp}/x.h5"], "unknown device"),
    (["eval", "--model", "{tmp}/missing.h5"], "no such file"),
    (["eval", "--model", "{tmp}/garbage.h5"], "not a readable HDF5"),
    (["sample", "--model", "{tmp}/garbage.h5", "--out", "{tmp}/keep.h5"], "garbage.h5"),
    (["sample", "--model"], "expected one argument"),
    (["frobnicate"], "invalid choice"),
    (["train", "--data", "{tmp}/bad.csv", "--out", "{tmp}/x.h5"], "bad.csv"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, needle):
    (tmp_path / "garbage.h5").write_bytes(b"\x00garbage" * 100)
    (tmp_path / "keep.h5").write_bytes(b"precious")
    (tmp_path / "bad.csv").write_text("1,2\n3,nan\n")
    r = cli(*[a.format(tmp=tmp_path) for a in args])
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert (tmp_path / "keep.h5").read_bytes() == b"precious"
    assert not (tmp_path / "x.h5").exists()


def test_user_points_from_csv(tmp_path):
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(500, 2)) * [3, 0.5] + [10, -2]
    np.savetxt(tmp_path / "pts.csv", pts, delimiter=",", header="x,y", comments="")
    r = cli("train", "--data", tmp_path / "pts.csv", "--T", "8", "--steps", "30", "--out", tmp_path / "u.h5")
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "u.h5") as f:
        np.testing.assert_allclose(f["data/mean"][()], pts.mean(0), atol=0.5)
        assert f["data/heldout"].shape == (50, 2)
    r = cli("eval", "--model", tmp_path / "u.h5", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["dims"] == 2


def test_console_script_is_installed():
    exe = Path(sys.executable).parent / "diffusion-explorer"
    assert exe.exists(), "pip install should create the diffusion-explorer console script"
    r = subprocess.run([str(exe), "eval", "--model", "/nonexistent.h5"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "no such file" in r.stderr


def test_parzen_is_refused_for_point_models(tiny_model_path):
    r = cli("eval", "--model", tiny_model_path, "--parzen")
    assert r.returncode == 2 and "--parzen is for image models" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["sample", "eval-out-model", "train-data", "inpaint-image", "inpaint-png"])
def test_an_output_that_is_an_input_is_refused_and_nothing_changes(tmp_path, tiny_model_path, command):
    import shutil

    model = tmp_path / "m.h5"
    shutil.copy(tiny_model_path, model)
    pts = tmp_path / "pts.csv"
    np.savetxt(pts, np.random.default_rng(0).standard_normal((50, 2)), delimiter=",")
    img, mask = tmp_path / "mean.png", tmp_path / "mask.png"
    import imageio.v3 as iio
    iio.imwrite(img, np.zeros((8, 8), np.uint8))
    iio.imwrite(mask, np.full((8, 8), 255, np.uint8))
    before = {p: p.read_bytes() for p in (model, pts, img, mask)}
    args = {"sample": ["sample", "--model", model, "--out", model],
            "eval-out-model": ["diffuse", "--data", pts, "--model", model, "--out", model],
            "train-data": ["train", "--data", pts, "--steps", "1", "--out", pts],
            "inpaint-image": ["inpaint", "--model", model, "--image", img, "--mask", mask, "--out", img],
            "inpaint-png": ["inpaint", "--model", model, "--image", img, "--mask", mask, "--out",
                            tmp_path / "o.h5", "--png", tmp_path]}[command]
    r = cli(*args)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "input" in r.stderr
    assert all(p.read_bytes() == b for p, b in before.items())

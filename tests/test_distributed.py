"""Scaling out (issue 15): `torchrun --standalone --nproc_per_node 2` training with gloo on
the CPU, the batched `sample` command, and a failing rank. Each torchrun start costs a few
seconds; the models are tiny."""
import json
import os
import re
import subprocess
import sys

import h5py
import numpy as np
import pytest
import torch

from tests.cli_run import ROOT, cli

pytestmark = pytest.mark.skipif(not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
                                reason="this torch has no gloo backend")


def torchrun(*args, env=None, timeout=240):
    """Two ranks on this machine. The `--` keeps torchrun from reading our --n as its --nnodes."""
    full_env = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "--", str(ROOT / "main.py"), *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=timeout)


def rank_checksums(folder) -> list[str]:
    return [(folder / f"rank{r}.sha256").read_text().strip() for r in range(2)]


def evaluate(model, *extra) -> dict:
    r = cli("eval", "--model", model, "--json", "--ais-k", "0", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_two_ranks_train_a_2d_model_like_one_process_with_twice_the_batch(tmp_path):
    sums = tmp_path / "sums"
    sums.mkdir()
    common = ("--data", "swissroll", "--steps", "200", "--n", "4000", "--T", "10", "--seed", "3")
    r = torchrun("train", *common, "--batch", "128", "--learn-beta", "--out", tmp_path / "two.h5",
                 env={"DE_DEBUG_WEIGHTS_DIR": str(sums)})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.count("held-out bound K") == 1          # only rank 0 reports
    a, b = rank_checksums(sums)
    assert a == b                                           # net and learned schedule alike on both ranks
    r = cli("train", *common, "--batch", "256", "--learn-beta", "--out", tmp_path / "one.h5")
    assert r.returncode == 0, r.stderr
    two, one = (evaluate(tmp_path / f"{k}.h5", "--n", "4000") for k in ("two", "one"))
    assert np.isfinite(two["K_bits"])
    # Two trainings differ by their noise: within 2 standard errors of the difference.
    assert abs(two["K_bits"] - one["K_bits"]) < 2 * np.hypot(two["K_stderr_bits"], one["K_stderr_bits"])
    with h5py.File(tmp_path / "two.h5") as f:
        assert f.attrs["step"] == 200 and len(f["history/step"]) >= 1
        assert not [k for k in f["weights"] if "module" in k]        # no DDP prefixes


def test_two_ranks_train_and_resume_an_image_model(tmp_path):
    sums = tmp_path / "sums"
    sums.mkdir()
    out = tmp_path / "img.h5"
    r = torchrun("train", "--data", "texture", "--size", "16", "--steps", "20", "--n", "200", "--T", "10",
                 "--batch", "8", "--out", out, env={"DE_DEBUG_WEIGHTS_DIR": str(sums)})
    assert r.returncode == 0, r.stderr[-2000:]
    a, b = rank_checksums(sums)
    assert a == b
    rep = evaluate(out, "--n", "20")
    assert np.isfinite(rep["K_bits"]) and rep["unit"] == "bits per pixel"
    r = torchrun("train", "--resume", out, "--steps", "5", "--n", "200", "--batch", "8", "--out", out,
                 env={"DE_DEBUG_WEIGHTS_DIR": str(sums)})
    assert r.returncode == 0, r.stderr[-2000:]
    a2, b2 = rank_checksums(sums)
    assert a2 == b2 != a
    with h5py.File(out) as f:
        assert f.attrs["step"] == 25


def test_a_failing_rank_ends_the_job_with_one_line(tmp_path):
    out = tmp_path / "never.h5"
    r = torchrun("train", "--data", "swissroll", "--steps", "500", "--n", "2000", "--T", "10", "--out", out,
                 env={"DE_DEBUG_FAIL_RANK": "1"}, timeout=120)
    assert r.returncode != 0
    ours = [line for line in re.split(r"[\r\n]", r.stderr) if "error: " in line]
    assert len(ours) == 1 and "rank 1 of 2 failed: simulated failure" in ours[0], ours
    assert not out.exists()


def test_bad_arguments_under_torchrun_give_one_line(tmp_path):
    r = torchrun("train", "--data", "nosuchset", "--out", tmp_path / "x.h5", timeout=120)
    assert r.returncode != 0
    ours = [line for line in re.split(r"[\r\n]", r.stderr) if line.startswith("error: ")]
    assert ours == [ours[0]] and "nosuchset" in ours[0]


@pytest.fixture(scope="module")
def small_image_model(tmp_path_factory):
    from engine.io.storage import save_model
    from engine.model import DiffusionModel, ModelConfig

    torch.manual_seed(0)
    cfg = ModelConfig(data="texture", shape=(1, 16, 16), T=6, beta1=1e-3,
                      net={"kind": "multiscale", "channels": 4, "layers": 1, "scales": 2, "J": 2})
    model = DiffusionModel(cfg, np.full((1, 1, 1), 0.5), np.full((1, 1, 1), 0.2))
    for p in model.net.parameters():       # not the zero start: samples should depend on the net
        torch.nn.init.normal_(p, std=0.05)
    path = tmp_path_factory.mktemp("img") / "small.h5"
    save_model(model, path)
    return path, model


def test_sample_runs_in_batches_and_writes_every_step(tmp_path, small_image_model):
    from engine.core.sampling import batch_rows, sample_progressive

    path, model = small_image_model
    rows = batch_rows((1, 96, 96), 10**6)
    n = rows + 3                                    # two batches, the second partial
    out = tmp_path / "traj.h5"
    r = cli("sample", "--model", path, "--n", n, "--size", "96", "96", "--seed", "5", "--out", out)
    assert r.returncode == 0, r.stderr
    with h5py.File(out) as f:
        d = f["reverse"]
        assert d.shape == (model.T + 1, n, 1, 96, 96) and d.chunks == (1, rows, 1, 96, 96)
        x = d[()]
    assert np.isfinite(x).all()
    first = [s.x for s in sample_progressive(model, rows, seed=5, device="cpu", shape=(1, 96, 96))]
    assert np.array_equal(x[::-1, :rows], np.stack(first))          # batch 0 is the unbatched run
    assert not np.allclose(x[0, :3], x[0, rows:])                     # the next batch draws anew

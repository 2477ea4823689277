"""Fuzz suite for everything but model files (tests/test_fuzz_models.py has those): data
files, images and masks, absurd arguments, inputs given as outputs, damaged trajectories.
Every case must end with exit status 2 and one line on stderr naming the problem in user
terms, within 10 s, without growing memory by 1 GB, with every file in its folder (inputs
and an existing output) unchanged and no file added.

Default run: every case in-process (engine.cli.main, no interpreter start-up), and the
memory-hungry ones again as real processes whose peak RSS is measured (os.wait4).
`pytest -m slow`: every CLI case as a real process."""
from __future__ import annotations

import hashlib
import io
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import h5py
import numpy as np
import pytest

from engine.cli import main as cli_main
from engine.io.storage import StorageError, load_trajectory, save_trajectory
from tests import fuzz_cases as fc
from tests.tiny_models import train_tiny

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S, LIMIT_BYTES = 10.0, 1 << 30
BAD_TEXT = ("Traceback", "NoneType", "broadcast", "Unable to allocate", "has no attribute", "not subscriptable",
            "index out of range", "unhashable", "invalid literal")


@pytest.fixture(scope="session")
def tiny_image_model(tmp_path_factory):
    """An 8×8 digits model, T = 8, a few steps: an image model in a second."""
    return train_tiny(tmp_path_factory.mktemp("fuzz_image") / "img_model.h5", "digits", size=8, steps=2, n=20000,
                      rows=200, batch=8, held=20, eval_every=2, eval_points=10,
                      net={"kind": "multiscale", "channels": 4, "layers": 1, "J": 2, "scales": 2, "context": 0})


# ---- the cases ---------------------------------------------------------------------------------
def _cases():
    """name -> (make(folder, models) -> argv, needle): argv relative to the folder."""
    cases = {}
    for name, (make, needle) in fc.DATA.items():
        cases[f"data: {name}"] = (lambda d, ms, make=make: ["train", "--data", make(d), "--n", "500", "--steps", "2",
                                                            "--T", "4", "--out", "out.h5"], needle)
    for name, (make, cmd, extra, needle) in fc.IMAGES.items():
        def argv(d, ms, make=make, cmd=cmd, extra=extra):
            make(d)
            fc.copy_model(ms["image"], d)
            mask = ["--mask", "mask.png"] if cmd == "inpaint" else []
            return [cmd, "--model", "m.h5", "--image", "img.png", *mask, "--n", "2", *extra, "--out", "out.h5"]
        cases[f"image: {name}"] = (argv, needle)
    for name, (argv, needle) in ARGS.items():
        cases[f"args: {name}"] = (argv, needle)
    return cases


def _pts(d):
    np.savetxt(d / "pts.csv", fc.good_points(), delimiter=",")
    return "pts.csv"


def _m(d, ms, kind="points"):
    return fc.copy_model(ms[kind], d)


def _img(d, ms):
    fc.image_files(d)
    return fc.copy_model(ms["image"], d)


BIG = fc.BIG
ARGS = {
    "train --n 10^9": (lambda d, ms: ["train", "--data", "swissroll", "--n", BIG, "--out", "out.h5"], "memory"),
    "train --batch 10^9": (lambda d, ms: ["train", "--data", "swissroll", "--batch", BIG, "--out", "out.h5"], "memory"),
    "train images --batch 10^9": (lambda d, ms: ["train", "--data", "digits", "--batch", BIG, "--out", "o.h5"], "memory"),
    "train --T 100000": (lambda d, ms: ["train", "--data", "swissroll", "--T", "100000", "--out", "out.h5"], "--T"),
    "train --lr -1": (lambda d, ms: ["train", "--data", "swissroll", "--lr", "-1", "--out", "out.h5"], "--lr"),
    "train --resume --n 10^9": (lambda d, ms: ["train", "--resume", _m(d, ms), "--n", BIG, "--out", "out.h5"],
                                "memory"),
    "train --resume other data": (lambda d, ms: ["train", "--resume", _m(d, ms), "--data", "moons", "--out", "o.h5"],
                                  "trained on swissroll"),
    "train --data X --out X": (lambda d, ms: ["train", "--data", _pts(d), "--out", "pts.csv"], "input"),
    "train --max-memory 0.001": (lambda d, ms: ["train", "--data", "swissroll", "--max-memory", "0.001",
                                                "--out", "out.h5"], "memory"),
    "eval --n 10^9": (lambda d, ms: ["eval", "--model", _m(d, ms), "--n", BIG], "memory"),
    "eval --ais-k 10^9": (lambda d, ms: ["eval", "--model", _m(d, ms), "--ais-k", BIG], "memory"),
    "eval --ais-k -5": (lambda d, ms: ["eval", "--model", _m(d, ms), "--ais-k", "-5"], "--ais-k"),
    "eval --ais-points 0": (lambda d, ms: ["eval", "--model", _m(d, ms), "--ais-points", "0"], "--ais-points"),
    "eval --parzen-samples 10^9": (lambda d, ms: ["eval", "--model", _m(d, ms, "image"), "--parzen",
                                                  "--parzen-samples", BIG], "memory"),
    "eval images --n 10^9": (lambda d, ms: ["eval", "--model", _m(d, ms, "image"), "--n", BIG], "memory"),
    "eval a CSV as model": (lambda d, ms: ["eval", "--model", _pts(d)], "HDF5"),
    "sample --n 10^12": (lambda d, ms: ["sample", "--model", _m(d, ms), "--n", str(10 ** 12), "--out", "s.h5"],
                         "GB"),
    "sample --n -3": (lambda d, ms: ["sample", "--model", _m(d, ms), "--n", "-3", "--out", "s.h5"], "--n"),
    "sample --size 10^5": (lambda d, ms: ["sample", "--model", _m(d, ms, "image"), "--size", "100000", "100000",
                                          "--out", "s.h5"], "--size"),
    "sample images --n 10^9": (lambda d, ms: ["sample", "--model", _m(d, ms, "image"), "--n", BIG,
                                              "--out", "s.h5"], "GB"),
    "sample --out model": (lambda d, ms: ["sample", "--model", _m(d, ms), "--out", "m.h5"], "input"),
    "diffuse --n 10^9": (lambda d, ms: ["diffuse", "--data", "swissroll", "--n", BIG, "--out", "f.h5"], "GB"),
    "diffuse --T 100000": (lambda d, ms: ["diffuse", "--data", "swissroll", "--T", "100000", "--out", "f.h5"], "--T"),
    "diffuse --data X --out X": (lambda d, ms: ["diffuse", "--data", _pts(d), "--out", "pts.csv"], "input"),
    "diffuse image model": (lambda d, ms: ["diffuse", "--data", "swissroll", "--model", _m(d, ms, "image"),
                                           "--out", "f.h5"], "2-D points"),
    "inpaint --out image": (lambda d, ms: ["inpaint", "--model", _img(d, ms), "--image", "img.png", "--mask",
                                           "mask.png", "--out", "img.png"], "input"),
    "inpaint --out mask": (lambda d, ms: ["inpaint", "--model", _img(d, ms), "--image", "img.png", "--mask",
                                          "mask.png", "--out", "mask.png"], "input"),
    "denoise --out model": (lambda d, ms: ["denoise", "--model", _img(d, ms), "--image", "img.png", "--out", "m.h5"],
                            "input"),
    "inpaint --png over input": (lambda d, ms: (_img(d, ms), shutil.copy(d / "img.png", d / "sample_00.png"),
                                                ["inpaint", "--model", "m.h5", "--image", "sample_00.png", "--mask",
                                                 "mask.png", "--png", ".", "--out", "out.h5"])[-1], "overwrite"),
    "inpaint --png over input, --n 10^9": (lambda d, ms: (_img(d, ms), shutil.copy(d / "img.png", d / "sample_123.png"),
                                                          ["inpaint", "--model", "m.h5", "--image", "sample_123.png",
                                                           "--mask", "mask.png", "--png", ".", "--n", BIG,
                                                           "--out", "out.h5"])[-1], "overwrite"),
    "inpaint points model": (lambda d, ms: (_img(d, ms), fc.copy_model(ms["points"], d, "p.h5"),
                                            ["inpaint", "--model", "p.h5", "--image", "img.png", "--mask", "mask.png",
                                             "--out", "out.h5"])[-1], "not an image model"),
}
CASES = _cases()
# Run again as real processes in the default run: the ones that would allocate most if unchecked.
MEMORY_CASES = ["args: train --n 10^9", "args: train --batch 10^9", "args: eval --ais-k 10^9",
                "args: eval --parzen-samples 10^9", "image: inpaint --n 10^7", "image: image 49 MP header",
                "data: npy declares 10^10 rows"]


# ---- running and checking ------------------------------------------------------------------------
def _snapshot(d: Path) -> dict:
    out = {}
    for p in sorted(d.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(d))] = (st.st_size, st.st_mtime_ns) if st.st_size > 10 << 20 else \
                hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_inprocess(argv, cwd):
    err, rss0, old = io.StringIO(), _maxrss(), os.getcwd()
    t0 = time.perf_counter()
    try:
        os.chdir(cwd)
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            rc = cli_main(list(map(str, argv)))
    finally:
        os.chdir(old)
    return rc, err.getvalue(), time.perf_counter() - t0, _maxrss() - rss0


# A small launcher runs the command and reports the peak RSS of its child: measured from
# this (large) test process instead, a child's peak would include the pages it shares with
# its parent between fork and exec.
LAUNCHER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[2:]); "
            "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
            "sys.exit(r.returncode)")


def run_process(argv, cwd, timeout=60):
    """main.py as a real process: (exit status, stderr, seconds, its peak RSS in bytes)."""
    cwd = Path(cwd)
    rss_file, err_file = cwd.parent / f"{cwd.name}.rss", cwd.parent / f"{cwd.name}.stderr"
    t0 = time.perf_counter()
    with err_file.open("w+b") as err:
        r = subprocess.run([sys.executable, "-c", LAUNCHER, str(rss_file), sys.executable, str(ROOT / "main.py"),
                            *map(str, argv)], cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, timeout=timeout,
                           env={**os.environ, "OMP_NUM_THREADS": "1"})
        err.seek(0)
        text = err.read().decode(errors="replace")
    return r.returncode, text, time.perf_counter() - t0, int(rss_file.read_text()) * 1024


def check_refused(name, rc, err, wall, rss, needle, before, after):
    lines = err.strip().splitlines()
    assert rc == 2, (name, rc, err[-800:])
    assert len(lines) == 1 and lines[0].startswith("error: "), (name, err[-800:])
    assert re.search(needle, lines[0]), (name, needle, lines[0])
    assert not any(b in lines[0] for b in BAD_TEXT), (name, lines[0])
    assert wall < LIMIT_S, (name, wall)
    assert rss < LIMIT_BYTES, (name, rss)
    assert before == after, (name, "files changed", before, after)


@pytest.fixture(scope="module")
def models(tiny_model_path, tiny_image_model):
    return {"points": tiny_model_path, "image": tiny_image_model}


def _prepare(name, tmp_path, models):
    make, needle = CASES[name]
    d = tmp_path / "case"
    d.mkdir()
    argv = make(d, models)
    if "out.h5" in argv:            # an existing output must survive a refusal too
        (d / "out.h5").write_bytes(b"an earlier result")
    return d, argv, needle


@pytest.mark.parametrize("name", sorted(CASES))
def test_refused_in_process(name, tmp_path, models):
    d, argv, needle = _prepare(name, tmp_path, models)
    before = _snapshot(d)
    rc, err, wall, rss = run_inprocess(argv, d)
    check_refused(name, rc, err, wall, rss, needle, before, _snapshot(d))


@pytest.mark.parametrize("name", MEMORY_CASES)
def test_refused_as_a_process_within_memory(name, tmp_path, models):
    d, argv, needle = _prepare(name, tmp_path, models)
    before = _snapshot(d)
    check_refused(name, *run_process(argv, d), needle, before, _snapshot(d))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(CASES) - set(MEMORY_CASES)))
def test_refused_as_a_process(name, tmp_path, models):
    d, argv, needle = _prepare(name, tmp_path, models)
    before = _snapshot(d)
    check_refused(name, *run_process(argv, d), needle, before, _snapshot(d))


# ---- trajectories (read back through the storage layer) -------------------------------------------
def _traj(p):
    x = np.random.default_rng(0).normal(size=(11, 50, 2)).astype(np.float32)
    save_trajectory(p, "reverse", x, np.zeros(2), np.ones(2))


def _h5(fn):
    def mutate(p):
        with h5py.File(p, "r+") as f:
            fn(f, p)
    return mutate


def _replace(name, **kw):
    def fn(f, p):
        del f[name]
        f.create_dataset(name, **kw)
    return _h5(fn)


def _external(f, p):
    os.mkfifo(p.parent / "pipe")
    del f["reverse"]
    f["reverse"] = h5py.ExternalLink(str(p.parent / "pipe"), "/reverse")


def _attr(key, value):
    def fn(f, p):
        f.attrs[key] = value
    return _h5(fn)


TRAJ_CASES = {
    "truncated": (lambda p: fc.truncate(p, 0.5), "readable|damaged"),
    "bit flips": (lambda p: fc.flip(p, 60, start=200), "readable|damaged|not one|holds"),
    "a model file": (None, "not a trajectory"),
    "no such dataset": (_h5(lambda f, p: f.move("reverse", "other")), "no dataset"),
    "huge declared": (_replace("reverse", shape=(100_000, 100_000, 2), dtype="f4", chunks=(1, 1000, 2)), "values"),
    "NaN values": (_replace("reverse", data=np.full((11, 50, 2), np.nan, np.float32)), "NaN"),
    "2-D dataset": (_replace("reverse", data=np.zeros((11, 50), np.float32)), "trajectory"),
    "structured": (_replace("reverse", data=np.zeros((11, 5, 2), dtype=[("a", "f4")])), "not numbers"),
    "strings": (_replace("reverse", data=np.full((11, 5, 2), b"x")), "not numbers"),
    "external link to a pipe": (_h5(_external), "link"),
    "zero std": (_attr("data_std", np.zeros(2)), "standardisation"),
    "std missing": (_h5(lambda f, p: f.attrs.__delitem__("data_std")), "damaged"),
    "future schema": (_attr("schema_version", 99), "update"),
    "schema an array": (_attr("schema_version", np.arange(3)), "schema_version"),
}


@pytest.mark.parametrize("name", sorted(TRAJ_CASES))
def test_damaged_trajectories_are_refused(name, tmp_path, tiny_model_path):
    mutate, needle = TRAJ_CASES[name]
    p = tmp_path / "t.h5"
    if mutate is None:
        shutil.copy(tiny_model_path, p)
    else:
        _traj(p)
        mutate(p)
    before = _snapshot(tmp_path)
    t0 = time.perf_counter()
    with pytest.raises(StorageError) as e:
        load_trajectory(p, "reverse")
    msg = str(e.value)
    assert "\n" not in msg and re.search(needle, msg) and not any(b in msg for b in BAD_TEXT), msg
    assert time.perf_counter() - t0 < LIMIT_S and _snapshot(tmp_path) == before


def test_a_good_trajectory_still_loads(tmp_path):
    _traj(tmp_path / "t.h5")
    x, mean, std = load_trajectory(tmp_path / "t.h5", "reverse")
    assert x.shape == (11, 50, 2) and np.isfinite(x).all()


def test_case_count():
    """The README reports these numbers."""
    n_cli, n_traj = len(CASES), len(TRAJ_CASES)
    assert n_cli >= 70 and n_traj >= 12, (n_cli, n_traj)

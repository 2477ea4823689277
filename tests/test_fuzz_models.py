"""Damaged and hostile model files: each is refused with one StorageError line, quickly,
without allocating what the file declares and without opening any other file."""
import json
import os
import shutil
import time

import h5py
import numpy as np
import pytest

from engine.io.storage import StorageError, load_model
from tests.cli_run import cli


def _edit_config(path, **changes):
    with h5py.File(path, "r+") as f:
        cfg = json.loads(f.attrs["config"])
        for k, v in changes.items():
            if k.startswith("net."):
                cfg["net"][k[4:]] = v
            else:
                cfg[k] = v
        f.attrs["config"] = json.dumps(cfg)


def _replace(path, name, data=None, **kw):
    with h5py.File(path, "r+") as f:
        del f[name]
        if data is not None:
            f.create_dataset(name, data=data)
        else:
            f.create_dataset(name, **kw)


CONFIG_CASES = {
    "hidden 40000": {"net.hidden": 40000}, "J 10^7": {"net.J": 10_000_000}, "layers 10^6": {"net.layers": 1_000_000},
    "T 100000": {"T": 100_000}, "net a string": {"net": "mlp"}, "net null": {"net": None},
    "data a number": {"data": 3}, "data_args a list": {"data_args": [1, 2]}, "shape huge": {"shape": [2048, 2048, 3]},
    "channels 4000": {"shape": [4000, 16, 16]}, "beta1 zero": {"beta1": 0.0}, "beta1 NaN": {"beta1": float("nan")},
    "unknown net key": {"net.dense": 10 ** 7}, "T a string": {"T": "40"}, "hidden a bool": {"net.hidden": True},
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_absurd_config_values_are_refused(tiny_model_path, tmp_path, case):
    path = tmp_path / "m.h5"
    shutil.copy(tiny_model_path, path)
    _edit_config(path, **CONFIG_CASES[case])
    t0 = time.perf_counter()
    with pytest.raises(StorageError) as e:
        load_model(path)
    assert time.perf_counter() - t0 < 10 and "\n" not in str(e.value) and "m.h5" in str(e.value)


def _nan_mean(p):
    _replace(p, "data/mean", np.array([np.nan, 0.0]))


def _inf_std(p):
    _replace(p, "data/std", np.array([np.inf, 1.0]))


def _zero_std(p):
    _replace(p, "data/std", np.array([0.0, 1.0]))


def _huge_weight(p):
    """A 40000×40000 weight stored as empty chunks: tiny on disk, 6 GB if read."""
    with h5py.File(p, "r+") as f:
        key = next(_names(f["weights"]))
    _replace(p, f"weights/{key}", shape=(40000, 40000), dtype="f4", chunks=(1000, 1000))


def _names(g, prefix=""):
    for k, v in g.items():
        if isinstance(v, h5py.Group):
            yield from _names(v, f"{prefix}{k}/")
        else:
            yield prefix + k


def _heldout_3_columns(p):
    with h5py.File(p, "r+") as f:
        f.create_dataset("data/heldout", data=np.zeros((10, 3)))


def _structured_mean(p):
    _replace(p, "data/mean", np.zeros(2, dtype=[("a", "f8"), ("b", "f8")]))


def _external_link_to_pipe(p):
    fifo = p.parent / "pipe"
    os.mkfifo(fifo)
    with h5py.File(p, "r+") as f:
        f.move("weights", "weights_real")
        f["weights"] = h5py.ExternalLink(str(fifo), "/weights")


def _soft_link(p):
    with h5py.File(p, "r+") as f:
        f.move("data/mean", "data/mean_real")
        f["data/mean"] = h5py.SoftLink("/data/mean_real")


def _truncated(p):
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 3])


def _bit_flips(p):
    data = bytearray(p.read_bytes())
    rng = np.random.default_rng(0)
    for i in rng.integers(0, len(data), 200):
        data[i] ^= 0xFF
    p.write_bytes(bytes(data))


def _schema_array(p):
    with h5py.File(p, "r+") as f:
        f.attrs["schema_version"] = np.array([1, 2])


FILE_CASES = {"NaN mean": _nan_mean, "infinite std": _inf_std, "zero std": _zero_std,
              "huge declared weight": _huge_weight, "3-column held-out set": _heldout_3_columns,
              "structured mean": _structured_mean, "external link to a named pipe": _external_link_to_pipe,
              "soft link": _soft_link, "truncated": _truncated, "bit flips": _bit_flips,
              "schema_version an array": _schema_array}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_damaged_or_hostile_files_are_refused(tiny_model_path, tmp_path, case):
    path = tmp_path / "m.h5"
    shutil.copy(tiny_model_path, path)
    FILE_CASES[case](path)
    t0 = time.perf_counter()
    r = cli("eval", "--model", path, "--ais-k", "0", "--n", "100")
    assert r.returncode == 2, (case, r.stdout, r.stderr[-500:])
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and "m.h5" in r.stderr
    assert time.perf_counter() - t0 < 30

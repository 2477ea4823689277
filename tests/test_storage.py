"""HDF5 models: round trip, validation of bad files, atomic saves, resumable training."""
import shutil

import h5py
import numpy as np
import pytest

from engine.io import storage
from engine.data.points import make_points
from engine.core.sampling import sample_trajectory
from engine.io.storage import StorageError, load_model, save_model
from engine.training import TrainConfig, train


def test_round_trip_keeps_everything(tiny_model_path, tmp_path):
    m = load_model(tiny_model_path)
    copy = tmp_path / "copy.h5"
    save_model(m, copy)
    m2 = load_model(copy)
    assert m2.config == m.config and m2.step == m.step == 200
    np.testing.assert_array_equal(m2.data_mean, m.data_mean)
    assert m2.history == m.history and len(m.history["bound_bits"]) == 2
    np.testing.assert_array_equal(sample_trajectory(m, 50, seed=4), sample_trajectory(m2, 50, seed=4))
    with h5py.File(copy) as f:
        assert f.attrs["schema_version"] == storage.SCHEMA_VERSION
        assert f["schedule/betas"].dtype == np.float64 and f["schedule/betas"].shape == (m.T,)
        assert "optimizer" in f and "weights" in f
    # The temp file is private while written; the saved file follows the umask like any other.
    assert copy.stat().st_mode & 0o777 == storage._FILE_MODE == 0o666 & ~_umask()
    assert not list(tmp_path.glob(".*.tmp"))


def _umask() -> int:
    import os
    u = os.umask(0)
    os.umask(u)
    return u


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign", "newer", "nan", "shape", "missing"])
def test_bad_files_raise_one_clear_error(tiny_model_path, tmp_path, damage):
    bad = tmp_path / "bad.h5"
    shutil.copy(tiny_model_path, bad)
    if damage == "truncate":
        data = bad.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        bad.write_bytes(b"not an hdf5 file at all" * 10)
    elif damage == "foreign":
        with h5py.File(bad, "w") as f:
            f["x"] = np.arange(3)
    else:
        with h5py.File(bad, "a") as f:
            if damage == "newer":
                f.attrs["schema_version"] = storage.SCHEMA_VERSION + 1
            elif damage == "nan":
                w = f["weights/net.head.bias"]
                w[...] = np.nan
            elif damage == "shape":
                del f["weights/net.head.bias"]
                f["weights/net.head.bias"] = np.zeros(3, np.float32)
            elif damage == "missing":
                del f["weights/net.head.weight"]
    with pytest.raises(StorageError) as err:
        load_model(bad)
    msg = str(err.value)
    assert "\n" not in msg and "bad.h5" in msg


def test_failed_save_leaves_the_old_file_intact(tiny_model_path, tmp_path, monkeypatch):
    target = tmp_path / "keep.h5"
    shutil.copy(tiny_model_path, target)
    before = target.read_bytes()
    m = load_model(tiny_model_path)
    monkeypatch.setattr(storage, "_state", lambda model: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        save_model(m, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.h5"], "no temp file left behind"


def test_training_resumes_where_it_stopped(tiny_model_path, tmp_path):
    m = load_model(tiny_model_path)
    data = make_points("swissroll", n=2000, seed=1)
    assert m.optimizer_state is not None and len(m.optimizer_state["state"]) > 0
    gen = train(m, m.standardise(data.train), m.standardise(data.heldout),
                TrainConfig(steps=100, batch=64, eval_every=50, eval_points=200, device="cpu"))
    for p in gen:
        if p.step >= 250:
            gen.close()     # cancel part-way, as the worker does
    assert m.step == 250
    save_model(m, tmp_path / "resumed.h5")
    m2 = load_model(tmp_path / "resumed.h5")
    assert m2.step == 250 and m2.history["step"][-1] == 250
    steps_before = int(m2.optimizer_state["state"][0]["step"])
    assert steps_before == 250
    list(train(m2, m2.standardise(data.train), m2.standardise(data.heldout),
               TrainConfig(steps=10, batch=64, eval_every=10, eval_points=200, device="cpu")))
    assert m2.step == 260 and m2.history["elapsed"][-1] >= m2.history["elapsed"][-2]


def test_trajectory_files_validate(tmp_path):
    p = tmp_path / "t.h5"
    storage.save_trajectory(p, "forward", np.zeros((3, 5, 2), np.float32), [0, 0], [1, 1])
    x, mean, std = storage.load_trajectory(p, "forward")
    assert x.shape == (3, 5, 2)
    with pytest.raises(StorageError):
        storage.load_trajectory(p, "reverse")
    with pytest.raises(StorageError):
        load_model(p)   # a trajectory is not a model


def test_a_refused_file_leaves_h5py_free_for_other_threads(tiny_model_path, tmp_path):
    """A NaN weight is refused part-way through reading the weights; the worker thread's
    next h5py call must not wait on a lock the abandoned read still holds."""
    import threading

    bad = tmp_path / "nan.h5"
    shutil.copy(tiny_model_path, bad)
    with h5py.File(bad, "a") as f:
        f["weights/net.head.bias"][...] = np.nan
    with pytest.raises(StorageError) as err:
        load_model(bad)
    loaded = []
    other = threading.Thread(target=lambda: loaded.append(load_model(tiny_model_path)), daemon=True)
    other.start()
    other.join(20)
    assert loaded, "another thread could not open a model after a refused one"
    del err

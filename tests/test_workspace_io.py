"""Workspace files, engine side (engine/io/workspace.py): a round trip keeps every value and
the model's weights; the model's own path is kept only while its file holds those weights;
damaged and hostile files are refused with one line, and nothing is written on failure."""
import h5py
import numpy as np
import pytest
import torch

from engine.io.storage import StorageError, load_model, save_model
from engine.io.workspace import (WORKSPACE_SCHEMA, Workspace, load_workspace_model, read_workspace,
                                 save_workspace)


def _workspace(model_path="", saved=False) -> Workspace:
    rng = np.random.default_rng(0)
    alpha = np.zeros((12, 10), np.float32)
    alpha[4:8, 3:7] = 1.0
    return Workspace(
        tab="inpaint", t=7, model_path=str(model_path), model_saved=saved,
        data={"name": "moons", "noise": 0.1, "n": 500, "size": 32, "points": rng.normal(size=(50, 2))},
        views={"points": {"ranges": rng.normal(size=(2, 2, 2)), "selection_forward": np.array([1, 5, 9]),
                          "selection_reverse": np.array([], int), "forward": rng.normal(size=(11, 50, 2))},
               "inpaint": {"image": rng.random((1, 12, 10)), "alpha": alpha, "task": "denoise", "snr": 1.0},
               "image": {"size": 48, "n": 9}},
        window_state=bytes(range(256)) * 3)


def _weights(model):
    return {k: v.detach().clone() for k, v in model.net.state_dict().items()}


def test_round_trip_keeps_every_value_and_the_weights(tmp_path, tiny_model_path):
    model = load_model(tiny_model_path)
    ws = _workspace(tiny_model_path, saved=True)
    out = tmp_path / "lesson.h5"
    save_workspace(out, ws, model)
    back = read_workspace(out)
    assert back.has_model and (back.tab, back.t, back.model_saved) == ("inpaint", 7, True)
    assert back.model_path == str(tiny_model_path) and back.window_state == ws.window_state
    assert back.data["name"] == "moons" and back.data["n"] == 500 and back.data["size"] == 32
    assert np.isclose(back.data["noise"], 0.1)
    np.testing.assert_allclose(back.data["points"], ws.data["points"], rtol=1e-6)
    p, q = back.views["points"], ws.views["points"]
    np.testing.assert_array_equal(p["selection_forward"], [1, 5, 9])
    assert p["selection_reverse"].shape == (0,) and "reverse" not in p
    np.testing.assert_allclose(p["ranges"], q["ranges"], rtol=1e-6)
    np.testing.assert_allclose(p["forward"], q["forward"], rtol=1e-6)
    i = back.views["inpaint"]
    np.testing.assert_array_equal(i["alpha"], ws.views["inpaint"]["alpha"])
    np.testing.assert_allclose(i["image"], ws.views["inpaint"]["image"], rtol=1e-6)
    assert (i["task"], i["snr"]) == ("denoise", 1.0) and back.views["image"] == {"size": 48, "n": 9}
    # The embedded model: the same weights, and its own path, since that file still holds them.
    got, path = load_workspace_model(out)
    assert path == str(tiny_model_path)
    for k, v in _weights(model).items():
        assert torch.equal(got.net.state_dict()[k], v)


def test_an_unsaved_or_changed_model_is_embedded_and_opens_without_a_path(tmp_path, tiny_model_path):
    model = load_model(tiny_model_path)
    with torch.no_grad():
        next(model.net.parameters()).add_(0.5)       # trained further, never saved
    own = tmp_path / "own.h5"
    save_model(load_model(tiny_model_path), own)
    out = tmp_path / "ws.h5"
    save_workspace(out, _workspace(own, saved=True), model)
    got, path = load_workspace_model(out)
    assert path == ""                                # own.h5 holds other weights: not claimed
    for k, v in _weights(model).items():
        assert torch.equal(got.net.state_dict()[k], v)
    own.unlink()                                     # self-contained: the model file can go
    got, path = load_workspace_model(out)
    assert path == "" and torch.equal(next(got.net.parameters()), next(model.net.parameters()))


def test_without_a_model(tmp_path):
    out = tmp_path / "empty.h5"
    save_workspace(out, Workspace(tab="points", t=0))
    assert not read_workspace(out).has_model
    with pytest.raises(StorageError, match="holds no model"):
        load_workspace_model(out)


def _damage(path, how):
    with h5py.File(path, "a") as f:
        how(f)


HOSTILE = {
    "nan in a view": lambda f: f["views/points/ranges"].__setitem__((0, 0, 0), np.nan),
    "wrong shape": lambda f: (f.__delitem__("views/points/ranges"),
                              f.create_dataset("views/points/ranges", data=np.zeros((3, 2)))),
    "text for numbers": lambda f: (f.__delitem__("views/points/selection_forward"),
                                   f.create_dataset("views/points/selection_forward", data=np.array([b"x"]))),
    "unexpected dataset": lambda f: f.create_dataset("views/points/payload", data=np.zeros(3)),
    "unexpected view": lambda f: f.create_group("views/other").create_dataset("x", data=np.zeros(2)),
    "negative indices": lambda f: (f.__delitem__("views/points/selection_forward"),
                                   f.create_dataset("views/points/selection_forward", data=np.array([-4]))),
    "newer schema": lambda f: f.attrs.__setitem__("schema_version", WORKSPACE_SCHEMA + 5),
    "foreign kind": lambda f: f.attrs.__setitem__("kind", "something/else"),
    "soft link": lambda f: f.__setitem__("views/points/link", h5py.SoftLink("/data/points")),
    "external link": lambda f: f.__setitem__("views/points/ext", h5py.ExternalLink("/etc/passwd", "/x")),
    "mask of another size": lambda f: (f.__delitem__("views/inpaint/alpha"),
                                       f.create_dataset("views/inpaint/alpha", data=np.zeros((3, 3), np.float32))),
    "nan in the mask": lambda f: f["views/inpaint/alpha"].__setitem__((0, 0), np.nan),
    "tab as a number array": lambda f: f.attrs.__setitem__("t", np.arange(3)),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_damaged_and_hostile_files_are_refused_in_one_line(tmp_path, case):
    out = tmp_path / "ws.h5"
    save_workspace(out, _workspace())
    _damage(out, HOSTILE[case])
    with pytest.raises(StorageError) as e:
        read_workspace(out)
    assert "\n" not in str(e.value) and "ws.h5" in str(e.value)


def test_truncated_and_missing_files_and_a_damaged_embedded_model(tmp_path, tiny_model_path):
    out = tmp_path / "ws.h5"
    save_workspace(out, _workspace(), load_model(tiny_model_path))
    data = out.read_bytes()
    (tmp_path / "cut.h5").write_bytes(data[: len(data) // 3])
    for bad in (tmp_path / "cut.h5", tmp_path / "none.h5"):
        with pytest.raises(StorageError) as e:
            read_workspace(bad)
        assert "\n" not in str(e.value)
    _damage(out, lambda f: f["model/weights"].__setitem__("extra", np.zeros(3)))
    read_workspace(out)                               # the rest is fine; the model is refused
    with pytest.raises(StorageError, match="unexpected weight") as e:
        load_workspace_model(out)
    assert "\n" not in str(e.value)


def test_a_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path):
    out = tmp_path / "ws.h5"
    save_workspace(out, Workspace(tab="binary", t=3))
    before = out.read_bytes()
    bad = Workspace(views={"points": {"nonsense": np.zeros(3)}})     # not in the schema
    with pytest.raises(KeyError):
        save_workspace(out, bad)
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["ws.h5"]
    with pytest.raises(StorageError, match="folder does not exist"):
        save_workspace(tmp_path / "no" / "ws.h5", Workspace())

"""Bad files through the GUI's own paths (File ▸ Open's open_model, the Data dock's
load_file): each is one line in the banner, the open model and data stay as they were,
and the next good open works."""
import json
import os
import shutil

import h5py
import numpy as np
import pytest

from tests.fuzz_cases import npy_declaring, truncate


def _edit_config(p, **changes):
    with h5py.File(p, "r+") as f:
        cfg = json.loads(f.attrs["config"])
        cfg.update(changes)
        f.attrs["config"] = json.dumps(cfg)


def _nan_mean(p):
    with h5py.File(p, "r+") as f:
        del f["data/mean"]
        f["data/mean"] = np.array([np.nan, 0.0])


def _external_link(p):
    os.mkfifo(p.parent / "pipe")
    with h5py.File(p, "r+") as f:
        f.move("weights", "weights_real")
        f["weights"] = h5py.ExternalLink(str(p.parent / "pipe"), "/weights")


BAD_MODELS = {
    "truncated": (truncate, "truncated|readable"),
    "T 100000": (lambda p: _edit_config(p, T=100_000), "T must be"),
    "NaN mean": (_nan_mean, "NaN"),
    "external link to a pipe": (_external_link, "link"),
    "not a model": (lambda p: p.write_text("hello"), "HDF5"),
}


def _wait_failed(qtbot, window, call):
    with qtbot.waitSignal(window.client.jobFailed, timeout=20000):
        call()
    qtbot.wait(20)
    return window.banner.text


def test_bad_models_through_file_open_are_one_banner_line_and_the_model_stays(window, qtbot, tmp_path,
                                                                               tiny_model_path):
    import re
    before = (window.state.model.model_id, window.state.model.path, window.state.T)
    for i, (name, (mutate, needle)) in enumerate(BAD_MODELS.items()):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        path = folder / "bad.h5"
        shutil.copy(tiny_model_path, path)
        mutate(path)
        text = _wait_failed(qtbot, window, lambda: window.files.open_model(str(path), ask=False))
        assert window.banner.isVisible() and "\n" not in text and "bad.h5" in text, (name, text)
        assert re.search(needle, text) and "Traceback" not in text and "NoneType" not in text, (name, text)
        assert (window.state.model.model_id, window.state.model.path, window.state.T) == before, name
    # The app keeps working: a good model opens.
    good = tmp_path / "good.h5"
    shutil.copy(tiny_model_path, good)
    with qtbot.waitSignal(window.client.modelChanged, timeout=20000):
        window.files.open_model(str(good), ask=False)
    qtbot.waitUntil(lambda: window.state.model.path.endswith("good.h5"), timeout=10000)
    assert window.state.model.model_id != before[0]


def _csv(text):
    def make(p):
        p.with_suffix(".csv").write_text(text)
        return p.with_suffix(".csv")
    return make


BAD_DATA = {
    "3 columns": (_csv("1,2,3\n" * 40), "shape"),
    "NaN": (_csv("\n".join(f"{i},{i % 7}" for i in range(40)) + "\nnan,1\n"), "NaN"),
    "empty": (_csv(""), "empty"),
    "structured npy": (lambda p: (np.save(p.with_suffix(".npy"), np.zeros(40, dtype=[("x", "f8"), ("y", "f8")])),
                                  p.with_suffix(".npy"))[1], "plain numbers"),
    "npy declaring 10^10 rows": (lambda p: (npy_declaring(p.with_suffix(".npy"), (10 ** 10, 2)),
                                            p.with_suffix(".npy"))[1], "declares"),
}


@pytest.mark.parametrize("name", sorted(BAD_DATA))
def test_bad_data_files_through_the_data_dock(window, qtbot, tmp_path, name):
    make, needle = BAD_DATA[name]
    panel = window.data_panel
    current, points = panel.current, np.array(panel.points)
    path = make(tmp_path / "pts")
    assert panel.load_file(str(path)) is False
    text = window.banner.text
    assert window.banner.isVisible() and "\n" not in text and path.name in text and needle in text, text
    assert panel.current == current and np.array_equal(panel.points, points)
    good = tmp_path / "good.csv"
    np.savetxt(good, np.random.default_rng(0).normal(size=(50, 2)), delimiter=",")
    assert panel.load_file(str(good)) and panel.current == "file:good.csv" and len(panel.points) == 50


def test_training_that_diverges_is_one_banner_line_and_the_model_stays_usable(window, qtbot, monkeypatch):
    """A NaN loss at the 30th step (injected): the banner says so, the window shows the
    restored model's finite samples, and the next job runs."""
    from engine import training

    from .conftest import tiny_training
    real, calls = training.bound_loss, [0]

    def poisoned(*a, **k):
        calls[0] += 1
        loss = real(*a, **k)
        return loss * float("nan") if calls[0] == 30 else loss

    monkeypatch.setattr(training, "bound_loss", poisoned)
    tiny_training(window, steps=60)
    with qtbot.waitSignal(window.client.jobFailed, timeout=30000, check_params_cb=lambda ev: ev.kind == "train"):
        window.training_panel.start.click()
    qtbot.wait(50)
    text = window.banner.text
    assert "\n" not in text and "step 30" in text and "lower learning rate" in text, text
    assert window.state.has_model and window.state.T == 10
    assert np.isfinite(window.points.state.reverse).all()
    with qtbot.waitSignal(window.client.jobFinished, timeout=10000,
                          check_params_cb=lambda ev: ev.kind == "sample") as done:
        window.points.request_reverse()
    assert not done.args[0].cancelled and np.isfinite(window.points.state.reverse).all()

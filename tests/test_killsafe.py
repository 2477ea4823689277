"""Saves survive a kill: a process saving a model over and over to one path is killed
(SIGKILL) at random moments; the file at that path always opens intact, holding one whole
save, and the temp files killed saves leave behind are gone after the next save there.

Children come from a forkserver that has already imported the storage layer, so each one
starts in milliseconds and the kill lands while it is saving."""
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from engine.io import storage
from engine.io.storage import TEMP_SUFFIX, load_model, remove_stale_temps, save_model
from engine.model import DiffusionModel, ModelConfig

CFG = ModelConfig(T=10, schedule="snr", beta1=1e-3, shape=(2,), net={"kind": "mlp", "hidden": 64, "layers": 3, "J": 8})


def _model(value: float, step: int) -> DiffusionModel:
    m = DiffusionModel(CFG, np.zeros(2), np.ones(2))
    with torch.no_grad():
        for p in m.net.parameters():
            p.fill_(value)
    m.step = step
    m.history["step"].extend(range(step % 50))
    return m


def _saver(path: str, ready) -> None:
    """Save models to `path` forever; model i has every weight equal to i and step i."""
    models = [_model(float(i), i) for i in range(1, 6)]
    ready.set()
    i = 0
    while True:
        save_model(models[i % 5], path)
        i += 1


def _check_whole(path) -> int:
    """The file opens and holds one whole save: every weight equals its step's value."""
    m = load_model(path)
    values = {float(v) for p in m.net.parameters() for v in p.detach().flatten()[:50]}
    assert values == {float(m.step)} or (m.step == 0 and values == {0.0}), (m.step, sorted(values)[:5])
    assert len(m.history["step"]) == m.step % 50
    return m.step


def _temps(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def _kill_loop(tmp_path, kills: int, seed: int):
    path = tmp_path / "model.h5"
    save_model(_model(0.0, 0), path)
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["engine.io.storage", "tests.test_killsafe"])
    rng = np.random.default_rng(seed)
    steps, left_behind = set(), 0
    for _ in range(kills):
        ready = ctx.Event()
        p = ctx.Process(target=_saver, args=(str(path), ready), daemon=True)
        p.start()
        assert ready.wait(60)
        time.sleep(float(rng.uniform(0.0, 0.12)))
        os.kill(p.pid, signal.SIGKILL)
        p.join(10)
        steps.add(_check_whole(path))
        left = len(_temps(tmp_path))
        assert left <= 1            # the next child's first save swept the one before
        left_behind += left
    # The next save to the folder (this process: its "next start") sweeps what the kills left.
    save_model(_model(3.0, 3), tmp_path / "other.h5")
    assert _temps(tmp_path) == [] and _check_whole(path) in range(6)
    return steps, left_behind


def test_sixty_kills_leave_the_previous_file_intact(tmp_path):
    steps, left = _kill_loop(tmp_path, kills=60, seed=1)
    # Saves completed between kills (the file changed) and kills landed mid-save (temp files left).
    assert len(steps) >= 3 and left >= 10, (steps, left)


@pytest.mark.slow
def test_three_hundred_kills(tmp_path):
    steps, left = _kill_loop(tmp_path, kills=300, seed=2)
    assert len(steps) >= 3 and left >= 50, (steps, left)


def test_stale_temps_of_dead_processes_go_and_live_ones_stay(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    mine = os.getpid()
    (tmp_path / f".m.h5.{dead}.abc123{TEMP_SUFFIX}").write_bytes(b"partial")
    old_mine = tmp_path / f".n.h5.{mine}.def456{TEMP_SUFFIX}"
    old_mine.write_bytes(b"partial")
    os.utime(old_mine, (storage._STARTED - 100, storage._STARTED - 100))    # from before this process
    (tmp_path / f".o.h5.1.ghi789{TEMP_SUFFIX}").write_bytes(b"pid 1 lives")  # init: never stale
    (tmp_path / "notes.de.tmp").write_bytes(b"not our pattern")
    (tmp_path / ".m.h5.tmp").write_bytes(b"not our pattern")
    save_model(_model(1.0, 1), tmp_path / "m.h5")
    assert _temps(tmp_path) == [f".o.h5.1.ghi789{TEMP_SUFFIX}", "notes.de.tmp"]
    assert (tmp_path / ".m.h5.tmp").exists() and remove_stale_temps(tmp_path) == 0

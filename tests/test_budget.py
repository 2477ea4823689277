"""The memory budget and the long-job note (engine/io/budget.py): the limit and its flag,
one-line refusals, the note's wording, and estimates checked against the peak memory of
real runs (each a process; its peak RSS from os.wait4, less that of a run doing nothing)."""
import io
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout

import pytest

from engine.cli import main as cli_main
from engine.io import budget
from engine.io.budget import BudgetError, Estimate, check_memory, forward_cost, long_job_note, memory_limit, train_cost
from tests.test_fuzz_inputs import run_process

MB = 1 << 20


def test_limit_defaults_to_half_the_memory_and_the_flag_overrides_it():
    assert memory_limit() == int(budget.physical_memory() * 0.5) and budget.physical_memory() > 256 * MB
    assert memory_limit(2.5) == int(2.5 * (1 << 30))
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(BudgetError, match="--max-memory"):
            memory_limit(bad)


def test_refusal_is_one_line_naming_the_job_and_the_flag():
    with pytest.raises(BudgetError) as e:
        check_memory(Estimate(3 << 30, 0, 0), "sampling 10 images", 1 << 30, "try a smaller --n")
    msg = str(e.value)
    assert "\n" not in msg and "sampling 10 images" in msg and "3.0 GB" in msg and "1.0 GB" in msg
    assert "--max-memory" in msg and "--n" in msg
    check_memory(Estimate(1 << 29, 0, 0), "x", 1 << 30)      # under the limit: no error


def test_long_jobs_get_a_note_short_ones_none():
    assert long_job_note(Estimate(0, 1e6, 1), "x") is None
    note = long_job_note(Estimate(0, budget.FLOPS["cpu"] * 3600 * 5, 0), "training", "cpu")
    assert note.startswith("note: training will take roughly 5 hours on cpu") and "Ctrl-C" in note
    assert long_job_note(Estimate(0, budget.FLOPS["cpu"] * 600, 0), "x", "cuda").endswith("Ctrl-C stops it")


def test_estimates_grow_with_every_argument():
    net = {"kind": "mlp", "hidden": 64, "layers": 3, "J": 16}
    base = train_cost(net, (2,), 40, 10_000, 100, 512)
    for bigger in (train_cost(net, (2,), 40, 10 ** 6, 100, 512), train_cost(net, (2,), 40, 10_000, 100, 10 ** 5)):
        assert bigger.bytes > 5 * base.bytes
    assert train_cost(net, (2,), 40, 10_000, 10_000, 512).seconds() > 50 * base.seconds()
    assert forward_cost((2,), 4000, 1000).bytes > 50 * forward_cost((2,), 40, 1000).bytes


def test_cli_says_up_front_when_a_job_will_be_long(tmp_path, monkeypatch):
    """With the threshold at 0 s, a small diffuse job prints the note (one stderr line) and runs."""
    monkeypatch.setattr(budget, "LONG_S", 0.0)
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        rc = cli_main(["diffuse", "--data", "swissroll", "--n", "100", "--T", "5", "--out", str(tmp_path / "f.h5")])
    lines = err.getvalue().strip().splitlines()
    assert rc == 0 and len(lines) == 1 and lines[0].startswith("note: diffusing 100 points") and "Ctrl-C" in lines[0]


@pytest.fixture(scope="module")
def baseline(tiny_model_path, tmp_path_factory):
    d = tmp_path_factory.mktemp("baseline")
    shutil.copy(tiny_model_path, d / "m.h5")
    rc, err, _, rss = run_process(["eval", "--model", "m.h5", "--n", "10", "--ais-k", "0"], d)
    assert rc == 0, err
    return rss


@pytest.mark.parametrize("argv,estimate", [
    (["train", "--data", "swissroll", "--n", "100000", "--batch", "50000", "--steps", "2", "--T", "10"],
     lambda: train_cost({"kind": "mlp", "hidden": 64, "layers": 3, "J": 16}, (2,), 10, 120_000, 2, 50_000)),
    (["diffuse", "--data", "swissroll", "--n", "400000", "--T", "20"], lambda: forward_cost((2,), 20, 400_000)),
])
def test_estimates_match_measured_peaks(argv, estimate, baseline, tmp_path):
    """Within a factor of about two either way (the estimate may err high: it refuses, so
    over-estimating is the safer side), plus 40 MB of run-to-run noise."""
    rc, err, _, rss = run_process([*argv, "--out", "out.h5"], tmp_path)
    assert rc == 0, err[-500:]
    used, est = max(rss - baseline, 0), estimate().bytes
    assert used <= 2 * est + 40 * MB and est <= 3 * used + 40 * MB, (argv[0], used / MB, est / MB)
    os.remove(tmp_path / "out.h5")


def test_worker_job_refuses_a_batch_over_the_memory_budget():
    """The GUI's training job checks the batch before training (its data are built already)."""
    from engine.data.points import make_points
    from engine.model import ModelConfig
    from engine.runtime import jobs
    from engine.runtime import protocol as m
    from engine.training import TrainConfig

    state = jobs.EngineState("cpu")
    data = make_points("swissroll", n=1000, seed=0)
    cmd = m.Train(train=data.train, heldout=data.heldout, model_config=ModelConfig(T=10, shape=(2,)),
                  config=TrainConfig(steps=2, batch=10 ** 9), refresh_n=50)
    with pytest.raises(ValueError, match="memory") as e:
        list(jobs.run(state, cmd))
    assert "\n" not in str(e.value) and "batch" in str(e.value)

"""Training survives NaN: a non-finite loss or gradient stops training within the step, the
last good weights and optimiser state come back (finite, equal to those of the last step
whose loss was finite), and the CLI and the worker say so in one line."""
import numpy as np
import pytest
import torch

from engine import training
from engine.data.points import make_points
from engine.model import DiffusionModel, ModelConfig
from engine.runtime import jobs
from engine.runtime import protocol as m
from engine.training import TrainConfig, TrainingDiverged, train
from tests.cli_run import cli

CFG = ModelConfig(T=10, schedule="snr", beta1=1e-3, shape=(2,), net={"kind": "mlp", "hidden": 16, "layers": 2, "J": 4})
TC = TrainConfig(steps=30, batch=64, eval_every=10, eval_points=100, report_every=1, device="cpu")


def _setup():
    torch.manual_seed(0)
    data = make_points("swissroll", n=1000, seed=0)
    model = DiffusionModel(CFG, data.train.mean(0), data.train.std(0))
    return model, model.standardise(data.train), model.standardise(data.heldout)


def _weights(model):
    return {k: v.detach().clone() for k, v in model.net.state_dict().items()}


def _poison(monkeypatch, at: int, how: str):
    """bound_loss whose `at`-th call (1-based) gives a NaN loss, or finite loss with infinite gradients."""
    real, calls = training.bound_loss, [0]

    def patched(model, x0, gen, net=None):
        calls[0] += 1
        loss = real(model, x0, gen, net)
        if calls[0] == at:
            if how == "loss":
                return loss * float("nan")
            p = next(model.net.parameters())
            p.register_hook(lambda g: g * float("inf") if calls[0] == at else g)
        return loss

    monkeypatch.setattr(training, "bound_loss", patched)


@pytest.mark.parametrize("how,at", [("loss", 12), ("gradient", 12), ("loss", 11)])
def test_nan_restores_the_last_good_weights_and_optimiser_state(monkeypatch, how, at):
    """Step `at` goes bad; the newest copy (taken every SNAPSHOT_EVERY steps) whose own step
    was finite comes back: after step 10 for at = 12, after step 5 for at = 11."""
    k = training.SNAPSHOT_EVERY
    kept = (at - 2) // k * k
    model, x, held = _setup()
    ref, xr, heldr = _setup()   # the same run, stopped cleanly after `kept` steps
    gen = train(ref, xr, heldr, TC)
    for p in gen:
        if p.step == kept:
            break
    gen.close()
    good_weights, good_opt = _weights(ref), ref.optimizer_state

    _poison(monkeypatch, at, how)
    seen = []
    with pytest.raises(TrainingDiverged) as e:
        for p in train(model, x, held, TC):
            seen.append(p.step)
    msg = str(e.value)
    assert seen[-1] == at - 1 and "\n" not in msg and f"step {at}" in msg and "lower learning rate" in msg
    assert ("loss" if how == "loss" else "gradient") in msg
    assert model.step == kept and all(s <= kept for s in model.history["step"]) and f"step {kept} were restored" in msg
    for k, v in _weights(model).items():
        assert torch.isfinite(v).all() and torch.equal(v, good_weights[k]), k
    for idx, slots in good_opt["state"].items():
        for key, value in slots.items():
            assert torch.equal(model.optimizer_state["state"][idx][key], value), (idx, key)


def test_first_step_nan_keeps_the_starting_weights(monkeypatch):
    model, x, held = _setup()
    start = _weights(model)
    _poison(monkeypatch, 1, "loss")
    with pytest.raises(TrainingDiverged, match="step 1"):
        list(train(model, x, held, TC))
    assert model.step == 0 and all(torch.equal(v, start[k]) for k, v in _weights(model).items())


def test_absurd_learning_rate_stops_with_finite_weights():
    model, x, held = _setup()
    with pytest.raises(TrainingDiverged, match="lower learning rate"):
        list(train(model, x, held, TrainConfig(steps=200, batch=64, lr=1e30, lr_final=1.0, eval_every=1000,
                                               device="cpu")))
    assert all(torch.isfinite(v).all() for v in model.net.state_dict().values())
    assert model.step < 200


def test_worker_job_reports_and_keeps_a_usable_model():
    """The GUI's path: the training job shows the restored model, then fails with the message
    (the worker turns it into the banner's JobFailed line); the model still samples."""
    state = jobs.EngineState("cpu")
    data = make_points("swissroll", n=1000, seed=0)
    cmd = m.Train(train=data.train, heldout=data.heldout, model_config=CFG,
                  config=TrainConfig(steps=200, batch=64, lr=1e30, lr_final=1.0, eval_every=1000),
                  refresh_seconds=1e9, refresh_n=50)
    evs = []
    with pytest.raises(TrainingDiverged, match="lower learning rate"):
        for ev in jobs.run(state, cmd):
            evs.append(ev)
    assert type(evs[-2]).__name__ == "ModelChanged" and type(evs[-1]).__name__ == "Trajectory"
    assert np.isfinite(evs[-1].x).all()
    assert all(torch.isfinite(v).all() for v in state.model.net.state_dict().values())


def test_cli_diverging_training_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "m.h5"
    r = cli("train", "--data", "swissroll", "--n", "2000", "--T", "10", "--steps", "100", "--lr", "1e30",
            "--out", out)
    assert r.returncode == 2, r.stderr[-500:]
    lines = [ln for ln in r.stderr.replace("\r", "\n").splitlines() if ln.startswith("error")]
    assert len(lines) == 1 and "lower learning rate" in lines[0] and "Traceback" not in r.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


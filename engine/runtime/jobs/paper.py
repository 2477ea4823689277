"""Worker jobs for the rest of the paper: the entropy-production bounds with the learned
reverse step's entropy (eq. 24), and AIS estimates of log p sent beside the bound while
training. Runs only on the worker thread; registered in engine.runtime.jobs.HANDLERS."""
from __future__ import annotations

import time

import numpy as np

from engine.runtime import protocol as m
from engine.estimators.ais import ais_log_likelihood
from engine.data.catalogue import heldout
from engine.data.errors import DataError
from engine.core.diffusion import LN2
from engine.estimators.bound import evaluate_bound
from engine.estimators.entropy import model_entropy_steps

DESCRIBE = {"entropy": "computing entropy-production bounds"}
DONE = {"entropy": "entropy bounds ready"}

# AIS while training: on every AIS_EVERY-th bound evaluation (the first and the last too),
# on a fixed subset of the held-out data with a fixed seed, so successive estimates differ
# only through the model. The cost is capped at about AIS_BUDGET network evaluations
# (points × trajectories × T): 200 points × 16 trajectories for a 2-D model at T = 40
# (~0.1 s on one CPU thread), 40 × 16 for the heartbeat at T = 200 (~0.4 s). A pause
# waits for at most one estimate.
AIS_EVERY = 3
AIS_BUDGET = 128_000
AIS_POINTS = 200
AIS_TRAJECTORIES = 32


def ais_plan(T: int, available: int) -> tuple[int, int]:
    """(points, trajectories) for one in-training AIS estimate within AIS_BUDGET."""
    k = AIS_TRAJECTORIES if AIS_POINTS * AIS_TRAJECTORIES * T <= AIS_BUDGET else AIS_TRAJECTORIES // 2
    points = int(np.clip(AIS_BUDGET // (k * T), 40, AIS_POINTS))
    return min(points, available), k


class TrainingAis:
    """Counts bound evaluations in a training run and, on the chosen ones, yields an
    AisEstimate. Vector models only (2-D points, binary sequences): images cost too much."""

    def __init__(self, state, held: np.ndarray):
        self.state, self.held, self.count = state, held, 0

    def after_bound(self, model, p):
        self.count += 1
        if len(model.shape) != 1 or len(self.held) < 2 or not (p.done or (self.count - 1) % AIS_EVERY == 0):
            return
        points, k = ais_plan(model.T, len(self.held))
        sub = self.held[:points]
        t0 = time.perf_counter()
        ll, se, _ = ais_log_likelihood(model, sub, trajectories=k, seed=0, device=self.state.device)
        bound = evaluate_bound(model, sub, seed=0, device=self.state.device)
        yield m.AisEstimate(model_id=self.state.model_id, step=p.step, ais_bits=ll, ais_stderr_bits=se,
                            bound_bits=bound.K_bits, points=points, trajectories=k,
                            seconds=time.perf_counter() - t0, unit=bound.unit)


# ---- entropy production -------------------------------------------------------------------
def _entropy_data(model, cmd: m.EntropyRequest) -> np.ndarray:
    """Standardised data to average the model's reverse entropy over q(x_t): the data sent,
    else the model's held-out data, else (a set that cannot be rebuilt here) a unit-variance
    stand-in, which is what standardised data are by construction."""
    shape = tuple(model.shape)
    n = cmd.n if len(shape) == 1 else min(cmd.n, 16)
    raw = cmd.data
    if raw is None or tuple(np.shape(raw)[1:]) != shape:
        try:
            raw = heldout(model, n)
        except (DataError, OSError):     # a user file or folder that is gone
            raw = None
    if raw is not None and tuple(np.shape(raw)[1:]) == shape:
        return model.standardise(np.asarray(raw)[:n])
    return np.random.default_rng(0).standard_normal((cmd.n, *shape)).astype(np.float32)


def _entropy(state, cmd: m.EntropyRequest):
    model = state.require_model()
    x0 = _entropy_data(model, cmd)
    eb = None
    try:
        for eb in model_entropy_steps(model, x0):
            yield None   # a checkpoint: this background job steps aside for any other command
    finally:
        model.to(state.device)   # both compute on the CPU; later jobs expect the device
    yield m.EntropyCurve(model_id=state.model_id, family=model.diffusion.family, t=eb.t.copy(),
                         lower=eb.lower / LN2, upper=eb.upper / LN2,
                         model=None if eb.model is None else eb.model / LN2)


HANDLERS = {m.EntropyRequest: _entropy}

"""Commands to the worker and events from it: the only things that cross threads.
Plain dataclasses; every array in an event is a private copy the receiver may keep."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import ModelConfig
from .training import TrainConfig


# ---- commands (GUI -> worker) -----------------------------------------------------------
@dataclass
class Command:
    kind = "command"
    preempt = False   # a new command of this kind cancels a running one of the same kind


@dataclass
class LoadModel(Command):
    path: str
    kind = "load"


@dataclass
class SaveModel(Command):
    path: str
    kind = "save"


@dataclass
class Train(Command):
    """Train the current model further, or a new one when `model_config` is given.
    `train`/`heldout` are raw data (the model standardises)."""
    train: np.ndarray
    heldout: np.ndarray
    config: TrainConfig
    model_config: ModelConfig | None = None
    refresh_seconds: float = 3.0   # how often to send fresh reverse samples while training
    refresh_n: int = 2000
    show: np.ndarray | None = None  # raw points to diffuse once a new model exists (forward view)
    kind = "train"


@dataclass
class Sample(Command):
    n: int = 2000
    seed: int = 0
    kind = "sample"
    preempt = True


@dataclass
class Diffuse(Command):
    """Forward trajectory of raw data under the current model's schedule."""
    data: np.ndarray
    seed: int = 0
    kind = "diffuse"
    preempt = True


@dataclass
class Drift(Command):
    """Reverse-step mean and variance at step t for standardised points (drift arrows,
    covariance ellipses)."""
    t: int
    points: np.ndarray
    kind = "drift"
    preempt = True


@dataclass
class DriftSeries(Command):
    """The drift at several steps at once (one DriftField per step, all with `tag`), so a
    figure can ask for them together without one request replacing another."""
    ts: list
    points: np.ndarray
    tag: str = "series"
    kind = "drift_series"
    preempt = True


@dataclass
class Evaluate(Command):
    data: np.ndarray          # raw held-out data
    seed: int = 0
    kind = "evaluate"
    preempt = True


@dataclass
class Cancel(Command):
    """Cancel the running job of this kind (all kinds when None) and drop queued ones."""
    which: str | None = None
    kind = "cancel"


# ---- events (worker -> GUI) -------------------------------------------------------------
@dataclass
class Event:
    job: int = 0            # id of the job that sent it (0: the worker itself)


@dataclass
class JobStarted(Event):
    kind: str = ""
    text: str = ""


@dataclass
class JobFinished(Event):
    kind: str = ""
    cancelled: bool = False
    text: str = ""


@dataclass
class JobFailed(Event):
    kind: str = ""
    message: str = ""


@dataclass
class ModelChanged(Event):
    """A model was loaded, created or saved. Carries what the views need to draw it."""
    model_id: int = 0
    description: str = ""
    config: dict = field(default_factory=dict)
    beta: np.ndarray | None = None          # index t = 0..T
    alpha_bar: np.ndarray | None = None
    snr: np.ndarray | None = None
    data_mean: np.ndarray | None = None
    data_std: np.ndarray | None = None
    history: dict = field(default_factory=dict)
    path: str = ""
    device: str = "cpu"


@dataclass
class TrainProgress(Event):
    model_id: int = 0
    step: int = 0
    total: int = 0
    loss: float = 0.0
    elapsed: float = 0.0
    bound_bits: float | None = None
    per_step_kl_bits: list | None = None
    beta: np.ndarray | None = None
    device: str = "cpu"
    coalesce = True


@dataclass
class Trajectory(Event):
    """A whole trajectory, (T+1, n, *shape) in standardised space, indexed by t."""
    model_id: int = 0
    direction: str = "reverse"      # or "forward"
    x: np.ndarray | None = None
    x0_pred: np.ndarray | None = None


@dataclass
class SampleStep(Event):
    """Progress of a running reverse process: x_t just drawn, and the predicted x_0."""
    model_id: int = 0
    t: int = 0
    x: np.ndarray | None = None
    x0_pred: np.ndarray | None = None
    coalesce = True


@dataclass
class DriftField(Event):
    model_id: int = 0
    t: int = 0
    points: np.ndarray | None = None
    mean: np.ndarray | None = None
    var: np.ndarray | None = None
    tag: str = ""       # "" for a Drift request; the DriftSeries tag otherwise


@dataclass
class BoundResult(Event):
    model_id: int = 0
    report: dict = field(default_factory=dict)

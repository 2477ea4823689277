"""Events: what the worker reports. Plain dataclasses; every array in an event is a
private copy the receiver may keep. `coalesce` events may be dropped for a newer one."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


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


@dataclass
class ProductStep(Event):
    """Progress of a p·r run (also the points where a newer r can cancel it)."""
    t: int = 0
    tag: int = 0
    coalesce = True


@dataclass
class ProductTrajectory(Event):
    """The whole guided trajectory (T+1, n, 2), standardised, indexed by t."""
    model_id: int = 0
    tag: int = 0
    x: np.ndarray | None = None


@dataclass
class LogDensityMap(Event):
    """The map so far: values (n, n) in bits, indexed [x, y], NaN where not yet done."""
    model_id: int = 0
    values: np.ndarray | None = None
    extent: float = 3.2
    done: int = 0           # grid points estimated so far
    total: int = 0
    trajectories: int = 0
    coalesce = True         # each carries everything before it


@dataclass
class PosteriorFrame(Event):
    """One step of a running posterior: x_t and the predicted x_0 over `window` (y0, y1,
    x0, x1) of the image, (n, C, y1-y0, x1-x0), raw units. t is the original step (a
    preview visits kept steps only; resampling revisits steps)."""
    model_id: int = 0
    request: int = 0
    task: str = "inpaint"       # or "denoise"
    phase: str = "full"         # or "preview"
    stride: int = 1
    t: int = 0
    T: int = 0
    window: tuple = (0, 0, 0, 0)
    x: np.ndarray | None = None
    x0_pred: np.ndarray | None = None
    coalesce = True


@dataclass
class PosteriorResult(Event):
    """A finished pass: whole-image samples (n, C, H, W) in [0, 1] (inpainting: known
    pixels exactly the observation), their per-pixel mean and std, what was observed, and
    x_t, x̂_0 over the window at up to 24 steps `ts` (ascending), for export."""
    model_id: int = 0
    request: int = 0
    task: str = "inpaint"
    phase: str = "full"
    stride: int = 1
    steps: int = 0
    seconds: float = 0.0
    samples: np.ndarray | None = None
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    observed: np.ndarray | None = None      # inpainting: the image; denoising: the noisy one
    missing: np.ndarray | None = None
    clean: np.ndarray | None = None
    snr: float = 0.0
    window: tuple = (0, 0, 0, 0)
    trajectory: np.ndarray | None = None
    x0_trajectory: np.ndarray | None = None
    ts: np.ndarray | None = None


@dataclass
class DataImagesReady(Event):
    model_id: int = 0
    images: list | None = None              # (C, H, W) arrays in [0, 1], full size (sizes may differ)
    name: str = ""


@dataclass
class EntropyCurve(Event):
    """Per dimension, in bits (differential entropy for Gaussian models), indexed like t."""
    model_id: int = 0
    family: str = "gaussian"
    t: np.ndarray | None = None
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    model: np.ndarray | None = None


@dataclass
class AisEstimate(Event):
    """AIS log p on a small fixed held-out subset, sent beside a training bound evaluation.
    `bound_bits` is K on the same points, so the two compare like for like."""
    model_id: int = 0
    step: int = 0
    ais_bits: float = float("nan")
    ais_stderr_bits: float = float("nan")
    bound_bits: float = float("nan")
    points: int = 0
    trajectories: int = 0
    seconds: float = 0.0
    unit: str = "bits per point"


@dataclass
class DataReady(Event):
    """Raw data (images quantised in [0, 1)), the first `keep` items of each split."""
    name: str = ""
    args: dict = field(default_factory=dict)
    train: np.ndarray | None = None
    heldout: np.ndarray | None = None
    n_train: int = 0
    tag: str = ""


# ---- Compare runs. These carry `compare_id`, never `model_id`: they are not about the open
# model, and the window routes them like events tied to no model. ----
@dataclass
class CompareChanged(Event):
    """A comparison model opened (a file or a trained variant), described as the open model
    is (its ModelChanged, nested so that nothing routes it as the open model's)."""
    compare_id: int = 0
    main_id: int = 0            # the open model's id when it opened (a variant's parent)
    model: ModelChanged = field(default_factory=ModelChanged)
    changes: dict = field(default_factory=dict)   # a variant: the settings changed


@dataclass
class CompareTrajectory(Event):
    """The comparison model's trajectory (T'+1, n, 2), standardised in its own scaling."""
    compare_id: int = 0
    direction: str = "reverse"
    seed: int = 0
    x: np.ndarray | None = None


@dataclass
class CompareBound(Event):
    compare_id: int = 0
    report: dict = field(default_factory=dict)


@dataclass
class CompareProgress(Event):
    """A variant's training run (no comparison model exists until it finishes)."""
    step: int = 0
    total: int = 0
    loss: float = 0.0
    elapsed: float = 0.0
    bound_bits: float | None = None
    per_step_kl_bits: list | None = None
    coalesce = True


@dataclass
class CompareClosed(Event):
    compare_id: int = 0

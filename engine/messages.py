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
    preempt = False      # a new command of this kind cancels a running one of the same kind
    background = False   # any other command cancels it, and it is queued again behind that


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


# ---- p·r and the log-density map (engine/jobs_product.py) --------------------------------
@dataclass
class SampleProduct(Command):
    """Sample p·r ∝ p(x)·r(x) by the perturbed mean (the paper's "multiplying
    distributions"). r is a Gaussian bump (cx, cy, scale) or a painted region (grid of
    [0, 1], rows = y, columns = x, over `extent`), in the view's standardised coordinates."""
    n: int = 2000
    seed: int = 0
    bump: tuple | None = None
    region: np.ndarray | None = None
    extent: tuple = (-3.2, 3.2, -3.2, 3.2)
    strength: float = 1.0
    tag: int = 0            # echoed back: the GUI drops results for an r it has moved on from
    kind = "product"
    preempt = True


@dataclass
class LogDensityGrid(Command):
    """AIS estimates of log p(x_0) (bits, standardised coordinates) on an n×n grid of cell
    centres over [-extent, extent]², `trajectories` forward paths per point."""
    n: int = 48
    extent: float = 3.2
    trajectories: int = 32
    seed: int = 0
    kind = "log_density"
    preempt = True


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


# ---- posterior inpainting and denoising of images (engine/jobs_inpaint.py) -------------
@dataclass
class Inpaint(Command):
    """Posterior samples of `image` (C, H, W) in [0, 1] where `missing` (H, W) is True:
    first a preview that visits every `preview_stride`-th step (skipped when 1), then,
    when `full`, the whole T-step posterior. Images of another size than the model's are
    cut into model-sized tiles. `request` is echoed back in every event."""
    image: np.ndarray
    missing: np.ndarray
    n: int = 8
    seed: int = 0
    preview_stride: int = 10
    full: bool = True
    request: int = 0
    kind = "inpaint"
    preempt = True


@dataclass
class Denoise(Command):
    """Add Gaussian noise at `snr` (signal / noise variance per channel) to `clean`
    (C, H, W) in [0, 1] with `noise_seed`, then sample the posterior of the clean image
    (preview and full as for Inpaint)."""
    clean: np.ndarray
    snr: float = 1.0
    n: int = 8
    seed: int = 0
    noise_seed: int = 0
    preview_stride: int = 10
    full: bool = True
    request: int = 0
    kind = "denoise"
    preempt = True


@dataclass
class DataImages(Command):
    """Held-out images from the current image model's data set (to inpaint or denoise)."""
    n: int = 24
    seed: int = 0
    kind = "data_images"
    preempt = True


@dataclass
class PosteriorFrame(Event):
    """One step of a running posterior: x_t and the predicted x_0, (n, C, H, W), raw
    units. t is the original step (a preview visits kept steps only)."""
    model_id: int = 0
    request: int = 0
    task: str = "inpaint"       # or "denoise"
    phase: str = "full"         # or "preview"
    stride: int = 1
    t: int = 0
    T: int = 0
    x: np.ndarray | None = None
    x0_pred: np.ndarray | None = None
    coalesce = True


@dataclass
class PosteriorResult(Event):
    """A finished pass: samples (n, C, H, W) in [0, 1] (inpainting: known pixels exactly
    the observation), their per-pixel mean and std, what was observed, and (full pass)
    the trajectory x_t, x̂_0 (steps+1, n, C, H, W) with the step numbers `ts`."""
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
    trajectory: np.ndarray | None = None
    x0_trajectory: np.ndarray | None = None
    ts: np.ndarray | None = None


@dataclass
class DataImagesReady(Event):
    model_id: int = 0
    images: np.ndarray | None = None        # (k, C, H, W) in [0, 1]
    name: str = ""


# ---- the rest of the paper: entropy bounds, AIS while training (engine/jobs_paper.py) ---
@dataclass
class EntropyRequest(Command):
    """Eq. 24's bounds on H_q(X_{t-1}|X_t) and the learned reverse step's entropy, over t.
    `data`: raw data to average the model's entropy over q(x_t) (None: the model's own
    held-out set, or its data set regenerated)."""
    data: np.ndarray | None = None
    n: int = 500
    kind = "entropy"
    preempt = True
    background = True


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


# ---- data sets built by name on the worker (engine/jobs_data.py) --------------------------
@dataclass
class MakeData(Command):
    """Build a data set by name (2-D, binary or image set, or folder:PATH) on the worker,
    so making images never blocks the GUI. Answered by DataReady with `keep` items."""
    name: str = "digits"
    n: int = 2000
    seed: int = 0
    args: dict = field(default_factory=dict)
    keep: int = 256
    tag: str = ""
    kind = "data"
    preempt = True


@dataclass
class TrainNamed(Command):
    """Train on a data set the worker builds by name (a new model when `model_config` is
    given; its shape and data args come from the data). Same kind as Train, so Cancel,
    pause and "newest wins" treat both alike."""
    name: str
    config: TrainConfig
    data_args: dict = field(default_factory=dict)
    n: int = 2000
    model_config: ModelConfig | None = None
    refresh_seconds: float = 3.0
    refresh_n: int = 16
    keep: int = 256          # data items sent back in DataReady (tag "train") for the views
    show_forward: int = 0    # diffuse this many training items once a new model exists
    kind = "train"


@dataclass
class DataReady(Event):
    """Raw data (images quantised in [0, 1)), the first `keep` items of each split."""
    name: str = ""
    args: dict = field(default_factory=dict)
    train: np.ndarray | None = None
    heldout: np.ndarray | None = None
    n_train: int = 0
    tag: str = ""

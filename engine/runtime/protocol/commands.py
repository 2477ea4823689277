"""Commands: what the GUI (or any caller) asks the worker to do. Plain dataclasses; a
command's `kind` decides queueing (newest of a kind wins), `preempt` and `background`."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.model import ModelConfig
from engine.training import TrainConfig


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
    """Reverse trajectories; `shape` is one sample's shape (image models: any (C, H, W);
    None: the model's training shape)."""
    n: int = 2000
    seed: int = 0
    shape: tuple | None = None
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
class Inpaint(Command):
    """Posterior samples of `image` (C, H, W) in [0, 1] where `missing` (H, W) is True:
    first a preview that visits every `preview_stride`-th step (skipped when 1), then,
    when `full`, the whole T-step posterior, with RePaint resampling (jump, times) if
    given. Only a window around the hole is sampled (`margin`: None = the receptive field).
    `request` is echoed back in every event."""
    image: np.ndarray
    missing: np.ndarray
    n: int = 8
    seed: int = 0
    preview_stride: int = 10
    full: bool = True
    resample: tuple | None = None
    margin: int | None = None
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


# ---- Compare runs: a second model beside the open one (engine/runtime/jobs/compare.py) ----
@dataclass
class CompareOpen(Command):
    """Open a model file as the comparison (2-D point models, beside a 2-D open model)."""
    path: str
    kind = "compare_open"


@dataclass
class CompareTrain(Command):
    """Train a variant of the open model with `changes` (keys of VARIANT_SETTINGS in
    engine/runtime/jobs/compare.py) and open it as the comparison when done; the open model
    is untouched. `train`/`heldout`: raw points (None: the open model's data set built by
    name, `n` points)."""
    changes: dict
    config: TrainConfig
    train: np.ndarray | None = None
    heldout: np.ndarray | None = None
    n: int = 2000
    kind = "compare_train"


@dataclass
class CompareSample(Command):
    """Reverse trajectory of the comparison model with the open model's noise seed."""
    n: int = 2000
    seed: int = 0
    kind = "compare_sample"
    preempt = True


@dataclass
class CompareDiffuse(Command):
    """Forward trajectory of raw data under the comparison model (same seed as the open model's)."""
    data: np.ndarray
    seed: int = 0
    kind = "compare_diffuse"
    preempt = True


@dataclass
class CompareEvaluate(Command):
    """The comparison model's bound and per-step KL on raw `data` (None: its own held-out data)."""
    data: np.ndarray | None = None
    seed: int = 0
    n: int = 2000
    kind = "compare_evaluate"
    preempt = True


@dataclass
class CompareClose(Command):
    kind = "compare_close"

"""How much memory and time a job will need, estimated from its arguments and the model's
config before anything is allocated: a job over the memory limit is refused in one line
(instead of being killed by the system half-way), and a long one says so up front.

The estimates are deliberately rough (within a factor of about two of what we measured;
see tests/test_budget.py): they count the arrays a job holds at once (data, one batch of
samples, one batch of the network's activations, the outputs it keeps in memory) and the
network's multiply-adds. Trajectories written to disk step by step are not counted."""
from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FRACTION = 0.5      # of physical memory: the rest is the OS's, the GUI's, other programs'
LONG_S = 30.0               # jobs estimated longer than this say so before they start
# Sustained throughput (FLOP/s) of the small nets here on one CPU core (measured: 1.1e10 for a
# batch of 4096 through the 2-D model, 2-4e10 when sampling), a GPU assumed ~20× faster; and
# the fixed cost of one network call (Python, kernel launches; a training step counts as
# TRAIN_CALLS calls: about 5 ms measured). Used only to say "roughly N minutes".
FLOPS = {"cpu": 1e10, "cuda": 2e11, "mps": 4e10}
CALL_S = 3e-4
TRAIN_CALLS = 15
# oneDNN's 3×3 convolutions run ~3× the small dense layers' rate per FLOP (measured: the
# bundled image models' training steps came in 2.5-4× under a dense-rate estimate).
CONV_SPEEDUP = 3.0


class BudgetError(ValueError):
    """A job that would need more memory than allowed; one line for the user."""


@dataclass
class Estimate:
    bytes: float      # held in memory at the job's peak
    flops: float      # network multiply-adds (×2) and per-element arithmetic
    calls: int        # network calls (each a Python round trip)

    def __add__(self, o: "Estimate") -> "Estimate":
        return Estimate(self.bytes + o.bytes, self.flops + o.flops, self.calls + o.calls)

    def seconds(self, device: str = "cpu") -> float:
        return self.flops / FLOPS.get(device, FLOPS["cpu"]) + self.calls * CALL_S


def physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):     # not POSIX: assume a small laptop
        return 8 << 30


def memory_limit(max_gb: float | None = None) -> int:
    """Bytes a job may use: `max_gb` when given, else half the machine's memory."""
    if max_gb is None:
        return int(physical_memory() * DEFAULT_FRACTION)
    if not (isinstance(max_gb, (int, float)) and math.isfinite(max_gb) and max_gb > 0):
        raise BudgetError(f"--max-memory must be a positive number of GB, got {max_gb}")
    return int(max_gb * (1 << 30))


def _gb(b: float) -> str:
    return f"{b / (1 << 30):.1f} GB" if b >= 1 << 29 else f"{b / (1 << 20):.0f} MB"


def check_memory(est: Estimate, what: str, limit: int, hint: str = "") -> None:
    """Raise BudgetError when `est` needs more than `limit` bytes."""
    if est.bytes > limit:
        raise BudgetError(f"{what} would need about {_gb(est.bytes)} of memory, over the limit of {_gb(limit)}"
                          f"{'; ' + hint if hint else ''} (--max-memory GB raises the limit)")


def check_disk(out, nbytes: float, what: str) -> None:
    """Refuse an output that cannot fit in its folder's free space (counted uncompressed:
    trajectories of noise barely compress)."""
    folder = Path(out).resolve().parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if nbytes > free:
        raise BudgetError(f"{what} would write about {_gb(nbytes)}, more than the {_gb(free)} free in {folder}")


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 86400:.0f} days"


def long_job_note(est: Estimate, what: str, device: str = "cpu") -> str | None:
    """One line for a job estimated to take longer than LONG_S, else None."""
    s = est.seconds(device)
    if s < LONG_S:
        return None
    return f"note: {what} will take roughly {duration(s)} on {device} (a rough estimate); Ctrl-C stops it"


# ---- the network ------------------------------------------------------------------------
def _pixels(shape) -> int:
    return int(shape[-1]) * int(shape[-2]) if len(shape) == 3 else 1


def net_cost(net: dict, shape) -> tuple[float, float]:
    """(activation values, FLOPs at the dense rate) of one sample through the net in one
    call: multiply-adds ×2 (convolutions' ÷ CONV_SPEEDUP) and the diffusion's own
    per-element arithmetic (~20 values per element)."""
    d = int(math.prod(shape))
    if net.get("kind", "mlp") == "mlp":
        h, layers, J = int(net.get("hidden", 64)), int(net.get("layers", 3)), int(net.get("J", 16))
        w_in = d + (16 if net.get("time_input") else 0)
        flops = 2 * (w_in * h + (layers - 1) * h * h + h * 2 * d * 2)
        return 2 * h * layers + 4 * J * d + 20 * d, flops + 40 * d
    c, layers = int(net.get("channels", 32)), int(net.get("layers", 3))
    scales, ctx, mix = int(net.get("scales", 4)), int(net.get("context", 0)), int(net.get("conv1x1", 2))
    J, C, px = int(net.get("J", 8)), int(shape[0]), _pixels(shape)
    per_px_acts = layers * (2 * scales + 1) * c + ctx + mix * 2 * c + 4 * J * C + 20 * C
    pool = sum(4.0 ** -s for s in range(scales))
    per_px_flops = 2 * 9 * pool * (C * c + (layers - 1) * c * c) + 2 * mix * (c + ctx) * c + 2 * c * 2 * C
    return per_px_acts * px, per_px_flops * px / CONV_SPEEDUP + 40 * C * px


# ---- the jobs -----------------------------------------------------------------------------
TRAIN_GRAD = 2          # autograd keeps each activation and its gradient (measured: ~2× one forward)
F64, F32 = 8, 4


def train_cost(net: dict, shape, T: int, n_data: int, steps: int, batch: int, eval_points: int = 2000,
               eval_every: int = 1000, itemsize: int = F64) -> Estimate:
    """Training: the data (raw, held out, standardised: ~4 copies), one batch through the
    net with gradients, and one held-out batch through the bound's T steps."""
    d = int(math.prod(shape))
    acts, flops = net_cost(net, shape)
    data = 4 * n_data * d * F64
    eval_rows = min(eval_points, 8192 if len(shape) == 1 else max(1, (1 << 18) // _pixels(shape)))
    held = eval_rows * (acts + 4 * d) * itemsize
    evals = steps // max(eval_every, 1) + 1
    return Estimate(data + max(batch * acts * itemsize * TRAIN_GRAD, held),
                    steps * batch * flops * TRAIN_GRAD + evals * min(eval_points, n_data) * T * flops,
                    steps * TRAIN_CALLS + evals * T)


def bound_cost(net: dict, shape, T: int, n: int, batch: int = 8192, itemsize: int = F64) -> Estimate:
    d = int(math.prod(shape))
    acts, flops = net_cost(net, shape)
    rows = min(n, batch)
    return Estimate(6 * n * d * F64 + rows * (acts + 4 * d) * itemsize, n * T * flops, -(-n // rows) * T)


def ais_cost(net: dict, shape, T: int, points: int, k: int, batch: int = 20000, itemsize: int = F64) -> Estimate:
    """AIS repeats each point k times (at least one point's k copies at once)."""
    d = int(math.prod(shape))
    acts, flops = net_cost(net, shape)
    rows = max(batch // max(k, 1), 1) * k
    return Estimate(rows * (acts + 6 * d) * itemsize, points * k * T * flops, -(-points * k // rows) * T)


def parzen_cost(net: dict, shape, T: int, samples: int, heldout: int) -> Estimate:
    """Model samples (drawn in batches), and the held-out × samples distance matrix (with
    logsumexp's temporary of the same size)."""
    d = int(math.prod(shape))
    return (sample_cost(net, shape, T, min(samples, 1000), keep=samples)
            + Estimate(samples * d * F64 * 2 + 3 * (heldout // 2 + 1) * samples * F64, 0, 0))


def sample_cost(net: dict, shape, T: int, n: int, keep: int = 0, rows: int | None = None,
                steps: int | None = None) -> Estimate:
    """Reverse sampling in batches of `rows`: x and the x₀ prediction of a batch (and their
    numpy copies), its activations, plus `keep` final samples held to the end."""
    d = int(math.prod(shape))
    acts, flops = net_cost(net, shape)
    rows = min(n, rows or n)
    steps = T if steps is None else steps
    return Estimate(rows * (acts + 6 * d) * F32 + keep * d * F32, n * steps * flops, -(-n // max(rows, 1)) * steps)


def forward_cost(shape, T: int, n: int) -> Estimate:
    """The forward process kept whole: (T + 1, n, d) float32 plus the float64 data (made,
    held out, standardised, the step's tensors: ~9 copies measured)."""
    d = int(math.prod(shape))
    return Estimate((T + 1) * n * d * F32 + 9 * n * d * F64, 10.0 * T * n * d, T)


def posterior_cost(net: dict, window, image, T: int, n: int, steps: int) -> Estimate:
    """Inpainting or denoising: n samples of the window (C, h, w) run together, and the n
    full-size (C, H, W) results (samples, mean, std, float64 sums, PNG copies)."""
    c = sample_cost(net, window, T, n, steps=steps)
    return c + Estimate(n * math.prod(image) * (F32 * 3 + F64) + 6 * math.prod(image) * F64, 0, 0)

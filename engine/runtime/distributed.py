"""Training across processes and machines with torchrun and DistributedDataParallel.

torchrun starts one process per device and sets RANK, WORLD_SIZE and LOCAL_RANK (and the
rendezvous: MASTER_ADDR, MASTER_PORT); `session()` turns them into a process group, NCCL on
CUDA and gloo on the CPU. Without torchrun (or with one process) nothing here does anything:
the one-process path is the one it always was. Rank 0 is the main rank: it alone evaluates
the bound, shows progress and writes the model.

Environment knobs (the last two exist for the tests):
  DE_DIST_TIMEOUT_S     how long a collective may wait before it fails (default 1800 s), so a
                        rank whose peer vanished ends instead of hanging
  DE_DEBUG_WEIGHTS_DIR  after training every rank writes rank<R>.sha256 there: a checksum of
                        its weights, to check that the ranks agree
  DE_DEBUG_FAIL_RANK    that rank raises after its first training step (the crash test)
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import torch
import torch.distributed as dist

DEFAULT_TIMEOUT_S = 1800   # rank 0 evaluates the bound while the others wait: minutes on a CPU


@dataclass(frozen=True)
class Launch:
    """What torchrun told this process: its rank, the number of processes, its local rank."""
    rank: int = 0
    world: int = 1
    local_rank: int = 0


def launch() -> Launch:
    """The launch as the environment describes it (one process when torchrun is absent)."""
    try:
        got = Launch(int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)),
                     int(os.environ.get("LOCAL_RANK", 0)))
    except ValueError:
        raise ValueError("RANK, WORLD_SIZE and LOCAL_RANK must be integers (as torchrun sets them)") from None
    if got.world < 1 or not 0 <= got.rank < got.world or got.local_rank < 0:
        raise ValueError(f"bad launch: RANK={got.rank} WORLD_SIZE={got.world} LOCAL_RANK={got.local_rank}")
    return got


def requested() -> bool:
    """Was this process started as one of several (by torchrun)?"""
    return launch().world > 1


def active() -> bool:
    """Is a process group of more than one process running now?"""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    return dist.get_rank() if active() else 0


def world() -> int:
    return dist.get_world_size() if active() else 1


def is_main() -> bool:
    return rank() == 0


def timeout_s() -> float:
    raw = os.environ.get("DE_DIST_TIMEOUT_S", "")
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"DE_DIST_TIMEOUT_S must be a number of seconds, got {raw!r}") from None
    if not value > 0:
        raise ValueError(f"DE_DIST_TIMEOUT_S must be positive, got {raw!r}")
    return value


def local_device(device: torch.device) -> torch.device:
    """This rank's own GPU (cuda:LOCAL_RANK) when training across processes on CUDA."""
    if device.type == "cuda" and device.index is None and active():
        return torch.device("cuda", launch().local_rank)
    return device


@contextmanager
def session(device: torch.device):
    """Join torchrun's process group for the duration (when it started several processes);
    yields this rank's device. The group is destroyed on the way out, error or not."""
    if not requested():
        yield device
        return
    if not dist.is_available():
        raise ValueError("this torch build has no torch.distributed; run without torchrun")
    if device.type not in ("cuda", "cpu"):
        raise ValueError(f"training across processes runs on cuda or cpu, not {device.type}; pass --device cpu")
    run = launch()
    if device.type == "cuda":
        if run.local_rank >= torch.cuda.device_count():
            raise ValueError(f"LOCAL_RANK {run.local_rank} but torch sees {torch.cuda.device_count()} GPUs; "
                             f"start at most that many processes per node")
        device = torch.device("cuda", run.local_rank)
        torch.cuda.set_device(device)   # before NCCL starts, so each rank's communicator uses its GPU
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo", timeout=timedelta(seconds=timeout_s()),
                            device_id=device if device.type == "cuda" else None)
    try:
        yield device
    finally:
        dist.destroy_process_group()


def average_(flat: torch.Tensor) -> torch.Tensor:
    """Average a tensor over the ranks, in place (one all-reduce)."""
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    return flat.div_(dist.get_world_size())


def broadcast_(tensors, device: torch.device) -> None:
    """Rank 0's values of these tensors on every rank (what DDP does for the net's own)."""
    where = comm_device(device)
    for t in tensors:
        buf = t.detach().to(where)       # NCCL needs a GPU copy of a CPU tensor (the schedule)
        dist.broadcast(buf, src=0)
        with torch.no_grad():
            t.copy_(buf)


def comm_device(device: torch.device) -> torch.device:
    """Where tensors must be for the backend: NCCL reduces on the GPU, gloo on the CPU."""
    return device if dist.get_backend() == "nccl" else torch.device("cpu")


# ---- debug hooks (environment variables, see the module docstring) ---------------------
def weights_checksum(model) -> str:
    """sha256 over the net's and schedule's tensors, in name order (bytes, dtype and shape)."""
    h = hashlib.sha256()
    state = {**{f"net.{k}": v for k, v in model.net.state_dict().items()},
             **{f"schedule.{k}": v for k, v in model.schedule.state_dict().items()}}
    for name in sorted(state):
        v = state[name].detach().cpu().contiguous()
        h.update(f"{name}:{v.dtype}:{tuple(v.shape)};".encode())
        h.update(v.numpy().tobytes())
    return h.hexdigest()


def debug_dump_weights(model) -> None:
    folder = os.environ.get("DE_DEBUG_WEIGHTS_DIR")
    if folder:
        Path(folder, f"rank{rank()}.sha256").write_text(weights_checksum(model) + "\n")


def debug_fail(steps_done: int) -> None:
    """Raise on the rank DE_DEBUG_FAIL_RANK names, after its first step."""
    if steps_done == 1 and os.environ.get("DE_DEBUG_FAIL_RANK", "") == str(rank()) and active():
        raise RuntimeError(f"simulated failure of rank {rank()} (DE_DEBUG_FAIL_RANK)")

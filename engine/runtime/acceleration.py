"""The fast paths of training, each guarded so that one CPU process runs exactly the plain
loop: the network the loss calls (bf16 autocast and channels_last for image nets on CUDA,
DistributedDataParallel across processes, torch.compile on request) and where batches come
from (the device, or pinned host memory for a training set too big to move there)."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

ON_DEVICE_MAX_BYTES = 1 << 30    # larger training sets stay in host memory on CUDA


def _bf16_ok(device: torch.device) -> bool:
    return device.type == "cuda" and torch.cuda.is_bf16_supported()


class AutocastImageNet(nn.Module):
    """An image net under bf16 autocast with channels_last input, for CUDA training only:
    evaluation and sampling call the plain net, so the bound is never computed in bf16.
    Outputs come back float32; the loss casts them to its float64."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor, t: torch.Tensor):
        with torch.autocast("cuda", dtype=torch.bfloat16):
            mu, sig = self.net(x.contiguous(memory_format=torch.channels_last), t)
        return mu.float(), sig.float()


def training_net(net: nn.Module, device: torch.device, image: bool, ddp: bool, compile: bool) -> nn.Module:
    """What the loss should call during training: `net` itself unless a fast path applies.
    Every wrapper shares net's parameters, so the optimiser and the saved weights are net's."""
    fwd = net
    if image and device.type == "cuda":
        net.to(memory_format=torch.channels_last)   # conv kernels run NHWC on tensor cores
        if _bf16_ok(device):
            fwd = AutocastImageNet(net)
    if ddp:
        from torch.nn.parallel import DistributedDataParallel

        # Buffers (the temporal basis table) are constants: synced once at init, not each step.
        fwd = DistributedDataParallel(fwd, device_ids=[device.index] if device.type == "cuda" else None,
                                      forward_sync_buffers=False)
    if compile:
        fwd = torch.compile(fwd)
    return fwd


def release_net(net: nn.Module, device: torch.device, image: bool) -> None:
    """Back to the default memory format, so what training leaves behind runs anywhere."""
    if image and device.type == "cuda":
        net.to(memory_format=torch.contiguous_format)


class Batches:
    """Batches of `batch` rows drawn with replacement from `x`. The data move to the
    device once; on CUDA a set over ON_DEVICE_MAX_BYTES stays on the host and each batch
    is gathered into pinned memory and copied asynchronously."""

    def __init__(self, x: np.ndarray, batch: int, device: torch.device, dtype: torch.dtype):
        self.batch, self.device, self.dtype, self.staging, self.k = int(batch), device, dtype, None, 0
        x = np.asarray(x)
        if len(x) == 0:
            raise ValueError("no training examples for this process (fewer examples than processes?)")
        # Standardised data arrive as float32: kept so (on the CPU the tensor shares the array's
        # memory) and widened per batch, which gives the same numbers at half the memory.
        store = torch.float32 if x.dtype == np.float32 else dtype
        if device.type == "cuda" and x.size * store.itemsize > ON_DEVICE_MAX_BYTES:
            self.X = torch.as_tensor(x, dtype=store)
            # Two buffers: a copy from one may still be in flight while the other fills. The
            # loop's loss.item() syncs every step, so a buffer is free again two draws later.
            self.staging = [torch.empty((self.batch, *self.X.shape[1:]), dtype=store).pin_memory() for _ in range(2)]
        else:
            self.X = torch.as_tensor(x, dtype=store, device=device)

    def draw(self, gen: torch.Generator) -> torch.Tensor:
        idx = torch.randint(len(self.X), (self.batch,), generator=gen)
        if self.staging is None:
            return self.X[idx.to(self.device)].to(self.dtype)
        buf = self.staging[self.k]
        self.k ^= 1
        torch.index_select(self.X, 0, idx, out=buf)
        return buf.to(self.device, non_blocking=True).to(self.dtype)

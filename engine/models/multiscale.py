"""The paper's image network (Sohl-Dickstein et al. 2015, appendix D): multi-scale
convolutions, an optional dense pathway, 1×1 convolutions, leaky ReLU, and a per-pixel
readout of mean-image and covariance-image coefficients through the temporal basis."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .temporal import TemporalBasis

SLOPE = 0.05  # leaky ReLU slope used in the paper's code


class MultiScaleConv(nn.Module):
    """Mean-pool by 2^s, 3×3 convolution, upsample back, sum over scales s = 0..S-1.

    Sharing the same kind of filter over scales gives a large receptive field at the cost
    of a few small convolutions: what lets a shallow net see the edges of big occluders.
    """

    def __init__(self, c_in: int, c_out: int, scales: int, upsample: str = "nearest"):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(c_in, c_out, 3, padding=1) for _ in range(scales))
        self.upsample = upsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = x.shape[-2:]
        out = self.convs[0](x)
        for s, conv in enumerate(self.convs[1:], start=1):
            y = conv(F.avg_pool2d(x, 2 ** s))
            if self.upsample == "nearest":
                out = out + F.interpolate(y, size=size, mode="nearest")
            else:
                out = out + F.interpolate(y, size=size, mode="bilinear", align_corners=False)
        return F.leaky_relu(out, SLOPE)


def default_scales(h: int, w: int) -> int:
    """As many halvings as leave at least 2×2 pixels, at most 4."""
    s = 1
    while s < 4 and min(h, w) // (2 ** s) >= 2 and h % (2 ** s) == 0 and w % (2 ** s) == 0:
        s += 1
    return s


class MultiScaleNet(nn.Module):
    """x_t (B, C, H, W), t (B,) -> (z_mu, z_sigma), each (B, C, H, W).

    As for VectorNet, the trunk sees only x_t and time enters through the temporal readout
    Σ_j g_j(t)·(W_j h + b_j) applied per pixel; with one t for the whole batch (sampling)
    the J heads are folded into one 1×1 convolution first.
    """

    def __init__(self, shape: tuple[int, int, int], T: int, channels: int = 32, layers: int = 3,
                 scales: int | None = None, dense: int = 64, dense_channels: int = 4,
                 conv1x1: int = 2, J: int = 8, upsample: str = "nearest"):
        super().__init__()
        C, H, W = (int(s) for s in shape)
        if layers < 1 or channels < 1 or J < 1:
            raise ValueError("multiscale net needs layers >= 1, channels >= 1 and J >= 1")
        if upsample not in ("nearest", "bilinear"):
            raise ValueError(f"upsample must be nearest or bilinear, not {upsample!r}")
        scales = scales or default_scales(H, W)
        if H % (2 ** (scales - 1)) or W % (2 ** (scales - 1)):
            raise ValueError(f"{H}×{W} images cannot be pooled {scales - 1} times by 2")
        self.C, self.J = C, J
        self.basis = TemporalBasis(T, J)
        self.trunk = nn.Sequential(*(MultiScaleConv(C if i == 0 else channels, channels, scales, upsample)
                                     for i in range(layers)))
        # Dense pathway: the whole image -> a few feature maps, so every pixel can see
        # global context (mean level, orientation) that local filters would miss.
        self.dense_channels = dense_channels if dense > 0 else 0
        if self.dense_channels:
            self.dense = nn.Sequential(nn.Flatten(), nn.Linear(C * H * W, dense), nn.LeakyReLU(SLOPE),
                                       nn.Linear(dense, self.dense_channels * H * W), nn.LeakyReLU(SLOPE))
        hidden = channels + self.dense_channels
        mix: list[nn.Module] = []
        for _ in range(conv1x1):
            mix += [nn.Conv2d(hidden, channels, 1), nn.LeakyReLU(SLOPE)]
            hidden = channels
        self.mix = nn.Sequential(*mix)
        self.head = nn.Conv2d(hidden, J * 2 * C, 1)
        # Start at the "do what the forward step would do" solution: zero coefficients.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        h = self.trunk(x)
        if self.dense_channels:
            d = self.dense(x).view(len(x), self.dense_channels, *x.shape[-2:])
            h = torch.cat([h, d], 1)
        return self.mix(h)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.features(x)
        B, (H, W) = len(x), x.shape[-2:]
        folded = self.basis.fold(t, self.head, 2 * self.C)
        if folded is not None:
            w, b = folded
            out = F.conv2d(h, w[:, :, None, None], b).view(B, 2, self.C, H, W)
        else:
            coeffs = self.head(h).view(B, self.J, 2, self.C, H, W)
            out = self.basis.readout(coeffs, t)
        return out[:, 0], out[:, 1]

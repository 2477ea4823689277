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
        B, _, H, W = x.shape
        out, pooled = self.convs[0](x), x
        for s, conv in enumerate(self.convs[1:], start=1):
            pooled = F.avg_pool2d(pooled, 2)    # = pooling x by 2^s, from a 4× smaller input
            y = conv(pooled)
            if self.upsample == "nearest":
                # Nearest upsampling by k added by broadcasting over k×k blocks: no upsampled
                # copy (the sides are multiples of k: the net pads them so).
                k = 2 ** s
                blocks = out.view(B, -1, H // k, k, W // k, k)
                blocks += y[:, :, :, None, :, None]
            else:
                out += F.interpolate(y, size=(H, W), mode="bilinear", align_corners=False)
        return F.leaky_relu_(out, SLOPE)      # in place: a conv's output, not needed again


def grid_box(box, grow: int, k: int, H: int, W: int) -> tuple[int, int, int, int]:
    """(y0, y1, x0, x1) grown by `grow` pixels each way, its corners on the k-pixel pooling
    grid (so a crop there pools exactly as the whole image would), clipped to H×W."""
    y0, y1, x0, x1 = box
    return (max(y0 - grow, 0) // k * k, min(-(-(y1 + grow) // k) * k, H),
            max(x0 - grow, 0) // k * k, min(-(-(x1 + grow) // k) * k, W))


class MultiScaleNet(nn.Module):
    """x_t (B, C, H, W), t (B,) -> (z_mu, z_sigma), each (B, C, H, W), for any H and W.

    Fully convolutional: the same weights run on a 32 px training crop, a 48×80 patch or a
    512×512 photo. The input is padded by reflection to a multiple of 2^(scales-1) (so every
    pooling is exact) and the output cropped back. Global context, where the data need it
    (digits, photos), is size-free: `context` feature maps pooled over the whole image and
    broadcast back to every pixel (0 turns it off, as for stationary textures, and then the
    output at a pixel depends only on inputs within `receptive_radius` pixels).
    As for VectorNet, the trunk sees only x_t and time enters through the temporal readout
    Σ_j g_j(t)·(W_j h + b_j) applied per pixel; with one t for the whole batch (sampling)
    the J heads are folded into one 1×1 convolution first.
    """

    def __init__(self, channels_in: int, T: int, channels: int = 32, layers: int = 3, scales: int = 4,
                 context: int = 0, conv1x1: int = 2, J: int = 8, upsample: str = "nearest"):
        super().__init__()
        C = int(channels_in)
        if layers < 1 or channels < 1 or J < 1 or not 1 <= scales <= 8 or context < 0:
            raise ValueError("multiscale net needs layers, channels, J >= 1, 1 <= scales <= 8 and context >= 0")
        if upsample not in ("nearest", "bilinear"):
            raise ValueError(f"upsample must be nearest or bilinear, not {upsample!r}")
        self.C, self.J, self.scales, self.layers, self.upsample = C, J, scales, layers, upsample
        self.basis = TemporalBasis(T, J)
        self.trunk = nn.Sequential(*(MultiScaleConv(C if i == 0 else channels, channels, scales, upsample)
                                     for i in range(layers)))
        self.context = context
        if context:
            self.pool_in = nn.Conv2d(channels, context, 1)
            self.pool_out = nn.Linear(context, context)
        hidden = channels + context
        mix: list[nn.Module] = []
        for _ in range(conv1x1):
            mix += [nn.Conv2d(hidden, channels, 1), nn.LeakyReLU(SLOPE)]
            hidden = channels
        self.mix = nn.Sequential(*mix)
        self.head = nn.Conv2d(hidden, J * 2 * C, 1)
        # Start at the "do what the forward step would do" solution: zero coefficients.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    @property
    def multiple(self) -> int:
        """Image sides are padded to a multiple of this, so each pooling by 2 is exact."""
        return 2 ** (self.scales - 1)

    @property
    def reach(self) -> int:
        """How far (pixels) one layer's output can see: its coarsest 3×3 conv reaches one
        pooled block of 2^(S-1) pixels beyond the pixel's own block (2^S - 1 pixels);
        bilinear upsampling reaches half a block further."""
        return 2 ** self.scales - 1 + (self.multiple // 2 if self.upsample == "bilinear" else 0)

    @property
    def receptive_radius(self) -> int:
        """How far (pixels) an output can see without the global context."""
        return self.layers * self.reach

    def _boxes(self, region, Hp: int, Wp: int) -> list[tuple[int, int, int, int]]:
        """Per layer, the part of its output later layers need to give `region`'s outputs:
        the region grown by the remaining layers' reach, on the pooling grid (so every
        crop pools exactly as the whole would)."""
        return [grid_box(region, left * self.reach, self.multiple, Hp, Wp)
                for left in range(self.layers - 1, -1, -1)]

    def features(self, x: torch.Tensor, region=None) -> torch.Tensor:
        """Trunk, global context and 1×1 mixing. With a region (y0, y1, x0, x1), each layer
        keeps only what the next ones need (outputs are exact there) and the result covers
        the last box only, with that box's (y0, x0) as its origin."""
        if region is None:
            h = self.trunk(x)
        else:
            h, (oy, ox) = x, (0, 0)
            for layer, (y0, y1, x0, x1) in zip(self.trunk, self._boxes(region, *x.shape[-2:])):
                h = layer(h)[..., y0 - oy:y1 - oy, x0 - ox:x1 - ox]
                oy, ox = y0, x0
        if self.context:
            g = F.leaky_relu(self.pool_in(h), SLOPE).mean((2, 3))            # (B, context)
            g = F.leaky_relu(self.pool_out(g), SLOPE)
            h = torch.cat([h, g[:, :, None, None].expand(-1, -1, *h.shape[-2:])], 1)
        return self.mix(h)

    def forward(self, x: torch.Tensor, t: torch.Tensor, region=None) -> tuple[torch.Tensor, torch.Tensor]:
        """`region` (y0, y1, x0, x1): only outputs there are wanted (inpainting needs the
        hole's, not its margin's): the rest come back as zeros, and the work shrinks with
        each layer. Ignored with a global context, whose every output sees the whole image."""
        H, W = x.shape[-2:]
        ph, pw = (-H) % self.multiple, (-W) % self.multiple
        if ph or pw:    # reflection needs a side longer than the pad; replicate a tiny image instead
            mode = "reflect" if min(H, W) > max(ph, pw) else "replicate"
            x = F.pad(x, (0, pw, 0, ph), mode=mode)
        B, (Hp, Wp) = len(x), x.shape[-2:]
        region = None if self.context else region
        box = (0, Hp, 0, Wp) if region is None else self._boxes(region, Hp, Wp)[-1]
        # NHWC: oneDNN's (and cuDNN's) faster convolution layout, ~1.5× per step on a CPU.
        h = self.features(x.contiguous(memory_format=torch.channels_last), region)
        folded = self.basis.fold(t, self.head, 2 * self.C)
        h_, w_ = h.shape[-2:]
        if folded is not None:
            w, b = folded
            out = F.conv2d(h, w[:, :, None, None], b).reshape(B, 2, self.C, h_, w_)
        else:
            coeffs = self.head(h).reshape(B, self.J, 2, self.C, h_, w_)
            out = self.basis.readout(coeffs, t)
        if (h_, w_) != (Hp, Wp):
            y0, y1, x0, x1 = box
            full = out.new_zeros(B, 2, self.C, Hp, Wp)
            full[..., y0:y1, x0:x1] = out
            out = full
        out = out[..., :H, :W]
        return out[:, 0].contiguous(), out[:, 1].contiguous()

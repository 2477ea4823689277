"""Reverse network for vectors (2-D points, or any dimension): a shared MLP trunk whose
outputs are mean and covariance coefficients read out through the temporal basis."""
from __future__ import annotations

import torch
from torch import nn

from .temporal import TemporalBasis


class VectorNet(nn.Module):
    """x_t (B, d), t (B,) -> (z_mu, z_sigma), each (B, d).

    As in the paper the trunk sees only x_t; time enters through the temporal readout.
    `fourier=F` adds sin/cos of each coordinate at F frequencies, geometric from 1 to
    `max_freq`: an MLP alone is slow to learn the sharp features of thin data (spectral
    bias), and the final steps must place points to within the data's own noise.
    `time_input=True` also feeds a sinusoidal embedding of t to the trunk.
    """

    def __init__(self, dims: int, T: int, hidden: int = 128, layers: int = 3, J: int = 16,
                 time_input: bool = False, fourier: int = 0, max_freq: float = 128.0):
        super().__init__()
        self.dims, self.J, self.time_input = dims, J, time_input
        self.basis = TemporalBasis(T, J)
        if fourier:
            self.register_buffer("xfreqs", torch.logspace(0, torch.log10(torch.tensor(max_freq)), fourier),
                                 persistent=False)
        else:
            self.xfreqs = None
        width_in = dims * (1 + 2 * fourier) + (16 if time_input else 0)
        blocks: list[nn.Module] = []
        for i in range(layers):
            blocks += [nn.Linear(width_in if i == 0 else hidden, hidden), nn.LeakyReLU(0.05)]
        self.trunk = nn.Sequential(*blocks)
        self.head = nn.Linear(hidden, J * 2 * dims)
        # Start at the "do what the forward step would do" solution: zero coefficients.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)
        if time_input:
            freqs = torch.exp(torch.linspace(0, 4, 8)) / T
            self.register_buffer("freqs", freqs, persistent=False)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = x
        if self.xfreqs is not None:
            a = (x[:, :, None] * self.xfreqs).flatten(1)
            h = torch.cat([x, a.sin(), a.cos()], 1)
        if self.time_input:
            a = t.to(x.dtype)[:, None] * self.freqs[None, :]
            h = torch.cat([h, a.sin(), a.cos()], 1)
        coeffs = self.head(self.trunk(h)).view(-1, self.J, 2, self.dims)
        out = self.basis.readout(coeffs, t)
        return out[:, 0], out[:, 1]

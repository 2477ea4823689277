"""Reverse network for vectors (2-D points, or any dimension): a shared MLP trunk whose
outputs are mean and covariance coefficients read out through the temporal basis."""
from __future__ import annotations

import torch
from torch import nn

from .temporal import TemporalBasis


class VectorNet(nn.Module):
    """x_t (B, d), t (B,) -> (z_mu, z_sigma), each (B, d).

    As in the paper the trunk sees only x_t; time enters through the temporal readout.
    `time_input=True` also feeds a sinusoidal embedding of t to the trunk.
    """

    def __init__(self, dims: int, T: int, hidden: int = 128, layers: int = 3, J: int = 16,
                 time_input: bool = False):
        super().__init__()
        self.dims, self.J, self.time_input = dims, J, time_input
        self.basis = TemporalBasis(T, J)
        width_in = dims + (16 if time_input else 0)
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
        if self.time_input:
            a = t.to(x.dtype)[:, None] * self.freqs[None, :]
            h = torch.cat([x, a.sin(), a.cos()], 1)
        coeffs = self.head(self.trunk(h)).view(-1, self.J, 2, self.dims)
        out = self.basis.readout(coeffs, t)
        return out[:, 0], out[:, 1]

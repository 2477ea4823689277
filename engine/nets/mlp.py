"""Reverse network for vectors (2-D points, or any dimension): a shared MLP trunk whose
outputs are mean and covariance coefficients read out through the temporal basis."""
from __future__ import annotations

import torch
from torch import nn

from .temporal import TemporalBasis


class VectorNet(nn.Module):
    """x_t (B, d), t (B,) -> (z_mu, z_sigma), each (B, d).

    As in the paper the trunk sees only x_t; time enters through the temporal readout,
    Σ_j g_j(t)·(W_j h + b_j). When every row has the same t (sampling), that sum is folded
    into one small head first, which makes the readout J times cheaper.
    `time_input=True` also gives the trunk a sinusoidal embedding of t: the binary
    heartbeat's optimal reverse step sharpens a phase posterior by a t-dependent
    temperature, which a time-blind trunk represents only with many features.
    """

    def __init__(self, dims: int, T: int, hidden: int = 64, layers: int = 3, J: int = 16,
                 time_input: bool = False):
        super().__init__()
        self.dims, self.J = dims, J
        self.basis = TemporalBasis(T, J)
        self.time_input = time_input
        if time_input:
            self.register_buffer("freqs", torch.exp(torch.linspace(0.0, 5.0, 8)) / T, persistent=False)
        blocks: list[nn.Module] = []
        width_in = dims + (16 if time_input else 0)
        for i in range(layers):
            blocks += [nn.Linear(width_in if i == 0 else hidden, hidden), nn.LeakyReLU(0.05)]
        self.trunk = nn.Sequential(*blocks)
        self.head = nn.Linear(hidden, J * 2 * dims)
        # Start at the "do what the forward step would do" solution: zero coefficients.
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.time_input:
            a = t.to(x.dtype)[:, None] * self.freqs
            x = torch.cat([x, a.sin(), a.cos()], 1)
        h = self.trunk(x)
        folded = self.basis.fold(t, self.head, 2 * self.dims)
        if folded is not None:
            w, b = folded
            out = torch.addmm(b, h, w.t()).view(-1, 2, self.dims)
        else:
            coeffs = self.head(h).view(-1, self.J, 2, self.dims)
            out = self.basis.readout(coeffs, t)
        return out[:, 0], out[:, 1]

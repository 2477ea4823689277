"""Temporal basis functions (the paper's readout): J normalised Gaussian bumps over t.

The network emits J coefficient sets; the value at step t is Σ_j y_j g_j(t), so nearby
steps share weights and the whole reverse process is one smooth function of t.
"""
from __future__ import annotations

import torch
from torch import nn


class TemporalBasis(nn.Module):
    def __init__(self, T: int, J: int):
        super().__init__()
        if J < 1:
            raise ValueError("the temporal basis needs J >= 1 functions")
        t = torch.arange(T + 1, dtype=torch.float64)
        centres = torch.linspace(1.0, float(T), J, dtype=torch.float64)
        width = (T - 1) / max(J - 1, 1)
        g = torch.exp(-0.5 * ((t[:, None] - centres[None, :]) / width) ** 2)
        g = g / g.sum(1, keepdim=True)  # normalised: a constant readout stays constant
        self.register_buffer("table", g.to(torch.float32), persistent=False)
        self.J = J

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        """(B,) integer steps -> (B, J) weights."""
        return self.table[t]

    def readout(self, coeffs: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """coeffs (B, J, ...) -> (B, ...): the per-step value Σ_j y_j g_j(t)."""
        w = self.table[t]
        return torch.einsum("bj,bj...->b...", w, coeffs)

    def fold(self, t: torch.Tensor, head: nn.Module, rows: int):
        """When every row of a batch has the same t, the readout is linear in the head's
        weights: fold Σ_j g_j(t)·W_j into one (rows, in) weight and (rows,) bias, so the
        head runs once instead of J times. None when the t differ (or one row)."""
        if len(t) < 2 or not torch.equal(t, t[:1].expand_as(t)):
            return None
        g = self.table[t[:1]][0]                                          # (J,)
        w = torch.einsum("j,jkh->kh", g, head.weight.view(self.J, rows, -1))
        return w, g @ head.bias.view(self.J, rows)

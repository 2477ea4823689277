"""The seed's figures: each with the bundled model it needs (assets/models/NAME.h5), the
data sets whose models already show it (no reopening then), and the equation it
illustrates in the app's rich-text style (x<sub>t</sub>, as the slider's equation line)."""
from __future__ import annotations

from dataclasses import dataclass

X, X1, X0 = "x<sub>t</sub>", "x<sub>t−1</sub>", "x<sub>0</sub>"


@dataclass(frozen=True)
class Figure:
    key: str
    title: str                       # the menu entry
    model: str                       # the bundled model opened when the open one will not do
    accepts: tuple[str, ...] | None  # data sets whose open model will do (None: any model)
    equation: str                    # rich text
    caption: str                     # one short line: what is shown
    shortcut: str = ""


FIGURES: tuple[Figure, ...] = (
    Figure("swissroll", "Swiss roll: forward and reverse at t = 0, T/2, T", "swissroll", ("swissroll",),
           f"q({X}|{X1}) = N({X}; √(1−β<sub>t</sub>)·{X1}, β<sub>t</sub>I) &nbsp;&nbsp; "
           f"p({X1}|{X}) = N({X1}; f<sub>μ</sub>({X}, t), f<sub>Σ</sub>({X}, t))",
           "Top: data diffusing to N(0, I). Bottom: the learned reverse from N(0, I); arrows: the drift "
           f"f<sub>μ</sub>({X}, t) − {X}", "Ctrl+1"),
    Figure("bound", "Per-step bound (KL at each t)", "swissroll", ("swissroll",),
           "K = −Σ<sub>t=2…T</sub> E<sub>q</sub>[D<sub>KL</sub>(q(x<sub>t−1</sub>|x<sub>t</sub>,x<sub>0</sub>) ‖ "
           "p(x<sub>t−1</sub>|x<sub>t</sub>))] + H<sub>q</sub>(X<sub>T</sub>|X<sub>0</sub>) − "
           "H<sub>q</sub>(X<sub>1</sub>|X<sub>0</sub>) − H<sub>p</sub>(X<sub>T</sub>)",
           "Training loss, held-out bound K, and the KL of each reverse step (where the model still loses bits)",
           "Ctrl+2"),
    Figure("heartbeat", "Heartbeat: binomial diffusion of a binary sequence", "heartbeat", ("heartbeat",),
           f"q({X}|{X1}) = B({X}; {X1}(1−β<sub>t</sub>) + ½β<sub>t</sub>), &nbsp;β<sub>t</sub> = 1/(T−t+1) "
           f"&nbsp;&nbsp; p({X1}|{X}) = B({X1}; f<sub>b</sub>({X}, t))",
           "Rows: sequences, columns: bits. Held-out heartbeats diffusing, the model's samples, its belief about x₀",
           "Ctrl+3"),
    Figure("deadleaves", "Dead leaves: samples from the model", "deadleaves", ("deadleaves",),
           f"{X0} ~ p({X0}) = ∫ p(x<sub>T</sub>) Π<sub>t</sub> p({X1}|{X}) dx<sub>1…T</sub>, "
           "&nbsp;p(x<sub>T</sub>) = N(0, I)",
           "Reverse samples x_t, the network's prediction of x₀, and a held-out image diffusing forward",
           "Ctrl+4"),
    Figure("inpaint", "Inpainting: a centred hole filled from the posterior", "texture", ("texture",),
           f"p̃({X0}) ∝ p({X0})·r({X0}): &nbsp;known pixels held at a draw of q({X}|{X0}), the hole sampled "
           f"from p({X1}|{X})",
           "A held-out grass image with a centred hole; posterior samples fill it, the known pixels kept exactly",
           "Ctrl+5"),
    Figure("denoise", "Denoising at SNR 1", "texture", ("texture",),
           f"r({X0}) = N(y; {X0}, σ²I), SNR = 1: &nbsp;each reverse mean moves μ ← μ + Σ·∂log r/∂x",
           "The noisy image (SNR 1) and samples of the clean image's posterior", "Ctrl+6"),
    Figure("entropy", "Entropy bounds on the reverse step", "swissroll", None,
           "H<sub>q</sub>(X<sub>t</sub>|X<sub>t−1</sub>) + H<sub>q</sub>(X<sub>t−1</sub>|X<sub>0</sub>) − "
           "H<sub>q</sub>(X<sub>t</sub>|X<sub>0</sub>) ≤ H<sub>q</sub>(X<sub>t−1</sub>|X<sub>t</sub>) ≤ "
           "H<sub>q</sub>(X<sub>t</sub>|X<sub>t−1</sub>)",
           "The band the reverse step's entropy must lie in (paper eq. 24), and the learned step's own "
           "(from f_Σ; from f_b for binary models)",
           "Ctrl+7"),
    Figure("schedule", "The diffusion schedule β_t, ᾱ_t, SNR_t", "swissroll", None,
           "ᾱ<sub>t</sub> = Π<sub>s≤t</sub>(1−β<sub>s</sub>), &nbsp;SNR<sub>t</sub> = ᾱ<sub>t</sub>/(1−ᾱ<sub>t</sub>)"
           " &nbsp;&nbsp; binomial: β<sub>t</sub> = 1/(T−t+1)",
           "The open model's schedule (log scale), the marker at the slider's t", "Ctrl+8"),
)

BY_KEY = {f.key: f for f in FIGURES}

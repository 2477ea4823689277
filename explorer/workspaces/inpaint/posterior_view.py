"""The results column of the Inpaint & denoise workspace: the reverse process as it runs
(x_t of the first samples, and every sample's predicted x̂₀ sharpening in its slot), the
posterior samples (exactly as many as asked, up to 16), and a summary row (what the model
saw, the per-pixel posterior mean and std, the original). Inpainting tiles show the
window sampled around the hole, where all the change is; a click enlarges a tile to its
whole picture. Texts sit in fixed-height labels, so nothing here can resize the canvas."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QVBoxLayout, QWidget

from ... import theme
from .image_tile import ImageTile
from .labels import FixedLabel

COLS = 4
MAX_SAMPLES = 16


class PosteriorView(QWidget):
    tileClicked = Signal(object)      # an ImageTile holding a picture was clicked

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setMinimumWidth(COLS * 30)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 0, 4, 0)
        outer.setSpacing(2)
        self.status = FixedLabel(3)
        outer.addWidget(self.status)
        grid = QGridLayout()
        grid.setSpacing(3)
        grid.setVerticalSpacing(2)
        self.xt_header = FixedLabel(muted=True, small=True)
        self.xt = [ImageTile(f"#{i + 1}") for i in range(COLS)]
        self.samples_header = FixedLabel(muted=True, small=True)
        self.samples = [ImageTile(f"#{i + 1}") for i in range(MAX_SAMPLES)]
        self.summary_header = FixedLabel(muted=True, small=True)
        self.observed, self.mean, self.std, self.original = (ImageTile(c) for c in ("observed", "mean", "std",
                                                                                    "original"))
        self.summary = [self.observed, self.mean, self.std, self.original]
        self.mean.accent = theme.REVERSE
        grid.addWidget(self.xt_header, 0, 0, 1, COLS)
        for i, tile in enumerate(self.xt):
            grid.addWidget(tile, 1, i)
        grid.addWidget(self.samples_header, 2, 0, 1, COLS)
        for i, tile in enumerate(self.samples):
            grid.addWidget(tile, 3 + i // COLS, i % COLS)
        last = 3 + MAX_SAMPLES // COLS
        grid.addWidget(self.summary_header, last, 0, 1, COLS)
        for i, tile in enumerate(self.summary):
            grid.addWidget(tile, last + 1, i)
        for row in (1, *range(3, last), last + 1):
            grid.setRowStretch(row, 1)
        self.grid = grid
        outer.addLayout(grid, 1)
        for tile in self.tiles():
            tile.clicked.connect(self.tileClicked)
        self.n = 0
        self.window = None        # what the tiles show of an inpainting: around the hole
        self.set_count(4)
        self.reset()

    def tiles(self) -> list[ImageTile]:
        return [*self.xt, *self.samples, *self.summary]

    def set_count(self, n: int) -> None:
        """Slots for exactly n samples: whole rows of COLS, the rest of the last row blank."""
        n = int(np.clip(n, 1, MAX_SAMPLES))
        if n == self.n:
            return
        self.n, rows = n, math.ceil(n / COLS)
        for i, tile in enumerate(self.samples):
            tile.setVisible(i < rows * COLS)
            tile.set_blank(i >= n)
        for r in range(MAX_SAMPLES // COLS):       # hidden rows must not keep their share
            self.grid.setRowStretch(3 + r, 1 if r < rows else 0)
        for i, tile in enumerate(self.xt):
            tile.set_blank(i >= n)

    def reset(self, text: str = "") -> None:
        for tile in (*self.xt, *self.samples, self.mean, self.std):
            tile.set_image(None)
        self.xt_header.setText("x<sub>t</sub>: the reverse process")
        self.samples_header.setText("posterior samples")
        self.summary_header.setText("summary")
        self.status.setText(text)

    # ---- what the model is given -----------------------------------------------------
    def set_inputs(self, task: str, image: np.ndarray | None, missing: np.ndarray | None = None,
                   window=None) -> None:
        """The observation and the original, shown before any result arrives (the noisy
        image of a denoising run comes with its result)."""
        self.window = window if task == "inpaint" else None
        self.original.set_image(image, caption="original", window=self.window)
        if task == "inpaint":
            self.observed.set_image(image, caption="observed", mask=missing, window=self.window)
        else:
            self.observed.set_image(None, caption="noisy")

    # ---- the running sampler -----------------------------------------------------------
    def set_frame(self, ev) -> None:
        """x_t and x̂₀ over the frame's window (cropped already by the engine)."""
        n = 0 if ev.x is None else len(ev.x)
        for i, tile in enumerate(self.xt):
            tile.set_image(ev.x[i] if i < n else None, caption=f"#{i + 1}")
        self.xt_header.setText(f"x<sub>{ev.t}</sub>: the reverse process, first {min(COLS, n)} samples"
                               + (" (around the hole)" if ev.task == "inpaint" else ""))
        for i, tile in enumerate(self.xt):
            tile.title = f"x_{ev.t} of sample {i + 1}"
        if ev.x0_pred is not None:
            for i, tile in enumerate(self.samples[:self.n]):
                tile.set_image(ev.x0_pred[i] if i < len(ev.x0_pred) else None, caption=f"x̂₀ #{i + 1}")
                tile.title = f"x̂₀ of sample {i + 1} from x_{ev.t + 1}"
            self.samples_header.setText(f"x̂<sub>0</sub>: each sample's prediction of x<sub>0</sub> from "
                                        f"x<sub>{ev.t + 1}</sub>, sharpening as t falls")

    def set_result(self, ev) -> None:
        n = len(ev.samples)
        window = tuple(ev.window) if ev.task == "inpaint" else None
        self.window = window
        for i, tile in enumerate(self.samples):
            tile.set_image(ev.samples[i] if i < n else None, caption=f"#{i + 1}", window=window)
            tile.title = f"sample {i + 1}"
        self.samples_header.setText(f"posterior samples ({n})" + (" · click one to see it whole" if n else ""))
        self.mean.set_image(ev.mean, caption="mean", window=window)
        top = float(np.max(ev.std)) if ev.std is not None and ev.std.size else 0.0
        self.std.set_image(ev.std, 0.0, max(top, 1e-6), cmap="inferno", caption="std", window=window)
        self.summary_header.setText(f"summary: posterior mean and std (black 0 … yellow {top:.2f})")
        if ev.task == "denoise":
            self.observed.set_image(ev.observed, caption="noisy")
            self.original.set_image(ev.clean, caption="clean")
        else:
            self.observed.set_image(ev.observed, caption="observed", mask=ev.missing, window=window)
            self.original.set_image(ev.observed, caption="original", window=window)

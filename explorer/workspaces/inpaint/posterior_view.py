"""The results column of the Inpaint & denoise workspace: the reverse process as it runs
(x_t and the predicted x̂_0 of the first samples), the posterior samples, and a summary row
(what the model saw, the per-pixel posterior mean and std, the original)."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ... import theme
from .image_tile import ImageTile
from .paint_canvas import mask_overlay

COLS = 4
SAMPLE_ROWS = 2


def _header(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setStyleSheet(f"color: {theme.MUTED}; padding-top: 4px;")
    return lab


class PosteriorView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 0, 4, 0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {theme.FG}; padding: 2px 0 4px 0;")
        outer.addWidget(self.status)
        grid = QGridLayout()
        grid.setSpacing(3)
        grid.setVerticalSpacing(2)
        self.xt_header = _header("x_t: the reverse process")
        self.x0_header = _header("x̂₀: the model's prediction of x_0")
        self.xt = [ImageTile(f"#{i + 1}") for i in range(COLS)]
        self.x0 = [ImageTile(f"#{i + 1}") for i in range(COLS)]
        grid.addWidget(self.xt_header, 0, 0, 1, COLS)
        grid.addWidget(self.x0_header, 2, 0, 1, COLS)
        for i in range(COLS):
            grid.addWidget(self.xt[i], 1, i)
            grid.addWidget(self.x0[i], 3, i)
        self.samples_header = _header("posterior samples")
        grid.addWidget(self.samples_header, 4, 0, 1, COLS)
        self.samples = [ImageTile(f"sample {i + 1}") for i in range(COLS * SAMPLE_ROWS)]
        for i, tile in enumerate(self.samples):
            grid.addWidget(tile, 5 + i // COLS, i % COLS)
        self.summary_header = _header("summary")
        grid.addWidget(self.summary_header, 5 + SAMPLE_ROWS, 0, 1, COLS)
        self.observed, self.mean, self.std, self.original = (ImageTile(c) for c in ("observed", "mean", "std",
                                                                                    "original"))
        for i, tile in enumerate((self.observed, self.mean, self.std, self.original)):
            grid.addWidget(tile, 6 + SAMPLE_ROWS, i)
        self.mean.accent = theme.REVERSE
        outer.addLayout(grid, 1)
        self.reset()

    def reset(self, text: str = "") -> None:
        for tile in (*self.xt, *self.x0, *self.samples, self.mean, self.std):
            tile.set_image(None)
        self.summary_header.setText("summary")
        self.status.setText(text)

    # ---- what the model is given -----------------------------------------------------
    def set_inputs(self, task: str, image: np.ndarray | None, missing: np.ndarray | None = None) -> None:
        """The observation and the original, shown before any result arrives (the noisy
        image of a denoising run comes with its result)."""
        self.original.set_image(image, caption="original")
        if task == "inpaint":
            over = None if missing is None else mask_overlay(missing.astype(np.float32), 0.75)
            self.observed.set_image(image, caption="observed", overlay=over)
        else:
            self.observed.set_image(None, caption="noisy")

    # ---- the running sampler -----------------------------------------------------------
    def set_frame(self, ev) -> None:
        for i in range(COLS):
            has = ev.x is not None and i < len(ev.x)
            self.xt[i].set_image(ev.x[i] if has else None)
            pred = ev.x0_pred is not None and i < len(ev.x0_pred)
            self.x0[i].set_image(ev.x0_pred[i] if pred else None)
        self.xt_header.setText(f"x_t at t = {ev.t}: the reverse process, first {min(COLS, len(ev.x))} samples")
        self.x0_header.setText("x̂₀: the model's prediction of x_0 from x_t" if ev.t < ev.T
                               else "x̂₀: nothing predicted yet at t = T")

    def set_result(self, ev) -> None:
        n = len(ev.samples)
        for i, tile in enumerate(self.samples):
            tile.set_image(ev.samples[i] if i < n else None, caption=f"sample {i + 1}")
        shown = min(n, len(self.samples))
        self.samples_header.setText(f"posterior samples ({shown} of {n} shown)" if n > shown
                                    else f"posterior samples ({n})")
        self.mean.set_image(ev.mean, caption="mean")
        top = float(np.max(ev.std)) if ev.std is not None and ev.std.size else 0.0
        self.std.set_image(ev.std, 0.0, max(top, 1e-6), cmap="inferno", caption="std")
        self.summary_header.setText(f"summary: posterior mean and std (black 0 … yellow {top:.2f})")
        if ev.task == "denoise":
            self.observed.set_image(ev.observed, caption="noisy")
            self.original.set_image(ev.clean, caption="clean")

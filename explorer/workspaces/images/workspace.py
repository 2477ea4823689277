"""The Images tab: for an image model, reverse samples x_t at a chosen size (the nets are
fully convolutional) beside the model's prediction of x_0 from them, and the forward
diffusion of a full-size held-out image (or a PNG), all following the shared timestep
slider. It talks to the engine only through the client; trajectories are prepared as
8-bit grids on arrival, so scrubbing only swaps pictures.

Opening a model asks for its held-out images first, diffuses one, and only then samples:
the worker runs one job at a time, and the forward process takes a fraction of a second
while samples at 128 px take many, so the forward panel shows the new model at once."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout

from engine.runtime import protocol as m
from engine.data.errors import DataError
from engine.data.image_io import IMAGE_FILTER, read_image

from ... import settings, theme
from ...state import AppState, ModelInfo
from ...widgets.fit_label import FitLabel
from ...widgets.image_grid import ImagePanel, grid_shape, tile, to_display
from ..base import Workspace
from ..inpaint.sources import distinct, downscale, factor_to_fit
from .frames import display_frames

TAG = "image-workspace"
KEEP = 256            # data-set crops fetched for the bound's per-step KL bars
EVAL_N = 32           # held-out crops for those bars (seconds)
HELD_OUT = 24         # full-size held-out images asked for (the Inpaint tab asks the same)
FORWARD_SIDE = 256    # a loaded image is scaled down by a whole factor to at most this
SAMPLE_PIXELS = 4 * 256 * 256   # n·H·W of one sampling run at most: its trajectory is ~100 MB


def max_samples(side: int) -> int:
    return max(1, SAMPLE_PIXELS // (int(side) ** 2))


class ImageWorkspace(Workspace):
    kinds = ("image",)
    title = "Images"

    def __init__(self, client, app: AppState, *, choose_data: Callable[[str, dict], None],
                 on_error: Callable[[str], None] = lambda s: None, parent=None):
        """app: the shared state (the slider's t); choose_data(name, args): show a model's
        data set in the Data dock."""
        super().__init__(parent)
        self.client, self.app, self.choose_data, self.on_error = client, app, choose_data, on_error
        self.model_id = 0               # of the image model shown (0: none)
        self.config: dict = {}
        self.mean = self.std = None
        self.held: list[np.ndarray] | None = None     # full-size held-out images (raw, [0, 1])
        self.source: np.ndarray | None = None     # raw (C, H, W) image diffused forward
        self.source_text = ""
        self._await_forward = False
        self._sampled = False           # the first samples of this model were asked for
        self._train_data: m.DataReady | None = None   # sent by a training run, for its new model
        self.reverse_x: np.ndarray | None = None  # the trajectory shown, standardised
        self._build()

    # ---- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.n = QSpinBox()
        self.n.setRange(1, 64)
        self.n.setValue(16)
        self.n.setToolTip("how many reverse samples to draw (fewer at big sizes: each keeps its whole trajectory)")
        self.size = QSpinBox()
        self.size.setRange(8, 256)
        self.size.setSingleStep(16)
        self.size.setValue(64)
        self.size.setSuffix(" px")
        self.size.setKeyboardTracking(False)      # typing "128" asks once, not for 1, 12, 128
        self.size.setToolTip("side of the samples: the network is convolutional and samples at any size "
                             "(the training crop size is what it learnt from)")
        self.resample_button = QPushButton("Resample")
        self.resample_button.setToolTip("draw new samples from the reverse process")
        self.index = QSpinBox()
        self.index.setRange(0, 0)
        self.index.setToolTip("which full-size held-out image to diffuse forward")
        self.load = QPushButton("Load PNG…")
        self.load.setToolTip(f"diffuse your own image (at its size; scaled down by a whole factor to at most "
                             f"{FORWARD_SIDE} px a side)")
        self.source_label = theme.muted(FitLabel("", min_chars=3))   # elided, never clipped
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        for widget in (QLabel("samples"), self.n, QLabel("at"), self.size, self.resample_button):
            bar.addWidget(widget)
        bar.addSpacing(24)
        for widget in (QLabel("forward of held-out #"), self.index, self.load):
            bar.addWidget(widget)
        bar.addWidget(self.source_label, 1)

        self.view = pg.GraphicsLayoutWidget()
        ci = self.view.ci
        ci.setSpacing(10)
        self.reverse = ImagePanel(ci, 0, 0, "reverse samples x<sub>t</sub>")
        self.pred = ImagePanel(ci, 0, 1, "predicted x̂<sub>0</sub>")
        self.forward = ImagePanel(ci, 0, 2, "forward x<sub>t</sub> ~ q(x<sub>t</sub> | x<sub>0</sub>)")
        for col in range(3):
            ci.layout.setColumnStretchFactor(col, 1)
        self.caption = theme.muted(QLabel(
            "x̂<sub>0</sub>: the network's estimate of the clean image from x<sub>t</sub> (what the mean of "
            "p(x<sub>t−1</sub>|x<sub>t</sub>) steers towards). Pixels in the data's raw range [0, 1], clipped."))
        self.caption.setTextFormat(Qt.RichText)
        self.caption.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.caption)
        self.resample_button.clicked.connect(self.resample)
        self.index.valueChanged.connect(self._index_chosen)
        self.load.clicked.connect(self._load_dialog)
        self.size.valueChanged.connect(self._size_changed)
        self._placeholders("open or train an image model")

    def _placeholders(self, text: str) -> None:
        for p in (self.reverse, self.pred, self.forward):
            p.set_frames(None, 0, text)

    def panels(self) -> list[ImagePanel]:
        return [self.reverse, self.pred, self.forward]

    # ---- the workspace interface ----------------------------------------------------------
    def resample(self) -> None:
        self.request_reverse(new_seed=True)

    def set_t(self, t: int) -> None:
        self.redraw(t)

    def on_event(self, ev) -> None:
        if isinstance(ev, m.Trajectory):
            self.on_trajectory(ev)
        elif isinstance(ev, m.SampleStep):
            self.on_sample_step(ev)
        elif isinstance(ev, m.DataReady):
            self._on_data(ev)
        elif isinstance(ev, m.DataImagesReady):
            self._on_held_out(ev)
        elif isinstance(ev, (m.JobFailed, m.JobFinished)) and ev.kind == "data_images":
            if isinstance(ev, m.JobFailed) or ev.cancelled:
                self._first_samples()          # no held-out images: samples all the same
        elif isinstance(ev, m.JobFinished) and ev.kind == "sample" and ev.cancelled and self.isVisible():
            # Cancelled for a stroke while this tab was being shown: ask again, unless a
            # newer request (Resample twice) has started in its place meanwhile.
            QTimer.singleShot(150, self, self._sample_if_missing)

    def showEvent(self, ev) -> None:
        """Samples asked for but never delivered (the Inpaint tab cancels them for a
        stroke, queued or running): ask again now that they can be seen."""
        super().showEvent(ev)
        self._sample_if_missing()

    def _sample_if_missing(self) -> None:
        if self.model_id and self._sampled and self.reverse_x is None and not self.client.is_running("sample"):
            self.request_reverse()

    # ---- requests ---------------------------------------------------------------------
    def request_reverse(self, new_seed: bool = False) -> None:
        if not self.model_id:
            return
        self._sampled = True
        seed = int(np.random.default_rng().integers(1 << 30)) if new_seed else 0
        side = self.size.value()
        self.n.setMaximum(max_samples(side))
        self.reverse_x = None
        self.client.submit(m.Sample(n=self.n.value(), seed=seed, shape=(int(self.config["shape"][0]), side, side)))

    def request_forward(self) -> None:
        if self.model_id and self.source is not None:
            self._await_forward = True
            self.client.submit(m.Diffuse(data=self.source[None].astype(np.float64), seed=0))

    def _first_samples(self) -> None:
        if self.model_id and not self._sampled:
            self.request_reverse()
            self._request_data()

    def _request_data(self) -> None:
        """Held-out crops at the training size: the per-step KL bars of the bound."""
        c = self.config
        self.client.submit(m.MakeData(name=c.get("data", ""), n=KEEP, seed=0, keep=KEEP, tag=TAG,
                                      args={k: v for k, v in c.get("data_args", {}).items() if k != "levels"}))

    def _size_changed(self, side: int) -> None:
        self.n.setMaximum(max_samples(side))
        if self.model_id:
            self.reverse.set_frames(None, 0, f"sampling at {side}×{side}…")
            self.pred.set_frames(None, 0, "")
            self.request_reverse(new_seed=True)

    def load_image(self, path: str) -> bool:
        """Diffuse a user image at its own size (scaled down by a whole factor to fit)."""
        if not self.model_id:
            self.on_error("open an image model first")
            return False
        try:
            img = read_image(path, channels=int(self.config["shape"][0]))
        except (DataError, ValueError, OSError, MemoryError) as e:
            self.on_error(str(e).splitlines()[0] if str(e) else "cannot read that image")
            return False
        f = factor_to_fit(*img.shape[1:], FORWARD_SIDE)
        img = downscale(img, f)
        if min(img.shape[1:]) < 2:
            self.on_error(f"{path} is too small to diffuse")
            return False
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        self.source = img.astype(np.float64)
        self.source_text = f"{name} · {img.shape[2]}×{img.shape[1]} px" + (f" (scaled down {f}×)" if f > 1 else "")
        self._show_source()
        self.request_forward()
        return True

    # ---- engine events ----------------------------------------------------------------
    def on_model(self, info: ModelInfo) -> None:
        if info.kind != "image":
            if self.model_id:      # no stale pictures of a model no longer open
                self.model_id, self.reverse_x, self.held, self.source = 0, None, None, None
                self._placeholders("open or train an image model")
            return
        new = info.model_id != self.model_id
        self.model_id, self.config = info.model_id, dict(info.config)
        self.mean, self.std = np.asarray(info.data_mean), np.asarray(info.data_std)
        if not new:
            return
        crop = int(self.config["shape"][-1])
        self.size.blockSignals(True)
        self.size.setValue(crop if self.config.get("data") == "digits" else max(crop, 64))
        self.size.blockSignals(False)
        self.n.setMaximum(max_samples(self.size.value()))
        self.reverse_x, self.held, self.source, self._sampled = None, None, None, False
        self.source_label.setText("")
        for p, note in ((self.reverse, "sampling…"), (self.pred, "sampling…"), (self.forward, "")):
            p.set_frames(None, 0, note)
        training = self.client.is_running("train")
        if training and self._train_data is not None:
            # A new model from training: its run sends samples (at the training size) and
            # diffuses its image 0.
            self.size.blockSignals(True)
            self.size.setValue(crop)
            self.size.blockSignals(False)
            self._adopt_crops(self._train_data)
            self._train_data, self._sampled, self._await_forward = None, True, True
            return
        self.choose_data(info.config.get("data", ""), info.config.get("data_args", {}))
        self.client.submit(m.DataImages(n=HELD_OUT, seed=0))

    def _on_held_out(self, ev: m.DataImagesReady) -> None:
        if ev.model_id != self.model_id or not ev.images or self.held is not None:
            return                 # the first set of a model is the forward's (New set is the Inpaint tab's)
        self.held = distinct(ev.images)
        self.index.blockSignals(True)
        self.index.setRange(0, len(self.held) - 1)
        self.index.setValue(0)
        self.index.blockSignals(False)
        self._pick_held(0)
        self.request_forward()
        self._first_samples()

    def _on_data(self, ev: m.DataReady) -> None:
        if ev.train is None or ev.train.ndim != 4:
            return
        if ev.tag == "train":
            self._train_data = ev          # adopted with the new model it is for (if any)
        elif ev.tag == TAG and ev.heldout is not None and len(ev.heldout):   # fills the per-step KL bars
            self.client.submit(m.Evaluate(data=np.asarray(ev.heldout[:EVAL_N]), seed=0))

    def _adopt_crops(self, data: m.DataReady) -> None:
        self.held = [np.asarray(data.train[0], np.float64)]
        self.index.blockSignals(True)
        self.index.setRange(0, 0)
        self.index.blockSignals(False)
        self.source = self.held[0]
        self.source_text = f"{data.name} training crop #0"
        self._show_source()

    def _show_source(self) -> None:
        # Where the toolbar is narrow (a projector with docks open) only the size is shown.
        self.source_label.set_variants(self.source_text, self.source_text.rpartition(" · ")[2], "")

    def _index_chosen(self, i: int) -> None:
        if self._pick_held(i):
            self.request_forward()

    def _pick_held(self, i: int) -> bool:
        if not self.held or not 0 <= i < len(self.held):
            return False
        self.source = np.asarray(self.held[i], np.float64)
        h, w = self.source.shape[1:]
        self.source_text = f"held-out #{i} · {w}×{h} px"
        self._show_source()
        return True

    def on_trajectory(self, ev: m.Trajectory) -> None:
        if ev.model_id != self.model_id or ev.x is None or ev.x.ndim != 5:
            return
        t = self.app.t
        if ev.direction == "reverse":
            self.reverse_x = ev.x
            cols = grid_shape(ev.x.shape[1])[1]
            self.reverse.set_frames(display_frames(ev.x, self.mean, self.std, cols), t)
            # x0_pred[s] was predicted from x_{s+1}: show beside x_t the prediction made from
            # it (at t = 0 the sample is its own x_0).
            pred = np.concatenate([ev.x[:1], ev.x0_pred[:-1]]) if ev.x0_pred is not None else ev.x
            self.pred.set_frames(display_frames(pred, self.mean, self.std, cols), t)
        elif self._await_forward and ev.x.shape[1] == 1:
            self._await_forward = False
            self.forward.set_frames(display_frames(ev.x, self.mean, self.std), t)
        self.redraw(t)

    def on_sample_step(self, ev: m.SampleStep) -> None:
        """While sampling, show the newest x_t and x̂_0 (the full trajectory replaces them)."""
        if ev.model_id != self.model_id or ev.x is None or ev.x.ndim != 4 or self.reverse_x is not None:
            return
        cols = grid_shape(len(ev.x))[1]
        self._live(self.reverse, ev.x, cols, f"sampling… x<sub>{ev.t}</sub>")
        if ev.x0_pred is not None:
            self._live(self.pred, ev.x0_pred, cols, f"predicted x̂<sub>0</sub> from x<sub>{ev.t + 1}</sub>")

    def _live(self, panel: ImagePanel, x: np.ndarray, cols: int, title: str) -> None:
        grid = tile(to_display(x, self.mean, self.std), cols)[None]
        if panel.frames is None or panel.frames.shape[1:] != grid.shape[1:]:
            panel.set_frames(grid, 0)          # framed once, for the first step of this size
        else:
            panel.frames = grid
        panel.show(0, title)

    # ---- the slider ---------------------------------------------------------------------
    def redraw(self, t: int | None = None) -> None:
        if not self.model_id:
            return
        t = self.app.t if t is None else int(t)
        if self.reverse_x is not None:
            side = self.reverse_x.shape[-1]
            self.reverse.show(t, f"reverse samples x<sub>{t}</sub> ~ p · {side}×{side} px")
            self.pred.show(t, f"predicted x̂<sub>0</sub> from x<sub>{t}</sub>")
        if self.forward.frames is not None:
            self.forward.show(t, f"forward x<sub>{t}</sub> ~ q(x<sub>{t}</sub> | x<sub>0</sub>)")

    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Diffuse an image", settings.last_folder("images"),
                                              IMAGE_FILTER)
        if path:
            settings.set_last_folder("images", path.replace("\\", "/").rsplit("/", 1)[0])
            self.load_image(path)

    def export(self, path: str) -> bool:
        return self.view.grab().save(str(path))

    def close_views(self) -> None:
        self.view.close()
        self.view.deleteLater()

"""The Images tab: for an image model, reverse samples x_t beside the model's prediction
of x_0 from them, and the forward diffusion of one chosen image (from the model's data
set by index, or a PNG), all following the shared timestep slider. It talks to the
engine only through the client; trajectories are prepared as 8-bit grids on arrival."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout

from engine.runtime import protocol as m
from engine.data.errors import DataError
from engine.data.image_io import IMAGE_FILTER, read_image, to_channels

from ... import theme
from ...state import AppState, ModelInfo
from ...widgets.image_grid import ImagePanel, grid_shape, tile, to_display
from ..base import Workspace

TAG = "image-workspace"
KEEP = 256          # data-set images fetched to pick from
EVAL_N = 32         # held-out images for the per-step KL bars of an opened model (seconds)


def fit_image(img: np.ndarray, C: int, H: int, W: int) -> np.ndarray:
    """Any (c, h, w) image in [0, 1] -> the model's (C, H, W): its channels, the largest
    centred crop of the model's aspect, box-filtered down (or up) to H×W (PIL's
    ImageOps.fit, a channel at a time in 32-bit float so no grey level is rounded)."""
    from PIL import Image, ImageOps

    img = to_channels(np.asarray(img, np.float64), C)
    out = [np.asarray(ImageOps.fit(Image.fromarray(c.astype(np.float32), mode="F"), (W, H), Image.BOX))
           for c in img]
    return np.clip(np.stack(out), 0.0, 1.0)


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
        self.data: m.DataReady | None = None
        self.source: np.ndarray | None = None     # raw (C, H, W) image diffused forward
        self.source_text = ""
        self._await_forward = False
        self._train_data: m.DataReady | None = None   # sent by a training run, for its new model
        self.reverse_x: np.ndarray | None = None  # the trajectory shown, standardised
        self._build()

    # ---- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.n = QSpinBox()
        self.n.setRange(1, 64)
        self.n.setValue(16)
        self.n.setToolTip("how many reverse samples to draw")
        self.resample_button = QPushButton("Resample")
        self.resample_button.setToolTip("draw new samples from the reverse process")
        self.index = QSpinBox()
        self.index.setRange(0, 0)
        self.index.setToolTip("which image of the model's data set to diffuse forward")
        self.load = QPushButton("Load PNG…")
        self.load.setToolTip("diffuse your own image (cropped and scaled to the model's size)")
        self.source_label = QLabel("")
        self.source_label.setStyleSheet(f"color: {theme.MUTED};")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        for widget in (QLabel("samples"), self.n, self.resample_button):
            bar.addWidget(widget)
        bar.addSpacing(24)
        for widget in (QLabel("forward: image #"), self.index, self.load, self.source_label):
            bar.addWidget(widget)
        bar.addStretch(1)

        self.view = pg.GraphicsLayoutWidget()
        ci = self.view.ci
        ci.setSpacing(10)
        self.reverse = ImagePanel(ci, 0, 0, "reverse samples x<sub>t</sub>")
        self.pred = ImagePanel(ci, 0, 1, "predicted x̂<sub>0</sub>")
        self.forward = ImagePanel(ci, 0, 2, "forward x<sub>t</sub> ~ q(x<sub>t</sub> | x<sub>0</sub>)")
        for col, stretch in ((0, 10), (1, 10), (2, 7)):
            ci.layout.setColumnStretchFactor(col, stretch)
        self.caption = QLabel("x̂<sub>0</sub>: the network's estimate of the clean image from x<sub>t</sub> "
                              "(what the mean of p(x<sub>t−1</sub>|x<sub>t</sub>) steers towards). Pixels "
                              "in the data's raw range [0, 1], clipped.")
        self.caption.setTextFormat(Qt.RichText)
        self.caption.setStyleSheet(f"color: {theme.MUTED}; padding: 0 6px 4px 6px;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.caption)
        self.resample_button.clicked.connect(self.resample)
        self.index.valueChanged.connect(self._index_chosen)
        self.load.clicked.connect(self._load_dialog)
        self._placeholders("open or train an image model")

    def _placeholders(self, text: str) -> None:
        for p in (self.reverse, self.pred, self.forward):
            p.set_frames(None, 0, text)

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

    # ---- requests ---------------------------------------------------------------------
    def request_reverse(self, new_seed: bool = False) -> None:
        if not self.model_id:
            return
        seed = int(np.random.default_rng().integers(1 << 30)) if new_seed else 0
        self.client.submit(m.Sample(n=self.n.value(), seed=seed))

    def request_forward(self) -> None:
        if self.model_id and self.source is not None:
            self._await_forward = True
            self.client.submit(m.Diffuse(data=self.source[None].astype(np.float64), seed=0))

    def _request_data(self) -> None:
        c = self.config
        self.client.submit(m.MakeData(name=c.get("data", ""), n=KEEP, seed=0, keep=KEEP, tag=TAG,
                                      args={k: v for k, v in c.get("data_args", {}).items() if k != "levels"}))

    def load_image(self, path: str) -> bool:
        """Diffuse a user image (any size: cropped and scaled to the model's)."""
        if not self.model_id:
            self.on_error("open an image model first")
            return False
        C, H, W = self.config["shape"]
        try:
            img = fit_image(read_image(path), C, H, W)
        except (DataError, ValueError, OSError) as e:
            self.on_error(str(e).splitlines()[0] if str(e) else "cannot read that image")
            return False
        self.source, self.source_text = img, path.replace("\\", "/").rsplit("/", 1)[-1]
        self.source_label.setText(self.source_text)
        self.request_forward()
        return True

    # ---- engine events ----------------------------------------------------------------
    def on_model(self, info: ModelInfo) -> None:
        if info.kind != "image":
            if self.model_id:      # no stale pictures of a model no longer open
                self.model_id, self.reverse_x = 0, None
                self._placeholders("open or train an image model")
            return
        new = info.model_id != self.model_id
        same_data = self._data_fits(info.config)
        self.model_id, self.config = info.model_id, dict(info.config)
        self.mean, self.std = np.asarray(info.data_mean), np.asarray(info.data_std)
        if not new:
            return
        training = self.client.is_running("train")
        self.reverse_x = None
        for p, note in ((self.reverse, "sampling…"), (self.pred, "sampling…"), (self.forward, "")):
            p.set_frames(None, 0, note)
        if training and self._train_data is not None:
            # A new model from training: its run sends samples and diffuses its image 0.
            self._adopt(self._train_data, 0)
            self._train_data = None
            self._await_forward = True
            return
        self.request_reverse()
        self.choose_data(info.config.get("data", ""), info.config.get("data_args", {}))
        if same_data and self.source is not None:
            self.request_forward()
        elif not same_data:
            self.source = None
            self._request_data()

    def _data_fits(self, config: dict) -> bool:
        d = self.data
        return d is not None and d.name == config.get("data") and \
            tuple(d.train.shape[1:]) == tuple(config.get("shape", ()))

    def _on_data(self, ev: m.DataReady) -> None:
        if ev.train is None or ev.train.ndim != 4:
            return
        if ev.tag == "train":
            self._train_data = ev          # adopted with the new model it is for (if any)
        elif ev.tag == TAG:
            self._adopt(ev, self.index.value())
            self.request_forward()
            if ev.heldout is not None and len(ev.heldout):   # fills the per-step KL bars
                self.client.submit(m.Evaluate(data=np.asarray(ev.heldout[:EVAL_N]), seed=0))

    def _adopt(self, data: m.DataReady, i: int) -> None:
        self.data = data
        self.index.blockSignals(True)
        self.index.setRange(0, len(data.train) - 1)
        self.index.setValue(min(i, len(data.train) - 1))
        self.index.blockSignals(False)
        self._pick(self.index.value())

    def _index_chosen(self, i: int) -> None:
        if self._pick(i):
            self.request_forward()

    def _pick(self, i: int) -> bool:
        if self.data is None or not 0 <= i < len(self.data.train):
            return False
        self.source = np.asarray(self.data.train[i], np.float64)
        self.source_text = f"{self.data.name} #{i}"
        self.source_label.setText(self.source_text)
        return True

    def on_trajectory(self, ev: m.Trajectory) -> None:
        if ev.model_id != self.model_id or ev.x is None or ev.x.ndim != 5:
            return
        t = self.app.t
        if ev.direction == "reverse":
            self.reverse_x = ev.x
            cols = grid_shape(ev.x.shape[1])[1]
            self.reverse.set_frames(tile(to_display(ev.x, self.mean, self.std), cols), t)
            # x0_pred[s] was predicted from x_{s+1}: show beside x_t the prediction made from
            # it (at t = 0 the sample is its own x_0).
            pred = np.concatenate([ev.x[:1], ev.x0_pred[:-1]]) if ev.x0_pred is not None else ev.x
            self.pred.set_frames(tile(to_display(pred, self.mean, self.std), cols), t)
        elif self._await_forward and ev.x.shape[1] == 1:
            self._await_forward = False
            self.forward.set_frames(to_display(ev.x[:, 0], self.mean, self.std), t)
        self.redraw(t)

    def on_sample_step(self, ev: m.SampleStep) -> None:
        """While sampling, show the newest x_t and x̂_0 (the full trajectory replaces them)."""
        if ev.model_id != self.model_id or ev.x is None or ev.x.ndim != 4 or self.reverse_x is not None:
            return
        cols = grid_shape(len(ev.x))[1]
        self.reverse.set_frames(tile(to_display(ev.x, self.mean, self.std), cols)[None], 0)
        self.reverse.show(0, f"sampling… x<sub>{ev.t}</sub>")
        if ev.x0_pred is not None:
            self.pred.set_frames(tile(to_display(ev.x0_pred, self.mean, self.std), cols)[None], 0)
            self.pred.show(0, f"predicted x̂<sub>0</sub> from x<sub>{ev.t + 1}</sub>")

    # ---- the slider ---------------------------------------------------------------------
    def redraw(self, t: int | None = None) -> None:
        if not self.model_id:
            return
        t = self.app.t if t is None else int(t)
        if self.reverse_x is not None:
            self.reverse.show(t, f"reverse samples x<sub>{t}</sub> ~ p")
            self.pred.show(t, f"predicted x̂<sub>0</sub> from x<sub>{t}</sub>")
        self.forward.show(t, f"forward x<sub>{t}</sub> ~ q(x<sub>{t}</sub> | x<sub>0</sub>)")

    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Diffuse an image", "", IMAGE_FILTER)
        if path:
            self.load_image(path)

    def export(self, path: str) -> bool:
        return self.view.grab().save(str(path))

    def close_views(self) -> None:
        self.view.close()
        self.view.deleteLater()

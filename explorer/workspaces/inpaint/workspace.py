"""The Inpaint & denoise workspace: paint a mask on an image and watch the posterior fill
it in. Every finished edit sends one Inpaint command (newest wins: the worker cancels the
running one); while a stroke is under way, a preview-only command goes out at most every
LIVE_MS. Each command runs a strided preview first (the GUI says so), then the full
T-step posterior, streaming x_t and x̂_0 frames. Denoising adds noise at the chosen SNR
and samples the posterior of the clean image. Results are matched to the newest request
id, so frames of a cancelled job never show."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QStackedWidget,
                               QVBoxLayout, QWidget)

from engine.runtime import protocol as m
from engine.core.respacing import kept_steps
from engine.data.errors import DataError
from engine.data.image_io import IMAGE_FILTER, read_image
from engine.guides.denoise import add_noise
from engine.presets import ASSETS

from ... import theme
from ...state import ModelInfo
from ..base import Workspace
from . import posterior_export
from .controls import InpaintControls
from .mask_model import MaskModel
from .paint_canvas import PaintCanvas
from .posterior_view import PosteriorView

LIVE_MS = 120          # at most one preview request this often while a stroke is under way
TILES_PER_SIDE = 4     # bigger images are scaled down: the engine takes up to 4×4 model tiles
DIGITS = ASSETS / "digits.h5"
TASK_KINDS = ("inpaint", "denoise")


def ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def fit_canvas(image: np.ndarray, max_side: int) -> tuple[np.ndarray, int]:
    """Scale a (C, H, W) image down by whole factors (block means) until both sides fit."""
    f = max(1, -(-max(image.shape[1:]) // max_side))
    if f == 1:
        return image, 1
    C, H, W = image.shape
    H2, W2 = H // f, W // f
    return image[:, :H2 * f, :W2 * f].reshape(C, H2, f, W2, f).mean((2, 4)), f


class InpaintWorkspace(Workspace):
    kinds = ("image",)
    title = "Inpaint && denoise"     # && shows one &

    requested = Signal(int)          # a command went out (its request id)
    frameShown = Signal(object)      # a PosteriorFrame of the newest request was drawn
    resultShown = Signal(object)     # a PosteriorResult of the newest request was drawn

    def __init__(self, client, on_error=None, open_model=None, parent=None):
        super().__init__(parent)
        self.client = client
        self.on_error = on_error or (lambda text: None)
        self.open_model = open_model or (lambda path: client.submit(m.LoadModel(str(path))))
        self.mask = MaskModel()
        self.model_id, self.shape, self.model_path, self.T = 0, None, "", 0
        self.images: np.ndarray | None = None
        self.index, self.data_seed = 0, 0
        self.image: np.ndarray | None = None
        self.request, self.seed, self.noise_seed = 0, 0, 0
        self.result = None                        # newest PosteriorResult (what exports write)
        self.data_name = "data set"
        self.label = ""
        self.data_std = np.ones((1, 1, 1))
        self._build()
        self._connect()

    # ---- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        empty = QWidget()
        lay = QVBoxLayout(empty)
        lay.addStretch(1)
        self.empty_text = QLabel()
        self.empty_text.setAlignment(Qt.AlignCenter)
        self.empty_text.setWordWrap(True)
        self.empty_text.setStyleSheet(f"color: {theme.MUTED}; font-size: 11pt;")
        self.open_digits = QPushButton(f"Open {DIGITS.relative_to(ASSETS.parent.parent)}")
        self.open_digits.setEnabled(DIGITS.is_file())
        lay.addWidget(self.empty_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_digits)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        self.stack.addWidget(empty)
        self._set_empty("No image model is open. Inpainting and denoising need one: the posterior is "
                        "sampled with the model's reverse process.")

        page = QWidget()
        h = QHBoxLayout(page)
        h.setContentsMargins(4, 4, 4, 4)
        self.controls = InpaintControls()
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setFixedWidth(self.controls.sizeHint().width() + 14)   # room for the vertical bar
        h.addWidget(scroll)
        centre = QVBoxLayout()
        self.source = QLabel()
        self.source.setStyleSheet(f"color: {theme.FG};")
        self.canvas = PaintCanvas(self.mask)
        self.help = QLabel("left: paint with the tool · right: erase · Ctrl+Z undo")
        self.help.setStyleSheet(f"color: {theme.MUTED};")
        centre.addWidget(self.source)
        centre.addWidget(self.canvas, 1)
        centre.addWidget(self.help)
        h.addLayout(centre, 5)
        self.posterior = PosteriorView()
        h.addWidget(self.posterior, 4)
        self.stack.addWidget(page)
        self.live = QTimer(self)
        self.live.setSingleShot(True)
        self.live.setInterval(LIVE_MS)

    def _connect(self) -> None:
        c = self.controls
        self.open_digits.clicked.connect(lambda: self.open_model(str(DIGITS)))
        self.canvas.painting.connect(self._painting)
        self.canvas.edited.connect(self._edited)
        self.live.timeout.connect(self._live_tick)
        c.task_group.idToggled.connect(lambda _i, on: on and self.set_task(c.task))
        c.tool_group.idToggled.connect(lambda _i, on: on and self.canvas.set_tool(c.tool))
        c.size.valueChanged.connect(lambda v: setattr(self.canvas, "size", float(v)))
        c.hardness.valueChanged.connect(lambda v: setattr(self.canvas, "hardness", v / 100.0))
        c.opacity.valueChanged.connect(lambda v: self.canvas.set_opacity(v / 100.0))
        for button, action in ((c.undo, self.mask.undo), (c.redo, self.mask.redo), (c.invert, self.mask.invert),
                               (c.clear, self.mask.clear)):
            button.clicked.connect(lambda _=False, a=action: self._mask_edit(a))
        c.prev.clicked.connect(lambda: self.pick(self.index - 1))
        c.next.clicked.connect(lambda: self.pick(self.index + 1))
        c.more.clicked.connect(self.more_images)
        c.load.clicked.connect(self._load_dialog)
        c.resample.clicked.connect(lambda: self.run(reseed=True))
        c.new_noise.clicked.connect(self._new_noise)
        for w in (c.n, c.stride):
            w.valueChanged.connect(lambda _v: self.run())
        c.full.toggled.connect(lambda _on: self.run())
        c.snr.valueChanged.connect(lambda _v: self.run())
        c.export_png.clicked.connect(self._png_dialog)
        c.export_h5.clicked.connect(self._h5_dialog)
        for key, slot in ((QKeySequence.Undo, lambda: self._mask_edit(self.mask.undo)),
                          (QKeySequence("Ctrl+Shift+Z"), lambda: self._mask_edit(self.mask.redo)),
                          (QKeySequence("I"), lambda: self._mask_edit(self.mask.invert)),
                          *((QKeySequence(k), lambda t=t: c.tool_buttons[t].setChecked(True))
                            for t, k in (("brush", "B"), ("eraser", "E"), ("rect", "R"), ("fill", "F")))):
            QShortcut(key, self, activated=slot, context=Qt.WidgetWithChildrenShortcut)

    def _set_empty(self, text: str) -> None:
        self.empty_text.setText(text)
        self.stack.setCurrentIndex(0)

    @property
    def ready(self) -> bool:
        return self.model_id != 0 and self.image is not None

    # ---- model and images ------------------------------------------------------------
    def on_model(self, info: ModelInfo) -> None:
        if info.kind != "image":
            self.model_id, self.image, self.images = 0, None, None
            self._set_empty(f"The open model ({info.description.split(' · ')[0]}) is not an image model. "
                            "Inpainting and denoising need one.")
            return
        self.model_path = info.path
        if info.model_id == self.model_id:
            return                                  # saved, or trained further: same pictures
        self.model_id, self.shape, self.T = info.model_id, tuple(info.config["shape"]), info.T
        self.data_std = np.asarray(info.data_std, dtype=np.float64)
        self.image, self.images, self.result = None, None, None
        self.stack.setCurrentIndex(1)
        self.posterior.reset("loading images from the model's data set…")
        self.client.submit(m.DataImages(n=24, seed=self.data_seed))

    def more_images(self) -> None:
        if self.model_id:
            self.data_seed += 1
            self.client.submit(m.DataImages(n=24, seed=self.data_seed))

    def pick(self, index: int) -> None:
        if self.images is None or not len(self.images):
            return
        self.index = index % len(self.images)
        self.controls.which.setText(f"{self.index + 1} / {len(self.images)}")
        self.set_image(self.images[self.index], f"{self.data_name} · held-out image {self.index + 1} / "
                                                f"{len(self.images)}")

    def set_image(self, image: np.ndarray, label: str) -> None:
        """Show `image` (C, H, W) in [0, 1]; the mask stays when the size does."""
        self.image = np.asarray(image, dtype=np.float32)
        h, w = self.image.shape[1:]
        self.label = f"{label} · {w}×{h} px"
        self.run()

    def load_png(self, path: str) -> bool:
        """An image file as the canvas; a one-line error (never an exception) if unusable."""
        if not self.model_id:
            self.on_error("open an image model first")
            return False
        try:
            image = read_image(path, channels=self.shape[0])
        except (DataError, OSError, ValueError) as e:
            self.on_error(str(e).splitlines()[0] if str(e) else f"cannot read {Path(path).name}")
            return False
        if min(image.shape[1:]) < 4:
            self.on_error(f"{Path(path).name} is {image.shape[2]}×{image.shape[1]} pixels: too small to inpaint")
            return False
        image, f = fit_canvas(image, TILES_PER_SIDE * min(self.shape[1:]))
        self.controls.which.setText("file")
        self.set_image(image, Path(path).name + (f" (scaled down {f}×)" if f > 1 else ""))
        return True

    # ---- requests ---------------------------------------------------------------------
    def set_task(self, task: str) -> None:
        self.controls.show_task(task)
        self.canvas.paint_enabled = task == "inpaint"
        self.canvas.set_opacity(self.controls.opacity.value() / 100.0 if task == "inpaint" else 0.0)
        self.help.setVisible(task == "inpaint")
        self.run()

    def run(self, live: bool = False, reseed: bool = False) -> bool:
        """Send one posterior command for the current image (and mask); True if sent."""
        if not self.ready:
            return False
        c = self.controls
        if reseed:
            self.seed += 1
        task = c.task
        self._show_canvas(task)
        if task == "inpaint":
            missing = self.mask.missing
            self.posterior.set_inputs("inpaint", self.image, missing)
            if not missing.any():
                self.client.cancel("inpaint")
                self.request += 1                    # anything still in flight is stale
                self.result = None
                self.posterior.reset("Paint over the pixels to fill in: the posterior samples them, "
                                     "holding the rest fixed.")
                return False
            cmd = m.Inpaint(image=self.image.copy(), missing=missing.copy(), n=c.n.value(), seed=self.seed,
                            preview_stride=c.stride.value(), full=not live and c.full.isChecked())
        else:
            self.posterior.set_inputs("denoise", self.image)
            cmd = m.Denoise(clean=self.image.copy(), snr=c.snr.value(), n=c.n.value(), seed=self.seed,
                            noise_seed=self.noise_seed, preview_stride=c.stride.value(),
                            full=not live and c.full.isChecked())
        self.request += 1
        cmd.request = self.request
        self.client.submit(cmd)
        self.requested.emit(self.request)
        return True

    def _show_canvas(self, task: str) -> None:
        """Inpainting paints on the image; denoising shows what the model is given: the
        noisy image (the same draw the engine makes: add_noise with the same seed)."""
        if task == "inpaint":
            self.canvas.set_image(self.image)
            self.source.setText(self.label)
            return
        snr = self.controls.snr.value()
        noisy = add_noise(self.image.astype(np.float64), self.data_std, snr,
                          self.noise_seed)
        self.canvas.set_image(np.clip(noisy, 0.0, 1.0))
        self.source.setText(f"{self.label} · with noise at SNR {snr:g} (the clean original is in the summary)")

    def _new_noise(self) -> None:
        self.noise_seed += 1
        self.run()

    def _painting(self) -> None:
        if not self.live.isActive():
            self.live.start()

    def _live_tick(self) -> None:
        if self.mask.painting:
            self.run(live=True)

    def _edited(self) -> None:
        self.live.stop()
        self.run()

    def _mask_edit(self, action) -> None:
        if self.controls.task == "inpaint" and action():
            self.canvas.update()
            self.run()

    # ---- engine events ------------------------------------------------------------------
    def on_event(self, ev) -> None:
        if isinstance(ev, m.PosteriorFrame):
            if ev.request == self.request and ev.model_id == self.model_id:
                self.posterior.set_frame(ev)
                self.posterior.status.setText(self._frame_text(ev))
                self.frameShown.emit(ev)
        elif isinstance(ev, m.PosteriorResult):
            if ev.request == self.request and ev.model_id == self.model_id:
                self.result = ev
                self.posterior.set_result(ev)
                self.posterior.status.setText(self._result_text(ev))
                self.resultShown.emit(ev)
        elif isinstance(ev, m.DataImagesReady):
            if ev.model_id == self.model_id and ev.images is not None and len(ev.images):
                self.images, self.data_name = ev.images, ev.name
                self.pick(0)
        elif isinstance(ev, m.JobFailed) and ev.kind in TASK_KINDS:
            self.posterior.status.setText(f"<span style='color:#ff8a80'>{ev.kind} failed: {ev.message}</span>")

    def _frame_text(self, ev) -> str:
        if ev.phase == "preview":
            steps = len(kept_steps(ev.T, ev.stride))
            return (f"<b>preview</b>: every {ordinal(ev.stride)} step ({steps} of {ev.T} steps, approximate)"
                    f" · t = {ev.t}")
        return f"<b>full posterior</b>: all {ev.T} steps · t = {ev.t}"

    def _result_text(self, ev) -> str:
        n = len(ev.samples)
        if ev.phase == "preview":
            more = ("running the full posterior…" if self.controls.full.isChecked() and not self.canvas.mask.painting
                    else "preview only")
            return (f"<b>preview</b>: every {ordinal(ev.stride)} step ({ev.steps} of {self.T} steps), "
                    f"{n} samples in {ev.seconds:.2f} s · {more}")
        what = "known pixels held by r" if ev.task == "inpaint" else f"observation at SNR {ev.snr:g}"
        return f"<b>full posterior</b>: {n} samples, all {ev.steps} steps in {ev.seconds:.2f} s · {what}"

    # ---- exports ------------------------------------------------------------------------
    def resample(self) -> None:
        self.run(reseed=True)

    def export_pngs(self, folder: str) -> bool:
        if self.result is None:
            self.on_error("nothing to export yet: paint a mask, or switch to Denoise")
            return False
        try:
            names = posterior_export.write_pngs(folder, self.result)
            if not self.canvas.grab().save(str(Path(folder) / "canvas.png")):
                raise OSError(f"could not write {Path(folder) / 'canvas.png'}")
        except OSError as e:
            self.on_error(str(e).splitlines()[0])
            return False
        self.source.setText(f"wrote canvas.png and {len(names)} images to {folder}")
        return True

    def export_h5(self, path: str) -> bool:
        if self.result is None:
            self.on_error("nothing to export yet: paint a mask, or switch to Denoise")
            return False
        try:
            posterior_export.write_h5(path, self.result, self.model_path)
        except (OSError, ValueError) as e:
            self.on_error(str(e).splitlines()[0])
            return False
        self.source.setText(f"trajectories saved to {path}")
        return True

    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load image", "", IMAGE_FILTER)
        if path:
            self.load_png(path)

    def _png_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export PNGs to folder")
        if folder:
            self.export_pngs(folder)

    def _h5_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export posterior", "posterior.h5", "HDF5 (*.h5)")
        if path:
            self.export_h5(path)

"""The Inpaint & denoise workspace: paint a mask on a full-size image (the model's
held-out images at 256×256, or a file up to 512×512) and watch the posterior fill it.
Every finished edit sends one Inpaint command (newest wins: the worker cancels the
running one); while a stroke is under way, a preview-only command goes out at most every
LIVE_MS. Each command runs a strided preview first (the GUI says so), then the full
T-step posterior (optionally with RePaint's resampling), streaming x_t and x̂₀ over the
window around the hole; the GUI draws those crops, and x̂₀ sharpens in the hole on the
canvas itself. Denoising adds noise at the chosen SNR and samples the posterior of the
clean image. Results are matched to the newest request id, so frames of a cancelled job
never show."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from engine.runtime import protocol as m
from engine.guides.denoise import add_noise
from engine.presets import ASSETS

from ... import theme
from ...state import ModelInfo
from ...widgets.pacer import Pacer
from ..base import Workspace
from . import files, sources, status_text
from .controls import InpaintControls
from .enlarged import EnlargedView
from .mask_model import MaskModel
from .paint_canvas import PaintCanvas
from .posterior_view import PosteriorView
from .scale_offer import ScaleOffer
from .labels import ElidedLabel
from .view_bar import ViewBar

LIVE_MS = 120          # at most one preview request this often while a stroke is under way
FRAME_MS = 80          # live frames drawn at most this often (see widgets/pacer.py)
DIGITS = ASSETS / "digits.h5"
TASK_KINDS = ("inpaint", "denoise")
HELD_OUT = 24          # held-out images asked for (repeats of a one-photo texture are dropped)


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
        self.model_id, self.shape, self.model_path, self.T, self.config = 0, None, "", 0, {}
        self.images: list | None = None
        self.index, self.data_seed = 0, 0
        self.image: np.ndarray | None = None
        self.file: tuple[np.ndarray, str] | None = None   # a loaded file as read (rescaled from this)
        self.request, self.seed, self.noise_seed = 0, 0, 0
        self.sent_missing: np.ndarray | None = None       # the mask of the newest request
        self.sent_resample = None
        self.result = None                        # newest PosteriorResult (what exports write)
        self.seconds_per_step: float | None = None   # of the last full pass (RePaint's cost)
        self.data_name = "data set"
        self.label = ""
        self.data_std = np.ones((1, 1, 1))
        self._canvas_key = None
        self._image_version = 0                   # the canvas redraws the picture when it changes
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
        self.empty_text = theme.muted(QLabel())
        self.empty_text.setAlignment(Qt.AlignCenter)
        self.empty_text.setWordWrap(True)
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
        centre.setSpacing(2)
        self.source = ElidedLabel()
        self.offer = ScaleOffer()
        self.canvas = PaintCanvas(self.mask)
        self.view_bar = ViewBar(self.canvas)
        centre.addWidget(self.source)
        centre.addWidget(self.offer)
        centre.addWidget(self.canvas, 1)
        centre.addWidget(self.view_bar)
        h.addLayout(centre, 5)
        self.posterior = PosteriorView()
        h.addWidget(self.posterior, 4)
        self.stack.addWidget(page)
        self.enlarged = EnlargedView(self)
        self.live = QTimer(self)
        self.live.setSingleShot(True)
        self.live.setInterval(LIVE_MS)
        self.pacer = Pacer(self._frame_if_current, FRAME_MS, self)

    def _connect(self) -> None:
        c = self.controls
        self.open_digits.clicked.connect(lambda: self.open_model(str(DIGITS)))
        self.canvas.painting.connect(self._painting)
        self.canvas.edited.connect(self._edited)
        self.live.timeout.connect(self._live_tick)
        self.posterior.tileClicked.connect(self.enlarged.show_tile)
        self.offer.chosen.connect(self.show_file)
        self.offer.cancelled.connect(lambda: self.source.setText(f"{self.label} · the file was not loaded"))
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
        c.load.clicked.connect(lambda: files.load_dialog(self))
        c.resample.clicked.connect(lambda: self.run(reseed=True))
        c.new_noise.clicked.connect(self._new_noise)
        c.n.valueChanged.connect(self.posterior.set_count)
        for w in (c.n, c.stride):
            w.valueChanged.connect(lambda _v: self.run())
        for box in (c.full, c.harmonise):
            box.toggled.connect(lambda _on: self.run())
        for w in (c.jump, c.times):         # a new path only matters while harmonising
            w.valueChanged.connect(lambda _v: (self._cost(), c.harmonise.isChecked() and self.run()))
        c.harmonise.toggled.connect(lambda _on: self._cost())
        c.on_canvas.toggled.connect(lambda on: on or self.canvas.set_fill(None))
        c.snr.valueChanged.connect(lambda _v: self.run())
        c.export_png.clicked.connect(lambda: files.png_dialog(self))
        c.export_h5.clicked.connect(lambda: files.h5_dialog(self))
        for key, slot in ((QKeySequence.Undo, lambda: self._mask_edit(self.mask.undo)),
                          (QKeySequence("Ctrl+Shift+Z"), lambda: self._mask_edit(self.mask.redo)),
                          (QKeySequence("I"), lambda: self._mask_edit(self.mask.invert)),
                          *((QKeySequence(k), lambda t=t: c.tool_buttons[t].setChecked(True))
                            for t, k in (("brush", "B"), ("eraser", "E"), ("rect", "R"), ("fill", "F")))):
            QShortcut(key, self, activated=slot, context=Qt.WidgetWithChildrenShortcut)
        self.posterior.set_count(c.n.value())
        self._cost()

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
        channels_changed = self.shape is None or self.shape[0] != info.config["shape"][0]
        self.model_id, self.shape, self.T = info.model_id, tuple(info.config["shape"]), info.T
        self.config = dict(info.config)
        self.data_std = np.asarray(info.data_std, dtype=np.float64)
        self.image, self.images, self.result, self.seconds_per_step = None, None, None, None
        if channels_changed:
            self.file = None                        # read for other channels
        self.offer.hide()
        self.canvas.set_fill(None)
        self.stack.setCurrentIndex(1)
        self.posterior.reset("loading images from the model's data set…")
        self._cost()
        self.client.submit(m.DataImages(n=HELD_OUT, seed=self.data_seed))

    def more_images(self) -> None:
        if self.model_id:
            self.data_seed += 1
            self.client.submit(m.DataImages(n=HELD_OUT, seed=self.data_seed))

    def pick(self, index: int) -> None:
        if not self.images:
            return
        self.index = index % len(self.images)
        self.offer.hide()
        self.controls.which.setText(f"{self.index + 1} / {len(self.images)}")
        self.set_image(self.images[self.index], f"held-out {self.data_name} {self.index + 1} / {len(self.images)}")

    def set_image(self, image: np.ndarray, label: str) -> None:
        """Show `image` (C, H, W) in [0, 1]; the mask stays when the size does."""
        old = None if self.image is None else self.image.shape[1:]
        self.image = np.asarray(image, dtype=np.float32)
        self._image_version += 1
        h, w = self.image.shape[1:]
        if old != (h, w):       # a brush about 1/24 of the image: a stroke shows at any size
            self.controls.size.setValue(max(3, round(max(h, w) / 24)))
        self.label = f"{label} · {w}×{h} px"
        self.run()

    def load_png(self, path: str) -> bool:
        """An image file as the canvas (see files.load_png); True if it was read."""
        return files.load_png(self, path)

    def show_file(self, f: int = 1) -> None:
        """The loaded file scaled down by f (1: as read)."""
        files.show_file(self, f)

    # ---- requests ---------------------------------------------------------------------
    def set_task(self, task: str) -> None:
        self.controls.show_task(task)
        self.canvas.paint_enabled = task == "inpaint"
        self.canvas.set_opacity(self.controls.opacity.value() / 100.0 if task == "inpaint" else 0.0)
        self.canvas.set_fill(None)
        self.view_bar.set_task(task)
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
        resample = None
        if task == "inpaint":
            missing = self.mask.missing
            if not live:          # the summary tiles: once per edit, not per live tick
                self.posterior.set_inputs("inpaint", self.image, missing, self.posterior.window)
            if not missing.any():
                self.client.cancel("inpaint")
                self.request += 1                    # anything still in flight is stale
                self.pacer.drop()
                self.result, self.sent_missing = None, None
                self.canvas.set_fill(None)
                self.posterior.reset("Paint over the pixels to fill in: the posterior samples them, "
                                     "holding the rest fixed.")
                return False
            resample = c.resample_args
            cmd = m.Inpaint(image=self.image.copy(), missing=missing.copy(), n=c.n.value(), seed=self.seed,
                            preview_stride=c.stride.value(), full=not live and c.full.isChecked(),
                            resample=resample)
            self.sent_missing = missing
        else:
            if not live:
                self.posterior.set_inputs("denoise", self.image)
            cmd = m.Denoise(clean=self.image.copy(), snr=c.snr.value(), n=c.n.value(), seed=self.seed,
                            noise_seed=self.noise_seed, preview_stride=c.stride.value(),
                            full=not live and c.full.isChecked())
        if self.isVisible():
            # The worker runs one job at a time: Images-tab samples at 64 px take tens of
            # seconds and would hold the stroke's preview back. Whoever paints wants the
            # canvas now; the Images tab asks again when it is shown.
            self.client.cancel("sample")
        self.request += 1
        self.pacer.drop(restart=True)                # its first frame is drawn at once
        self.sent_resample = resample
        cmd.request = self.request
        self.client.submit(cmd)
        self.requested.emit(self.request)
        return True

    def _show_canvas(self, task: str) -> None:
        """Inpainting paints on the image; denoising shows what the model is given: the
        noisy image (the same draw the engine makes: add_noise with the same seed).
        Redrawn only when one of those changes, not on every live preview."""
        snr = self.controls.snr.value()
        key = (self._image_version, task) if task == "inpaint" else (self._image_version, task, snr, self.noise_seed)
        if key == self._canvas_key:
            return
        self._canvas_key = key
        if task == "inpaint":
            self.canvas.set_image(self.image)
            self.source.setText(self.label)
            return
        noisy = add_noise(self.image.astype(np.float64), self.data_std, snr, self.noise_seed)
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

    def _cost(self) -> None:
        self.controls.cost.setText(status_text.cost_text(self.T, self.controls.resample_args, self.seconds_per_step))

    # ---- engine events ------------------------------------------------------------------
    def on_event(self, ev) -> None:
        if isinstance(ev, m.PosteriorFrame):
            if self._current(ev):
                self.pacer.offer(ev)
        elif isinstance(ev, m.PosteriorResult):
            if self._current(ev):
                self._result(ev)
        elif isinstance(ev, m.DataImagesReady):
            if ev.model_id == self.model_id and ev.images:
                self.images, self.data_name = sources.distinct(ev.images), ev.name
                self.pick(0)
        elif isinstance(ev, m.JobFailed) and ev.kind in TASK_KINDS:
            self.posterior.status.setText(f"<span style='color:#ff8a80'>{ev.kind} failed: {ev.message}</span>")

    def _current(self, ev) -> bool:
        """Of the newest request to the open model (a paced frame may have gone stale)."""
        return ev.request == self.request and ev.model_id == self.model_id

    def _frame_if_current(self, ev) -> None:
        if self._current(ev):
            self._frame(ev)

    def _frame(self, ev) -> None:
        self.posterior.set_frame(ev)
        if ev.task == "inpaint":
            if self.posterior.window != tuple(ev.window):
                self.posterior.set_inputs("inpaint", self.image, self.sent_missing, tuple(ev.window))
            if self.controls.on_canvas.isChecked() and self.sent_missing is not None:
                # x̂₀ once the model has predicted something; the noise x_T before that.
                x = ev.x0_pred[0] if ev.x0_pred is not None else ev.x[0]
                self.canvas.set_fill(ev.window, np.clip(x, 0.0, 1.0), self.sent_missing)
        self.posterior.status.setText(status_text.frame_text(ev, self.sent_resample))
        self.frameShown.emit(ev)

    def _result(self, ev) -> None:
        self.pacer.drop()                            # a waiting frame is older than this
        self.result = ev
        self.posterior.set_result(ev)
        if ev.task == "inpaint" and self.controls.on_canvas.isChecked() and ev.missing is not None:
            y0, y1, x0, x1 = ev.window
            self.canvas.set_fill(ev.window, ev.samples[0][:, y0:y1, x0:x1], self.sent_missing
                                 if self.sent_missing is not None else ev.missing)
        if ev.phase == "full" and ev.task == "inpaint":
            steps = status_text.model_steps(self.T, self.sent_resample)
            self.seconds_per_step = ev.seconds / max(steps, 1)
            self._cost()
        more = ("running the full posterior…" if self.controls.full.isChecked() and not self.mask.painting
                else "preview only")
        self.posterior.status.setText(status_text.result_text(ev, self.T, more, self.sent_resample))
        self.resultShown.emit(ev)

    # ---- the workspace interface ----------------------------------------------------------
    def resample(self) -> None:
        self.run(reseed=True)

    def export_pngs(self, folder: str) -> bool:
        return files.export_pngs(self, folder)

    def export_h5(self, path: str) -> bool:
        return files.export_h5(self, path)

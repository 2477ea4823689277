"""The side panel of the Inpaint & denoise workspace: task, image source, mask tools,
noise level, posterior settings and exports. Widgets only: the workspace wires them."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QSizePolicy, QSlider, QSpinBox, QToolButton, QVBoxLayout,
                               QWidget)

from .labels import FixedLabel

TOOL_TEXT = {"brush": ("Brush", "B", "paint missing pixels (right button erases)"),
             "eraser": ("Eraser", "E", "make pixels known again (right button paints)"),
             "rect": ("Rectangle", "R", "drag a rectangle of missing pixels (right button: known)"),
             "fill": ("Fill", "F", "fill the connected region under the cursor (right button: known)")}


def _slider(lo: int, hi: int, value: int) -> QSlider:
    s = QSlider(Qt.Horizontal)
    s.setRange(lo, hi)
    s.setValue(value)
    return s


def _button(text: str, tip: str, checkable: bool = False) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setCheckable(checkable)
    b.setToolButtonStyle(Qt.ToolButtonTextOnly)
    b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
    return b


class InpaintControls(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(6)

        # Task: inpaint or denoise (exclusive, like tabs).
        row = QHBoxLayout()
        self.task_group = QButtonGroup(self)
        self.task_buttons = {}
        for i, (task, text, tip) in enumerate((
                ("inpaint", "Inpaint", "fill painted pixels with posterior samples (known pixels held by r)"),
                ("denoise", "Denoise", "add Gaussian noise, then sample the posterior of the clean image"))):
            b = _button(text, tip, checkable=True)
            b.setChecked(i == 0)
            self.task_group.addButton(b, i)
            self.task_buttons[task] = b
            row.addWidget(b)
        lay.addLayout(row)

        # Image source: the model's data set, or a file.
        src = QGroupBox("Image")
        g = QGridLayout(src)
        self.prev = _button("◀", "previous data-set image")
        self.next = _button("▶", "next data-set image")
        self.which = QLabel("–")
        self.which.setAlignment(Qt.AlignCenter)
        g.addWidget(self.prev, 0, 0)
        g.addWidget(self.which, 0, 1)
        g.addWidget(self.next, 0, 2)
        self.more = _button("New set", "draw another set of held-out images from the model's data set")
        self.load = _button("Load PNG…", "an image file up to 512×512 pixels (converted to the model's channels); a bigger "
                            "one is offered a downscale by a whole factor")
        row2 = QHBoxLayout()
        row2.addWidget(self.more)
        row2.addWidget(self.load)
        g.addLayout(row2, 1, 0, 1, 3)
        lay.addWidget(src)

        # Mask tools (inpainting).
        self.mask_box = QGroupBox("Mask")
        f = QGridLayout(self.mask_box)
        self.tool_group = QButtonGroup(self)
        self.tool_buttons = {}
        for i, (tool, (text, key, tip)) in enumerate(TOOL_TEXT.items()):
            b = _button(text, f"{tip} [{key}]", checkable=True)
            b.setChecked(i == 0)
            self.tool_group.addButton(b, i)
            self.tool_buttons[tool] = b
            f.addWidget(b, i // 2, i % 2)
        form = QFormLayout()
        form.setContentsMargins(0, 4, 0, 0)
        self.size = _slider(1, 64, 8)
        self.size.setToolTip("brush diameter in image pixels (the circle under the cursor shows it)")
        self.hardness = _slider(0, 100, 80)
        self.hardness.setToolTip("soft edges paint a halo; a pixel counts as missing once half covered")
        self.opacity = _slider(0, 100, 55)
        self.opacity.setToolTip("how strongly the mask is drawn over the image")
        self.size_label = QLabel()
        form.addRow(self.size_label, self.size)
        form.addRow("Hardness", self.hardness)
        form.addRow("Overlay", self.opacity)
        f.addLayout(form, 2, 0, 1, 2)
        self.undo = _button("Undo", "undo the last edit [Ctrl+Z]")
        self.redo = _button("Redo", "redo [Ctrl+Shift+Z]")
        self.invert = _button("Invert", "swap missing and known pixels [I]")
        self.clear = _button("Clear", "no missing pixels")
        for i, b in enumerate((self.undo, self.redo, self.invert, self.clear)):
            f.addWidget(b, 3 + i // 2, i % 2)
        lay.addWidget(self.mask_box)

        # Noise (denoising).
        self.noise_box = QGroupBox("Noise")
        nf = QFormLayout(self.noise_box)
        self.snr = QDoubleSpinBox()
        self.snr.setRange(0.05, 100.0)
        self.snr.setDecimals(2)
        self.snr.setSingleStep(0.25)
        self.snr.setValue(1.0)
        self.snr.setToolTip("signal variance / noise variance per channel of the data set (the paper uses 1)")
        nf.addRow("SNR", self.snr)
        self.new_noise = _button("New noise", "another draw of the Gaussian noise")
        nf.addRow(self.new_noise)
        self.noise_box.hide()
        lay.addWidget(self.noise_box)

        # Posterior settings.
        post = QGroupBox("Posterior")
        pf = QFormLayout(post)
        self.n = QSpinBox()
        self.n.setRange(1, 16)
        self.n.setValue(4)
        self.n.setToolTip("posterior samples drawn at once (their mean and std are shown)")
        self.stride = QSpinBox()
        self.stride.setRange(1, 50)
        self.stride.setValue(10)
        self.stride.setPrefix("every ")
        self.stride.setSuffix(" steps")
        self.stride.setToolTip("the live preview visits every k-th step only (approximate); 1: no preview")
        self.full = QCheckBox("full posterior after the preview")
        self.full.setChecked(True)
        self.full.setToolTip("after each edit, also run all T steps (exact sampler)")
        pf.addRow("Samples", self.n)
        pf.addRow("Preview", self.stride)
        pf.addRow(self.full)
        # RePaint's resampling (Lugmayr et al. 2022), beyond the paper: walk down `jump`
        # steps, re-diffuse back up, `times` passes, so the fill agrees with its
        # surroundings. Off by default: it multiplies the cost, which the label states.
        self.harmonise = QCheckBox("harmonise (RePaint resampling)")
        self.harmonise.setToolTip("beyond the paper: after every `jump` steps, diffuse back up and sample down "
                                  "again, `times` passes in all, so the fill agrees with its surroundings")
        self.jump = QSpinBox()
        self.jump.setRange(1, 50)
        self.jump.setValue(10)
        self.jump.setToolTip("steps walked down before jumping back up")
        self.times = QSpinBox()
        self.times.setRange(1, 10)
        self.times.setValue(3)
        self.times.setPrefix("× ")
        self.times.setToolTip("passes over each block of steps (1: the plain sampler)")
        row = QHBoxLayout()
        row.addWidget(QLabel("jump"))
        row.addWidget(self.jump)
        row.addWidget(self.times)
        self.cost = FixedLabel(2, muted=True, small=True)
        pf.addRow(self.harmonise)
        pf.addRow(row)
        pf.addRow(self.cost)
        self.on_canvas = QCheckBox("show the fill on the canvas")
        self.on_canvas.setChecked(True)
        self.on_canvas.setToolTip("draw x̂₀ as it sharpens, then sample 1, into the painted hole")
        pf.addRow(self.on_canvas)
        self.resample = _button("Resample", "")
        self.resample.setToolTip("new posterior samples (another seed)")
        pf.addRow(self.resample)
        lay.addWidget(post)
        self.harmonise.toggled.connect(self._harmonise_shown)
        self._harmonise_shown(False)

        # Exports.
        exp = QGroupBox("Export")
        ef = QHBoxLayout(exp)
        self.export_png = _button("PNGs…", "")
        self.export_png.setToolTip("the canvas, mask, samples, mean and std as PNG files in a folder")
        self.export_h5 = _button("HDF5…", "")
        self.export_h5.setToolTip("the posterior trajectories x_t and x̂_0, samples, mean and std")
        ef.addWidget(self.export_png)
        ef.addWidget(self.export_h5)
        lay.addWidget(exp)
        lay.addStretch(1)
        for box in (src, self.mask_box, self.noise_box, post, exp):
            box.layout().setContentsMargins(6, 2, 6, 4)
            box.layout().setSpacing(3)
        self.size.valueChanged.connect(self._size_text)
        self._size_text(self.size.value())

    def _harmonise_shown(self, on: bool) -> None:
        for w in (self.jump, self.times):
            w.setEnabled(on)

    @property
    def resample_args(self) -> tuple[int, int] | None:
        """(jump, times) for the engine's Inpaint, or None (the paper's sampler)."""
        return (self.jump.value(), self.times.value()) if self.harmonise.isChecked() else None

    def _size_text(self, v: int) -> None:
        self.size_label.setText(f"Size {v} px")

    @property
    def task(self) -> str:
        return "denoise" if self.task_buttons["denoise"].isChecked() else "inpaint"

    @property
    def tool(self) -> str:
        return next(t for t, b in self.tool_buttons.items() if b.isChecked())

    def show_task(self, task: str) -> None:
        self.task_buttons[task].setChecked(True)
        self.mask_box.setVisible(task == "inpaint")
        self.noise_box.setVisible(task == "denoise")

"""The Inpaint workspace's files: loading an image (up to sources.MAX_SIDE a side as it is,
a bigger one only once the user picks a downscale factor) and exporting a result (PNGs, a
figure, HDF5), with their dialogs, which open in the folder last used for that kind of
file. Errors become one-line banners through the workspace's on_error, never exceptions."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFileDialog

import numpy as np

from engine.data.errors import DataError
from engine.data.image_io import IMAGE_FILTER, read_image

from ... import settings, theme
from . import figure, posterior_export, sources

NOTHING = "nothing to export yet: paint a mask, or switch to Denoise"


def _remember(key: str, path: str) -> None:
    p = Path(path)
    settings.set_last_folder(key, str(p if p.is_dir() else p.parent))


def load_png(ws, path: str) -> bool:
    """Read a file for the canvas: shown at once when it fits (with an offer to rescale,
    and the scale the model works at), else offered a downscale. True if read."""
    if not ws.model_id:
        ws.on_error("open an image model first")
        return False
    name = Path(path).name
    try:
        image = read_image(path, channels=ws.shape[0]).astype(np.float32)
    except (DataError, OSError, ValueError, MemoryError) as e:
        ws.on_error(str(e).splitlines()[0] if str(e) else f"cannot read {name}")
        return False
    h, w = image.shape[1:]
    if min(h, w) < sources.MIN_SIDE:
        ws.on_error(f"{name} is {w}×{h} pixels: too small to inpaint (at least {sources.MIN_SIDE} a side)")
        return False
    ws.file = (image, name)
    f = sources.factor_to_fit(h, w)
    if f > 1:
        ws.offer.ask_downscale(name, h, w, sources.MAX_SIDE, sources.factors(h, w, f, 2))
    else:
        show_file(ws, 1)
    return True


def show_file(ws, f: int) -> None:
    """The loaded file on the canvas, scaled down by f (1: as read)."""
    if ws.file is None:
        return
    image, name = ws.file
    shown = sources.downscale(image, f)
    ws.controls.which.setText("file")
    ws.set_image(shown, name + (f" scaled down {f}×" if f > 1 else ""))
    if f == 1:
        h, w = shown.shape[1:]
        ws.offer.offer_rescale(name, h, w, sources.scale_note(ws.config), sources.factors(h, w, 2, 3))


def export_pngs(ws, folder: str) -> bool:
    """The canvas as shown, the result's images and (inpainting) a captioned figure."""
    if ws.result is None:
        ws.on_error(NOTHING)
        return False
    try:
        names = posterior_export.write_pngs(folder, ws.result, QColor(theme.SELECT).getRgbF()[:3])
        extra = {"canvas.png": ws.canvas.grab()}
        if ws.result.task == "inpaint":
            extra["figure.png"] = figure.compose(ws.result)
        for name, picture in extra.items():
            if not picture.save(str(Path(folder) / name)):
                raise OSError(f"could not write {Path(folder) / name}")
    except OSError as e:
        ws.on_error(str(e).splitlines()[0])
        return False
    ws.source.setText(f"wrote {', '.join(extra)} and {len(names)} images to {folder}")
    return True


def export_h5(ws, path: str) -> bool:
    if ws.result is None:
        ws.on_error(NOTHING)
        return False
    try:
        posterior_export.write_h5(path, ws.result, ws.model_path)
    except (OSError, ValueError) as e:
        ws.on_error(str(e).splitlines()[0])
        return False
    ws.source.setText(f"trajectories saved to {path}")
    return True


def load_dialog(ws) -> None:
    path, _ = QFileDialog.getOpenFileName(ws, "Load image", settings.last_folder("images"), IMAGE_FILTER)
    if path:
        _remember("images", path)
        ws.load_png(path)


def png_dialog(ws) -> None:
    folder = QFileDialog.getExistingDirectory(ws, "Export PNGs to folder", settings.last_folder("exports"))
    if folder:
        _remember("exports", folder)
        export_pngs(ws, folder)


def h5_dialog(ws) -> None:
    start = str(Path(settings.last_folder("exports") or ".") / "posterior.h5")
    path, _ = QFileDialog.getSaveFileName(ws, "Export posterior", start, "HDF5 (*.h5)")
    if path:
        _remember("exports", path)
        export_h5(ws, path)

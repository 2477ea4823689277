"""Exports of a posterior result (an engine PosteriorResult): PNGs at the image's own
resolution (what the model saw, the mask, every sample, the mean, the std scaled to its
maximum) and one HDF5 file with the trajectories, written by the engine's posterior writer
so the GUI's file and the `inpaint` / `denoise` CLI's are one layout. No Qt here."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.data.image_io import write_png
from engine.io.posterior import write_posterior

HOLE_RGB = (1.0, 0.36, 0.54)      # theme.SELECT, the mask colour of the canvas


def masked(observed: np.ndarray, missing: np.ndarray, colour=HOLE_RGB) -> np.ndarray:
    """What the model is given for inpainting: the image with its holes in the mask colour
    (RGB, so a grey image's holes cannot be mistaken for grey pixels)."""
    x = np.asarray(observed, np.float64)
    rgb = np.repeat(x[:1], 3, 0) if x.shape[0] == 1 else x[:3].copy()
    rgb[:, np.asarray(missing, bool)] = np.asarray(colour, np.float64)[:, None]
    return rgb


def write_pngs(folder, result, colour=HOLE_RGB) -> list[str]:
    """Write the result's images into `folder`; returns the file names written.
    observed.png is the masked input (issue 12: it used to be the whole original), and
    original.png the image the holes were cut from."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OSError(f"folder does not exist: {folder}")
    images = {"mean": result.mean, "std": result.std / max(float(np.max(result.std)), 1e-12)}
    if result.task == "inpaint":
        images["observed"] = masked(result.observed, result.missing, colour)
        images["original"] = result.observed
        images["mask"] = result.missing[None].astype(np.float64)      # white = missing (the CLI's --mask)
    else:
        images["noisy"] = result.observed
    if result.clean is not None:
        images["clean"] = result.clean
    images.update({f"sample_{i:02d}": s for i, s in enumerate(result.samples)})
    names = []
    for name, x in images.items():
        write_png(folder / f"{name}.png", x)   # to_uint8 clips to the 8-bit range
        names.append(f"{name}.png")
    return names


def write_h5(path, result, model_path: str = "") -> None:
    """Samples, mean, std, the observation and the whole trajectory (x_t and x̂_0 indexed
    like `t`, the original step numbers; a preview visits every `stride`-th step)."""
    attrs = {"model": Path(model_path).name if model_path else "", "phase": result.phase,
             "stride": int(result.stride), "window": np.asarray(result.window, np.int64)}
    if result.task == "denoise":
        attrs["snr"] = float(result.snr)
    write_posterior(path, result.task, result.observed, result.samples, result.mean, result.std, attrs=attrs,
                    clean=result.clean, trajectory=result.trajectory, x0_trajectory=result.x0_trajectory,
                    mask=None if result.missing is None else np.asarray(result.missing, bool),
                    t=None if result.ts is None else np.asarray(result.ts, np.int64))

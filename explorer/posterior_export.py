"""Exports of a posterior result (an engine PosteriorResult): PNGs at the image's own
resolution (what the model saw, the mask, every sample, the mean, the std scaled to its
maximum) and one HDF5 file with the trajectories, in the layout the `inpaint` / `denoise`
CLI writes (kind diffusion-explorer/posterior), saved atomically. No Qt here."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.commands_images import POSTERIOR_KIND
from engine.images import write_png
from engine.storage import atomic_h5


def write_pngs(folder, result) -> list[str]:
    """Write the result's images into `folder`; returns the file names written."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OSError(f"folder does not exist: {folder}")
    images = {"observed" if result.task == "inpaint" else "noisy": result.observed,
              "mean": result.mean, "std": result.std / max(float(np.max(result.std)), 1e-12)}
    if result.missing is not None:
        images["mask"] = result.missing[None].astype(np.float64)      # white = missing (the CLI's --mask)
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
    with atomic_h5(path) as f:
        f.attrs["kind"] = POSTERIOR_KIND
        f.attrs["task"] = result.task
        f.attrs["model"] = Path(model_path).name if model_path else ""
        f.attrs["phase"] = result.phase
        f.attrs["stride"] = int(result.stride)
        if result.task == "denoise":
            f.attrs["snr"] = float(result.snr)
        f.create_dataset("observed", data=np.asarray(result.observed, np.float32))
        for name in ("samples", "mean", "std", "clean", "trajectory", "x0_trajectory"):
            v = getattr(result, name)
            if v is not None:
                f.create_dataset(name, data=np.asarray(v, np.float32), compression="gzip", compression_opts=1)
        if result.missing is not None:
            f.create_dataset("mask", data=np.asarray(result.missing, bool))
        if result.ts is not None:
            f.create_dataset("t", data=np.asarray(result.ts, np.int64))

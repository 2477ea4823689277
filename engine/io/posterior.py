"""Posterior files: what `inpaint`/`denoise` and the GUI's export write, and a reader.
One HDF5 layout: `observed` (C, H, W), `samples` (n, C, H, W), `mean`, `std` in the image's
[0, 1] range, plus optional datasets (mask, noisy, clean, trajectories) and attributes."""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np

from engine.io.storage import StorageError, atomic_h5, open_checked

POSTERIOR_KIND = "diffusion-explorer/posterior"
REQUIRED = ("observed", "samples", "mean", "std")


def write_posterior(path: str | Path, task: str, observed: np.ndarray, samples: np.ndarray, mean: np.ndarray,
                    std: np.ndarray, attrs: dict | None = None, **datasets) -> None:
    """Atomically write one posterior run. `task` is "inpaint" or "denoise"; extra
    datasets (mask, noisy, clean, trajectory, x0_trajectory, ts, ...) are stored as given
    (floats as float32, booleans as bool)."""
    with atomic_h5(path) as f:
        f.attrs["kind"] = POSTERIOR_KIND
        f.attrs["task"] = str(task)
        for k, v in (attrs or {}).items():
            f.attrs[k] = v
        arrays = {"observed": observed, "samples": samples, "mean": mean, "std": std, **datasets}
        for k, v in arrays.items():
            if v is None:
                continue
            v = np.asarray(v)
            v = v if v.dtype == bool or np.issubdtype(v.dtype, np.integer) else v.astype(np.float32)
            f.create_dataset(k, data=v, compression="gzip" if v.size > 1024 else None,
                             compression_opts=1 if v.size > 1024 else None)


def read_posterior(path: str | Path) -> dict:
    """Every dataset as an array plus "attrs"; refuses files that are not posteriors."""
    name = Path(path).name
    with open_checked(path, POSTERIOR_KIND) as f:
        missing = [k for k in REQUIRED if k not in f]
        if missing:
            raise StorageError(f"{name} is incomplete: no {missing[0]!r} dataset")
        try:
            out = {k: np.asarray(f[k][()]) for k in f if isinstance(f[k], h5py.Dataset)}
        except OSError as e:
            raise StorageError(f"{name} is damaged: {str(e).splitlines()[0]}") from None
        out["attrs"] = {k: f.attrs[k] for k in f.attrs}
    return out

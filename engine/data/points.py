"""Data sets, generated or loaded, always offline. 2-D toy sets return raw float64 points;
standardising is the model's job (its mean and std are stored with it)."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from engine.data.errors import DataError
from engine.data.split import PointData, split_points

POINT_SETS = ("swissroll", "moons", "eightgaussians", "checkerboard", "circles")

def swissroll(n: int, rng: np.random.Generator, noise: float = 0.05) -> np.ndarray:
    """c(u) = (s cos s, s sin s), s = 1.5π(1 + 2u), u ~ U(0, 1), plus N(0, noise²) per axis."""
    u = rng.uniform(0.0, 1.0, n)
    return swissroll_curve(u) + noise * rng.standard_normal((n, 2))


def swissroll_curve(u: np.ndarray) -> np.ndarray:
    s = 1.5 * np.pi * (1.0 + 2.0 * np.asarray(u, dtype=np.float64))
    return np.stack([s * np.cos(s), s * np.sin(s)], 1)


def moons(n, rng, noise=0.05):
    from sklearn.datasets import make_moons
    return make_moons(n, noise=noise, random_state=int(rng.integers(2**31)))[0]


def circles(n, rng, noise=0.05):
    from sklearn.datasets import make_circles
    return make_circles(n, noise=noise, factor=0.5, random_state=int(rng.integers(2**31)))[0]


def eightgaussians(n, rng, noise=0.05):
    angles = rng.integers(0, 8, n) * (np.pi / 4)
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], 1)
    return centres + max(noise, 1e-3) * 4 * rng.standard_normal((n, 2))


def checkerboard(n, rng, noise=0.05):
    x = rng.uniform(-2, 2, n)
    y = rng.uniform(0, 1, n) + rng.integers(0, 2, n) * 2 - 2 + (np.floor(x) % 2)
    return np.stack([x, y], 1) + noise * rng.standard_normal((n, 2))


GENERATORS = {"swissroll": swissroll, "moons": moons, "eightgaussians": eightgaussians,
              "checkerboard": checkerboard, "circles": circles}


MAX_CSV_BYTES = 200 << 20          # a CSV this big holds ~10 million points; parsing needs ~20× its size
MAX_POINTS = 50_000_000            # rows of a .npy file


def load_points_file(path: str | Path) -> np.ndarray:
    """User points from CSV (x,y per line; a header line is skipped) or NPY, shape (n, 2).
    Sizes, shapes and types are checked before reading (an .npy header can declare any size)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such file: {path}")
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"{path.name} is empty")
    try:
        if path.suffix.lower() == ".npy":
            _check_npy_header(path, size)
            pts = np.load(path, allow_pickle=False)
        else:
            if size > MAX_CSV_BYTES:
                raise DataError(f"{path.name} is {size / 2**20:.0f} MB; CSV files of points are read up to "
                                f"{MAX_CSV_BYTES >> 20} MB (save larger sets as .npy)")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")     # numpy warns about empty input; we say it ourselves
                pts = np.genfromtxt(path, delimiter=",", dtype=np.float64, invalid_raise=True)
            if pts.ndim == 2 and len(pts) and np.isnan(pts[0]).all():
                pts = pts[1:]  # header line
    except DataError:
        raise
    except Exception as e:  # numpy's messages are long; keep the line that says where
        lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
        where = next((ln for ln in lines if ln.startswith("Line #")), lines[0] if lines else type(e).__name__)
        raise DataError(f"cannot read points from {path.name}: {where[:120]}") from None
    return validate_points(pts, path.name)


def _check_npy_header(path: Path, size: int) -> None:
    """An .npy of plain numbers, shape (n, 2), whose data fill the file exactly."""
    fmt = np.lib.format
    try:
        with open(path, "rb") as fh:
            version = fmt.read_magic(fh)
            read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
            shape, _, dtype = read(fh)
            offset = fh.tell()
    except Exception:
        raise DataError(f"{path.name} is not a readable .npy file (damaged header?)") from None
    if dtype.names is not None or dtype.subdtype is not None or dtype.kind not in "fiu":
        raise DataError(f"{path.name} holds {dtype} values; points must be plain numbers")
    if len(shape) != 2 or shape[1] != 2:
        raise DataError(f"{path.name}: points must have shape (n, 2), got {shape}")
    if shape[0] > MAX_POINTS:
        raise DataError(f"{path.name} declares {shape[0]:,} points; at most {MAX_POINTS:,} are read")
    if offset + shape[0] * 2 * dtype.itemsize != size:
        raise DataError(f"{path.name} is truncated or damaged: its header declares {shape[0]:,} points")


def validate_points(pts: np.ndarray, what: str = "points") -> np.ndarray:
    pts = np.asarray(pts, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise DataError(f"{what}: points must have shape (n, 2), got {pts.shape}")
    if not np.isfinite(pts).all():
        raise DataError(f"{what}: contains NaN, infinite or missing values")
    if len(pts) < 10:
        raise DataError(f"{what}: need at least 10 points, got {len(pts)}")
    if (pts.std(0) == 0).any():
        raise DataError(f"{what}: points do not spread in both coordinates")
    return pts


def make_points(name: str, n: int = 20000, seed: int = 0, noise: float = 0.05,
                n_heldout: int | None = None) -> PointData:
    """A built-in 2-D set (train and held-out drawn from independent streams), or
    `file:PATH` / a path to a CSV/NPY of 2-D points, split 90/10."""
    if name in GENERATORS:
        gen = GENERATORS[name]
        rng_train, rng_held = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
        return PointData(name, gen(n, rng_train, noise), gen(n_heldout or max(n // 5, 2000), rng_held, noise),
                         {"noise": noise})
    path = name[5:] if name.startswith("file:") else name
    if not Path(path).suffix.lower() in (".csv", ".npy", ".txt"):
        raise DataError(f"unknown data set {name!r}; choose from {', '.join(POINT_SETS)} or a .csv/.npy file")
    return split_points(load_points_file(path), f"file:{Path(path).name}", seed)


def swissroll_project(points: np.ndarray, grid: int = 200_000) -> tuple[np.ndarray, np.ndarray]:
    """Nearest point on the noiseless roll for raw points: (u along the curve, distance)."""
    from scipy.spatial import cKDTree

    u = np.linspace(0.0, 1.0, grid)
    dist, idx = cKDTree(swissroll_curve(u)).query(np.asarray(points, dtype=np.float64))
    return u[idx], dist

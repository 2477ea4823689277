"""Which 2-D data the forward view diffuses, and in what scaling (no Qt). The engine
standardises data with the open model's per-axis mean and std. For the model's own data
set that is exact; another set (moons beside a Swiss roll model) would come out as a blob
at the origin or a smear off screen. Such data is moved to the model's centre and scaled by
ONE factor to the model's overall spread before it is sent: it then fills the view as the
model's data does, keeps its shape, and still ends at the model's noise."""
from __future__ import annotations

import numpy as np

MEAN_TOL, STD_TOL = 0.25, 1.25    # in model stds, and as a ratio of stds


def matches_model(name: str, points: np.ndarray | None, config: dict, mean, std) -> bool:
    """The model's own data set: its name, and the spread the model was trained on (a
    redrawn "drawn" set or a different file of the same name is not)."""
    if points is None or len(points) < 2 or name != config.get("data"):
        return False
    mean, std = np.asarray(mean, float), np.asarray(std, float)
    m, s = points.mean(0), points.std(0)
    return bool(np.all(np.abs(m - mean) <= MEAN_TOL * std) and np.all(np.abs(np.log(s / std)) <= np.log(STD_TOL)))


def one_scale(points: np.ndarray, mean, std) -> np.ndarray:
    """`points` centred on the model's mean, scaled by one factor so their RMS spread is the
    model's: the engine's standardisation then leaves them a unit-ish cloud of the same shape."""
    mean, std = np.asarray(mean, float), np.asarray(std, float)
    m, s = points.mean(0), points.std(0)
    k = np.sqrt(np.mean(std ** 2)) / max(float(np.sqrt(np.mean(s ** 2))), 1e-12)
    return (mean + (points - m) * k).astype(points.dtype if points.dtype.kind == "f" else np.float64)


def for_model(name: str, points: np.ndarray, config: dict, mean, std) -> tuple[np.ndarray, bool]:
    """(data to send to Diffuse, whether it is the model's own data as it is)."""
    if matches_model(name, points, config, mean, std):
        return points, True
    return one_scale(points, mean, std), False


def aspect(std) -> float:
    """The ViewBox ratio (pixels per standardised x unit / per y unit) that draws both axes
    on one scale in the data's units: σ_x / σ_y."""
    std = np.asarray(std, float).ravel() if std is not None else np.zeros(0)
    if len(std) != 2 or not np.all(std > 0):
        return 1.0
    return float(std[0] / std[1])

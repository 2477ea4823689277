"""What the window can record, and when a view is ready to be recorded at step t. Each
target names its widget lazily (the paper figure exists only once opened; the inpainting
page only with an image model) and says whether it follows the slider or records a run
as it arrives (the inpainting posterior)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtWidgets import QWidget


@dataclass
class Target:
    key: str
    title: str
    widget: Callable[[], QWidget | None]
    ready: Callable[[int], bool] = field(default=lambda t: True)
    live: bool = False                  # records a run as it happens, not the slider


def points_ready(ws) -> Callable[[int], bool]:
    """The 2-D view at t is complete once the drift field (when shown) and the selected
    points' ellipses (when any) for that step have come back from the worker."""
    def ready(t: int) -> bool:
        view, s = ws.view, ws.state
        step = max(int(t), 1)
        if view.drift_on and (view._drift is None or view._drift[0] != step):
            return False
        if len(s.selection["reverse"]) and (view._ellipses is None or view._ellipses[0] != step):
            return False
        return True
    return ready


def _figure(points) -> QWidget | None:
    fig = points.figure
    return fig.graphics if fig is not None and fig.isVisible() else None


def window_targets(workspaces: dict) -> dict[str, Target]:
    """The window's recordable views, keyed; workspaces: the window's dict by kind."""
    points, images, binary, inpaint = (workspaces[k] for k in ("points", "image", "binary", "inpaint"))
    return {
        "points": Target("points", "2-D forward / reverse (with paths and drift if shown)", lambda: points.view,
                         points_ready(points)),
        "figure": Target("figure", "Paper figure (open it first: File ▸ Paper figure)", lambda: _figure(points)),
        "images": Target("images", "Image grids (samples, x̂₀, forward)", lambda: images.view),
        "binary": Target("binary", "Binary rasters (heartbeat)", lambda: binary.raster),
        "inpaint": Target("inpaint", "Inpainting / denoising run, as it happens",
                          lambda: inpaint.stack.currentWidget() if inpaint.ready else None, live=True),
    }


def current_key(workspaces: dict, current: QWidget | None) -> str:
    """The target shown by the current tab."""
    for kind, key in (("points", "points"), ("image", "images"), ("binary", "binary"), ("inpaint", "inpaint")):
        if workspaces.get(kind) is current:
            return key
    return "points"

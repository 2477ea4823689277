"""The app's own views, built outside the window for the `animate` command, so its frames
look as the GUI's do: the 2-D forward/reverse pair (explorer/workspaces/points/view.py),
image grids (explorer/widgets/image_grid.py panels, as in the Images tab) and binary
rasters (explorer/workspaces/binary/raster_view.py, as in the heartbeat tab). Each scene
is given whole trajectories (numpy, index t) and shows step t on request; no engine and
no worker here."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from .. import theme
from ..state import AppState, ModelInfo
from ..widgets.image_grid import ImagePanel, grid_shape
from ..workspaces.binary.raster_view import RasterView
from ..workspaces.images.frames import display_frames
from ..workspaces.points import data_fit
from ..workspaces.points.state import PointsState
from ..workspaces.points.view import DiffusionView
from ..workspaces.points.workspace import FORWARD_TITLE, REVERSE_TITLE

VIEWS = ("forward", "reverse", "both")


class Scene:
    widget: QWidget

    def show(self, t: int) -> None:
        raise NotImplementedError


def wanted(view: str) -> tuple[str, ...]:
    return ("forward", "reverse") if view == "both" else (view,)


class PointsScene(Scene):
    """The 2-D pair at one data scale, as the points workspace draws it."""

    def __init__(self, info: ModelInfo, trajectories: dict[str, np.ndarray], view: str):
        self.app = AppState()
        self.app.set_model(info)
        self.state = PointsState(self.app)
        for d, x in trajectories.items():
            self.state.set_trajectory(d, x, info.model_id)
        self.widget = DiffusionView(self.state)
        self.widget.set_aspect(data_fit.aspect(info.data_std))
        self.captions = (f"{FORWARD_TITLE}: {info.config.get('data', '')}", REVERSE_TITLE)
        for d in ("forward", "reverse"):
            if d not in wanted(view):      # one side only: the other leaves the layout
                self.widget.ci.removeItem(self.widget.panels[d].plot)

    def show(self, t: int) -> None:
        self.app.set_t(t)
        # The GUI says t on the slider under the view; a recording says it in the captions.
        self.widget.set_captions(*(f"{c} &nbsp;·&nbsp; t = {t}" for c in self.captions))
        self.widget.redraw()


class ImageScene(Scene):
    """Grids of images following t, as the Images tab shows them."""

    TITLES = {"forward": "forward x<sub>{t}</sub> ~ q(x<sub>{t}</sub> | x<sub>0</sub>)",
              "reverse": "reverse samples x<sub>{t}</sub> ~ p"}

    def __init__(self, info: ModelInfo, trajectories: dict[str, np.ndarray], view: str):
        self.widget = pg.GraphicsLayoutWidget()
        ci = self.widget.ci
        ci.setSpacing(10)
        self.panels: dict[str, ImagePanel] = {}
        mean, std = np.asarray(info.data_mean), np.asarray(info.data_std)
        for col, d in enumerate(wanted(view)):
            x = trajectories[d]
            panel = ImagePanel(ci, 0, col, self.TITLES[d].format(t=0))
            panel.set_frames(display_frames(x, mean, std, grid_shape(x.shape[1])[1]), 0)
            ci.layout.setColumnStretchFactor(col, 1)
            self.panels[d] = panel

    def show(self, t: int) -> None:
        for d, panel in self.panels.items():
            panel.show(t, self.TITLES[d].format(t=t))


class BinaryScene(Scene):
    """Rasters of sequences (rows) by bits (columns), as the binary tab shows them."""

    def __init__(self, info: ModelInfo, trajectories: dict[str, np.ndarray], view: str):
        names = {"forward": ("forward q: held-out sequences", theme.FORWARD),
                 "reverse": ("reverse p: samples", theme.REVERSE)}
        self.sides = wanted(view)
        self.widget = RasterView(tuple((d, *names[d]) for d in self.sides))
        self.x = trajectories

    def show(self, t: int) -> None:
        for d in self.sides:
            title = (f"forward q(x<sub>t</sub>|x<sub>0</sub>) · t = {t}" if d == "forward"
                     else f"reverse p: x<sub>t</sub> · t = {t}")
            self.widget.set_frame(d, self.x[d][t], title)


SCENES = {"points": PointsScene, "image": ImageScene, "binary": BinaryScene}

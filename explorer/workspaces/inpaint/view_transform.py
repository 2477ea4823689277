"""The painting canvas's mapping between widget pixels and image pixels, without Qt so it
can be tested headless: a scale (widget pixels per image pixel) and the widget position
of the image's top-left corner. In "fit" mode the whole image stays in view as the widget
resizes; zooming or panning leaves fit mode, and from then on the mapping changes only
when the user zooms or pans (a resize keeps the centre where it was).

Image coordinates are continuous: pixel (row i, col j) covers [j, j+1) × [i, i+1)."""
from __future__ import annotations

import math

MARGIN = 6             # widget pixels around the fitted image
MIN_OF_FIT = 0.5       # zooming out stops at half the fitting scale (the image stays findable)
MAX_SCALE = 64.0       # widget pixels per image pixel at most (a 16×16 digit fills 1024 px)
KEEP_VISIBLE = 32      # widget pixels of the image that panning always leaves in view


class ViewTransform:
    def __init__(self) -> None:
        self.scale = 1.0
        self.ox = self.oy = 0.0           # widget position of image coordinate (0, 0)
        self.fit_mode = True
        self.iw = self.ih = 1             # image size, pixels
        self.ww = self.wh = 1             # widget size, pixels

    # ---- state changes ----------------------------------------------------------------
    def set_image(self, iw: int, ih: int) -> None:
        """A new image: shown whole (a new picture starts fitted)."""
        self.iw, self.ih = max(int(iw), 1), max(int(ih), 1)
        self.fit()

    def resize(self, ww: int, wh: int) -> None:
        ww, wh = max(int(ww), 1), max(int(wh), 1)
        dx, dy = (ww - self.ww) / 2, (wh - self.wh) / 2
        self.ww, self.wh = ww, wh
        if self.fit_mode:
            self.fit()
        else:
            self.ox, self.oy = self.ox + dx, self.oy + dy
            self._clamp()

    def fit_scale(self) -> float:
        return max(min((self.ww - 2 * MARGIN) / self.iw, (self.wh - 2 * MARGIN) / self.ih), 1e-3)

    def fit(self) -> None:
        self.scale = self.fit_scale()
        self.ox = (self.ww - self.iw * self.scale) / 2
        self.oy = (self.wh - self.ih * self.scale) / 2
        self.fit_mode = True

    def zoom(self, factor: float, ax: float | None = None, ay: float | None = None) -> None:
        """Multiply the scale by `factor`, keeping the image point under widget (ax, ay)
        (default: the widget's centre) where it is."""
        self.set_scale(self.scale * factor, ax, ay)

    def set_scale(self, scale: float, ax: float | None = None, ay: float | None = None) -> None:
        ax = self.ww / 2 if ax is None else ax
        ay = self.wh / 2 if ay is None else ay
        x, y = self.to_image(ax, ay)
        self.scale = min(max(scale, self.fit_scale() * MIN_OF_FIT), max(MAX_SCALE, self.fit_scale()))
        self.ox, self.oy = ax - x * self.scale, ay - y * self.scale
        self.fit_mode = False
        self._clamp()

    def pan(self, dx: float, dy: float) -> None:
        self.ox, self.oy = self.ox + dx, self.oy + dy
        self.fit_mode = False
        self._clamp()

    def _clamp(self) -> None:
        """Some of the image stays on screen, however far it is dragged."""
        w, h = self.iw * self.scale, self.ih * self.scale
        keep_x, keep_y = min(KEEP_VISIBLE, w), min(KEEP_VISIBLE, h)
        self.ox = min(max(self.ox, keep_x - w), self.ww - keep_x)
        self.oy = min(max(self.oy, keep_y - h), self.wh - keep_y)

    # ---- mapping ----------------------------------------------------------------------
    def to_image(self, px: float, py: float) -> tuple[float, float]:
        return (px - self.ox) / self.scale, (py - self.oy) / self.scale

    def to_widget(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + x * self.scale, self.oy + y * self.scale

    def rect(self) -> tuple[float, float, float, float]:
        """The whole image in widget pixels: (x, y, width, height)."""
        return self.ox, self.oy, self.iw * self.scale, self.ih * self.scale

    def visible(self) -> tuple[int, int, int, int]:
        """Whole image pixels at least partly in view: (x0, x1, y0, y1), x1 and y1 exclusive."""
        x0, y0 = self.to_image(0, 0)
        x1, y1 = self.to_image(self.ww, self.wh)
        return (max(int(math.floor(x0)), 0), min(int(math.ceil(x1)), self.iw),
                max(int(math.floor(y0)), 0), min(int(math.ceil(y1)), self.ih))

    def mapping(self) -> tuple[float, float, float]:
        """(scale, ox, oy): what tests compare to check the mapping did not move."""
        return self.scale, self.ox, self.oy

    @property
    def percent(self) -> int:
        return int(round(self.scale * 100))

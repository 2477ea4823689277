"""How each figure is set up once its model is open: a generator that switches to the right
tab or dock, starts what the figure needs, and yields a condition to wait for (checked on
a timer, so the GUI never blocks) whenever it needs the worker's answer; it returns what
was shown: the widget a PNG draws, the one a GIF records, and for a run recorded as it
happens (inpainting, denoising) its signals."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtWidgets import QWidget

from .catalogue import Figure
from .stage import Stage


@dataclass
class Shown:
    figure: Figure
    target: QWidget           # what the PNG draws
    animated: QWidget         # what a GIF records while the slider steps through t
    live: tuple | None = None  # (frame signal, result signal, is_final(ev), start_run()) for a live run


def swissroll(stage: Stage, fig: Figure):
    pts = stage.workspaces["points"]
    stage.show_workspace("points")
    yield lambda: pts.state.forward is not None and pts.state.reverse is not None
    paper = pts.show_paper_figure()
    paper.caption.setText(f"{fig.equation}<br>{fig.caption}")
    # The drift arrives from the worker a moment later, one step at a time.
    yield lambda: paper.arrows and all(a.xData is not None and len(a.xData) for a in paper.arrows.values())
    return Shown(fig, paper.graphics, pts.view)


def bound(stage: Stage, fig: Figure):
    stage.show_workspace(stage.state.model.kind)
    stage.raise_dock("Training")
    plots = stage.plots["training"]
    yield lambda: plots.kl is not None
    return Shown(fig, plots, plots)


def heartbeat(stage: Stage, fig: Figure):
    b = stage.workspaces["binary"]
    stage.show_workspace("binary")
    yield lambda: b.forward is not None and b.reverse is not None
    return Shown(fig, b.raster, b.raster)


def deadleaves(stage: Stage, fig: Figure):
    im = stage.workspaces["image"]
    stage.show_workspace("image")
    stage.timeline.set_t(0)                 # finished samples
    yield lambda: im.reverse_x is not None
    return Shown(fig, im.view, im.view)


def _posterior(stage: Stage, fig: Figure, task: str):
    ip = stage.workspaces["inpaint"]
    stage.show_workspace("inpaint")
    yield lambda: ip.ready
    if ip.images and ip.file is None:        # a held-out image (not one the user loaded)
        ip.pick(0)
    c = ip.controls
    if task == "denoise":
        c.snr.setValue(1.0)                  # the paper's SNR
    if c.task != task:
        c.task_buttons[task].setChecked(True)    # set_task runs the posterior
    if task == "inpaint":
        h, w = ip.mask.shape
        side = max(2, round(min(h, w) / 3))
        y0, x0 = (h - side) // 2, (w - side) // 2
        hole = np.zeros((h, w), bool)
        hole[y0:y0 + side, x0:x0 + side] = True
        ip.mask.set_missing(hole)            # one undoable edit
        ip.canvas.update()
    ip.run()
    page = ip.stack.currentWidget()
    live = (ip.frameShown, ip.resultShown,
            lambda ev: ev.phase == "full" or not c.full.isChecked(), lambda: ip.run(reseed=True))
    return Shown(fig, page, page, live)


def inpaint(stage: Stage, fig: Figure):
    return (yield from _posterior(stage, fig, "inpaint"))


def denoise(stage: Stage, fig: Figure):
    return (yield from _posterior(stage, fig, "denoise"))


def entropy(stage: Stage, fig: Figure):
    stage.show_workspace(stage.state.model.kind)
    stage.raise_dock("Entropy")
    plot = stage.plots["entropy"]
    yield lambda: plot.data is not None and plot.data.get("model") is not None
    return Shown(fig, plot, plot)


def schedule(stage: Stage, fig: Figure):
    stage.show_workspace(stage.state.model.kind)
    stage.raise_dock("Schedule")
    return Shown(fig, stage.plots["schedule"], stage.plots["schedule"])
    yield                                    # a generator like the others (nothing to wait for)


SETUPS = {"swissroll": swissroll, "bound": bound, "heartbeat": heartbeat, "deadleaves": deadleaves,
          "inpaint": inpaint, "denoise": denoise, "entropy": entropy, "schedule": schedule}

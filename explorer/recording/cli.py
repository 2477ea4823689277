"""`python main.py animate`: a model's forward and/or reverse process recorded to a GIF or
MP4 without a window. Trajectories come from the engine in this process (there is no GUI
thread to keep free); the frames are drawn by the app's own views offscreen
(scenes.py), so they look as the GUI does. It lives in explorer/ because it needs Qt
(engine/ never imports it); main.py sends `animate` here.

    python main.py animate --model assets/models/swissroll.h5 --out roll.gif --view both

Bad input exits 2 with one line on stderr, as every command does (engine/cli/errors.py)."""
from __future__ import annotations

import json
import os
import time

from engine.cli.errors import Parser, UsageError, check_out, run_reporting

from .plan import DIRECTIONS, frame_ts
from .writer import WriterError, check_request

N_DEFAULT = {"points": 10000, "binary": 64, "image": 16}
N_MAX = {"points": 200_000, "binary": 1024, "image": 64}
SIZE_DEFAULT = {"both": (800, 400), "forward": (480, 480), "reverse": (480, 480)}
VIEW_DIRECTION = {"forward": "forward", "reverse": "reverse", "both": "bounce"}


def build_parser() -> Parser:
    p = Parser(prog="diffusion-explorer animate",
               description="Record a model's forward and/or reverse process to a GIF or MP4 (headless).")
    p.add_argument("--model", required=True, help="a model file (HDF5)")
    p.add_argument("--out", required=True, help="FILE.gif or FILE.mp4")
    p.add_argument("--view", choices=("forward", "reverse", "both"), default="both",
                   help="forward q (data -> noise), reverse p (noise -> data), or both side by side (default)")
    p.add_argument("--direction", choices=DIRECTIONS, default=None,
                   help="forward: t = 0 -> T; reverse: T -> 0; bounce: 0 -> T -> 0 "
                        "(default: the view's own; bounce for both)")
    p.add_argument("--fps", type=float, default=12.0)
    p.add_argument("--size", type=int, nargs=2, default=None, metavar=("W", "H"),
                   help="frame size in pixels (default 800 400 for both, 480 480 for one side)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=None,
                   help="frames, spread evenly over the way (default: one per step t)")
    p.add_argument("--t-range", type=int, nargs=2, default=None, metavar=("FROM", "TO"),
                   help="record only these steps (default 0 T)")
    p.add_argument("--n", type=int, default=None,
                   help="points (default 10000), sequences (64) or images (16) per side")
    return p


def main(argv: list[str] | None = None) -> int:
    return run_reporting(lambda: _record(argv), WriterError)


def _record(argv) -> int:
    writer = None
    try:
        args = build_parser().parse_args(argv)
        size = tuple(args.size) if args.size else SIZE_DEFAULT[args.view]
        check_out(args.out, args.model)
        check_request(args.out, args.fps, size)
        if not os.path.isfile(args.model):
            raise UsageError(f"no such model file: {args.model}")
        model, kind = _load(args.model)
        n = N_DEFAULT[kind] if args.n is None else args.n
        if not 1 <= n <= N_MAX[kind]:
            raise UsageError(f"--n must be between 1 and {N_MAX[kind]} for a {kind} model, got {n}")
        ts = frame_ts(model.T, args.direction or VIEW_DIRECTION[args.view], args.steps, args.t_range)
        t0 = time.perf_counter()
        trajectories = _trajectories(model, kind, args.view, n, args.seed)
        scene = _scene(model, kind, trajectories, args.view, size)
        from .render import frame
        from .writer import FrameWriter
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance()
        writer = FrameWriter(args.out, args.fps, size)
        for t in ts:
            scene.show(t)
            settle(app)
            writer.put(frame(scene.widget, size))
        path, writer = writer.finish(), None
        scene.widget.close()
        print(f"recorded {len(ts)} frames (t {ts[0]} → {max(ts) if ts[-1] == ts[0] else ts[-1]}"
              f"{' → ' + str(ts[-1]) if ts[-1] == ts[0] else ''}) of {args.view} at {size[0]}×{size[1]} px, "
              f"{args.fps:g} fps, in {time.perf_counter() - t0:.2f} s; wrote {path}")
        return 0
    finally:
        if writer is not None:
            writer.cancel()


def settle(app, passes: int = 3) -> None:
    """Let the view lay itself out: a title that changes width moves the plots over more
    than one event-loop pass (pyqtgraph's layouts)."""
    for _ in range(passes):
        app.processEvents()


def _load(path: str):
    from engine.io.storage import load_model
    from engine.model import model_kind
    model = load_model(path)
    return model, model_kind(model.config)


def _trajectories(model, kind: str, view: str, n: int, seed: int) -> dict:
    """Standardised (T+1, n, ...) trajectories, index t: the forward process on held-out
    data, the reverse from the model's own samples."""
    from engine.core.sampling import forward_trajectory, sample_trajectory
    from engine.data.catalogue import heldout
    out = {}
    if view in ("forward", "both"):
        raw = heldout(model, n, seed)
        if len(raw) == 0:
            raise UsageError("this model has no held-out data to diffuse; use --view reverse")
        out["forward"] = forward_trajectory(model.diffusion, model.standardise(raw), seed=seed)
    if view in ("reverse", "both"):
        out["reverse"] = sample_trajectory(model, n, seed=seed)
    return out


def _info(model):
    from ..state import ModelInfo
    a = model.schedule.arrays()
    return ModelInfo(model_id=1, description=model.describe(), config=json.loads(model.config.to_json()),
                     beta=a.beta, alpha_bar=a.alpha_bar, snr=a.snr, data_mean=model.data_mean,
                     data_std=model.data_std)


def _scene(model, kind: str, trajectories: dict, view: str, size: tuple[int, int]):
    """The view, offscreen, at exactly `size` pixels (Qt is imported only now)."""
    from PySide6.QtWidgets import QApplication
    if QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"      # no window, no display needed
    from ..app import create_app
    create_app()
    from .scenes import SCENES
    scene = SCENES[kind](_info(model), trajectories, view)
    scene.widget.resize(*size)
    scene.widget.show()
    QApplication.instance().processEvents()
    return scene

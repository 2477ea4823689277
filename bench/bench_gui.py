"""GUI benchmark (offscreen): playback frames per second at 1k/10k/100k points, and the
GUI event loop's worst and p99 stall while the worker trains. Prints a table; tests never
assert these numbers.  Run: QT_QPA_PLATFORM=offscreen python bench/bench_gui.py [--model M]
A frame is one step of the slider and one paint of the window, as in playback (counted on
the view's viewport); --grab adds a grab() of the view, painting the plots twice a frame."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from PySide6.QtCore import QEvent, QObject  # noqa: E402


def quick_model(path: Path) -> Path:
    """A small Swiss roll model (T = 40, like the bundled ones) when none is given."""
    from engine.data.points import make_points
    from engine.model import DiffusionModel
    from engine.presets import model_defaults
    from engine.io.storage import save_model
    from engine.training import TrainConfig, train
    data = make_points("swissroll", n=10000, seed=0)
    model = DiffusionModel(model_defaults("swissroll"), data.train.mean(0), data.train.std(0))
    for _ in train(model, model.standardise(data.train), model.standardise(data.heldout),
                   TrainConfig(steps=300, batch=256, eval_every=300, eval_points=500, device="cpu")):
        pass
    save_model(model, path)
    return path


def wait(app, cond, timeout=120.0):
    t0 = time.perf_counter()
    while not cond():
        app.processEvents()
        time.sleep(0.002)
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the engine did not answer in time")


def fps(app, w, n: int, frames: int = 60, grab: bool = False) -> float:
    w.data_panel.n.setValue(n)
    s, view = w.points.state, w.points.view
    s.forward = s.reverse = None
    w.data_panel.regenerate()
    w.points.request_reverse()
    wait(app, lambda: s.forward is not None and s.reverse is not None
         and s.forward.shape[1] == n and s.reverse.shape[1] == n)
    T = w.state.T
    painted = PaintCounter(view.viewport())
    t0 = time.perf_counter()
    for i in range(frames):
        w.timeline.set_t(i % (T + 1))
        before = painted.n
        app.processEvents()        # paints what changed (both plots, label, slider, schedule marker)
        if painted.n == before:    # as playing does; should a platform defer that, paint now
            view.viewport().repaint()
        if grab:
            view.grab()            # the old measure: renders both plots a second time
    rate = frames / (time.perf_counter() - t0)
    view.viewport().removeEventFilter(painted)
    return rate


class PaintCounter(QObject):
    """Counts a widget's paint events: proof that a frame was drawn."""

    def __init__(self, widget):
        super().__init__()
        self.n = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Paint:
            self.n += 1
        return False


def stalls(app, w, seconds: float = 10.0) -> tuple[float, float, int]:
    from PySide6.QtCore import QTimer
    w.data_panel.n.setValue(2000)
    w.data_panel.regenerate()
    w.training_panel.steps.setValue(1_000_000)
    w.training_panel.start.click()
    wait(app, lambda: w.training_panel.plots.loss_x)
    late, last = [], [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(10)

    def tick():
        now = time.perf_counter()
        late.append((now - last[0]) * 1000 - 10.0)
        last[0] = now
    timer.timeout.connect(tick)
    timer.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    step = w.training_panel.plots.loss_x[-1]
    w.training_panel.stop.click()
    late = np.asarray(late[1:])
    return float(late.max()), float(np.percentile(late, 99)), int(step)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=None)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--grab", action="store_true", help="also grab() the view every frame (the old measure)")
    args = p.parse_args()
    from PySide6.QtCore import QSettings
    tmp = tempfile.mkdtemp(prefix="bench_gui_")
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tmp)
    from explorer.app import create_app
    app = create_app()
    model = Path(args.model) if args.model else quick_model(Path(tmp) / "bench.h5")
    from explorer.main_window import MainWindow
    w = MainWindow(model_path=str(model), autoplay=False)
    w.resize(1400, 850)
    w.show()
    wait(app, lambda: w.points.state.forward is not None and w.points.state.reverse is not None)
    rows = [(f"playback, {n:,} points", f"{fps(app, w, n, grab=args.grab):.1f} frames/s")
            for n in (1000, 10000, 100000)]
    worst, p99, steps = stalls(app, w, args.seconds)
    rows += [(f"event-loop stall while training ({args.seconds:.0f} s, {steps} steps)",
              f"worst {worst:.1f} ms · p99 {p99:.1f} ms")]
    w.close()
    width = max(len(r[0]) for r in rows)
    print(f"GUI benchmark · T = {w.state.T} · device {w.client.device} · {os.cpu_count()} cores · "
          f"{os.environ['QT_QPA_PLATFORM']}")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

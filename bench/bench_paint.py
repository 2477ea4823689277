"""GUI latency of the painting canvas: the real window, offscreen, on a pretrained image
model. Strokes are simulated with mouse events spread over real event-loop time (so the
rate-limited live previews go out as when painting by hand); for each stroke it measures
stroke end -> first progressive frame drawn, -> strided preview result, -> full posterior,
and, while the posterior runs, how late a 10 ms QTimer fires (a GUI stall shows as
lateness). Other workspaces' start-up jobs are cancelled first so the worker is free.

    QT_QPA_PLATFORM=offscreen python bench/bench_paint.py [--model assets/models/deadleaves.h5]
        [--strokes 12] [--n 8] [--stride 10]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 10


def pump(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def wait(app, cond, timeout: float = 120.0) -> bool:
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            return False
        app.processEvents()
        time.sleep(0.001)
    return True


def mouse(canvas, kind, x, y):
    p = canvas.to_widget(x, y)
    buttons = Qt.NoButton if kind == QEvent.MouseButtonRelease else Qt.LeftButton
    QApplication.sendEvent(canvas, QMouseEvent(kind, p, canvas.mapToGlobal(p), Qt.LeftButton, buttons, Qt.NoModifier))


def pct(a, q):
    return float(np.percentile(a, q)) if len(a) else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / "assets/models/deadleaves.h5"))
    ap.add_argument("--strokes", type=int, default=12)
    ap.add_argument("--n", type=int, default=8, help="posterior samples per request")
    ap.add_argument("--stride", type=int, default=10, help="live preview stride")
    ap.add_argument("--drag-ms", type=float, default=250, help="how long each simulated drag lasts")
    a = ap.parse_args()

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())
    from explorer.app import create_app
    from explorer.main_window import MainWindow
    app = create_app()
    w = MainWindow(model_path=a.model, autoplay=False, device="cpu")
    w.resize(1500, 900)
    w.show()
    ws = w.inpaint
    if not wait(app, lambda: ws.ready, 300):
        print("the image model did not open")
        return 1
    w.client.cancel()                                   # other tabs' start-up jobs
    wait(app, lambda: not w.client.busy, 300)
    w.tabs.setCurrentWidget(ws)
    ws.controls.n.setValue(a.n)
    ws.controls.stride.setValue(a.stride)
    pump(app, 0.3)

    rng = np.random.default_rng(0)
    H, W = ws.mask.shape
    marks: dict[int, dict] = {}
    ws.frameShown.connect(lambda ev: marks.get(ev.request, {}).setdefault("frame", time.perf_counter()))

    def on_result(ev):
        mark = marks.get(ev.request, {})
        mark.setdefault(ev.phase, time.perf_counter())
        mark.setdefault(f"{ev.phase}_s", ev.seconds)

    ws.resultShown.connect(on_result)
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    late_running: list[float] = []
    live_requests = 0
    for k in range(a.strokes):
        if k and k % 4 == 0:
            ws.mask.clear()                             # keep some known pixels around
        pts = rng.uniform([0.5, 0.5], [W - 0.5, H - 0.5], (2, 2))
        path = np.linspace(pts[0], pts[1], 12)
        before = ws.request
        mouse(ws.canvas, QEvent.MouseButtonPress, *path[0])
        for p in path[1:]:
            pump(app, a.drag_ms / 1000 / len(path))
            mouse(ws.canvas, QEvent.MouseMove, *p)
        mouse(ws.canvas, QEvent.MouseButtonRelease, *path[-1])
        t_end = time.perf_counter()
        req = ws.request
        live_requests += req - before - 1
        marks[req] = {"end": t_end}
        ticks.clear()
        if not wait(app, lambda: "full" in marks[req], 60):
            print(f"stroke {k}: no full result within 60 s")
            return 1
        gaps = np.diff([t_end, *ticks]) * 1000 - TICK_MS
        late_running.extend(gaps.tolist())
        pump(app, 0.15)
    timer.stop()

    done = [v for v in marks.values() if "full" in v]
    first = [1000 * (v["frame"] - v["end"]) for v in done]
    prev = [1000 * (v["preview"] - v["end"]) for v in done if "preview" in v]
    full = [1000 * (v["full"] - v["end"]) for v in done]
    eng = [1000 * v["full_s"] for v in done]
    rows = [("stroke end -> first frame drawn", first, 100), ("stroke end -> preview result", prev, None),
            ("stroke end -> full posterior drawn", full, 2000), ("  (engine time of the full pass)", eng, None),
            ("QTimer lateness while running", late_running, 50)]
    import torch
    print(f"model {Path(a.model).name} {tuple(w.state.model.config['shape'])}, T = {w.state.T}; n = {a.n} "
          f"samples; preview every {a.stride}th step then all {w.state.T}; {len(done)} strokes "
          f"({live_requests} live previews sent while dragging); {os.cpu_count()} CPUs, worker torch "
          f"threads {max(1, (os.cpu_count() or 2) - 1)}, GUI on its own thread; torch {torch.__version__}")
    print(f"{'':38s} {'median':>8s} {'p90':>8s} {'p99':>8s} {'worst':>8s}  bar")
    for name, vals, bar in rows:
        worst = max(vals) if vals else float("nan")
        verdict = "" if bar is None else (f"< {bar} ms " + ("ok" if worst < bar else "MISSED"))
        print(f"{name:38s} {pct(vals, 50):8.1f} {pct(vals, 90):8.1f} {pct(vals, 99):8.1f} {worst:8.1f}  {verdict}")
    print("(ms; lateness = how much later than 10 ms each tick came, from stroke end to the full result)")
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Recording benchmark: the Swiss roll's forward and reverse processes (T = 40, 10,000
points, both sides, 0 -> T -> 0: 81 frames at 800×400) recorded to GIF and MP4
headless (`python main.py animate`, in this process: trajectories, drawing and encoding),
then in the GUI while a 10 ms QTimer measures how late the event loop answers (the bar:
p99 lateness < 50 ms while recording). Prints a table; tests never assert these numbers.

    QT_QPA_PLATFORM=offscreen python bench/bench_record.py [--model assets/models/swissroll.h5]
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

from event_loop import wait  # noqa: E402  (bench/, beside this script)

N, SIZE, TICK_MS = 10000, (800, 400), 10


def headless(model: str, out: str) -> float:
    from explorer.recording.cli import main as animate
    t0 = time.perf_counter()
    rc = animate(["--model", model, "--out", out, "--view", "both", "--n", str(N), "--size", *map(str, SIZE)])
    if rc != 0:
        raise SystemExit(f"animate failed ({rc})")
    return time.perf_counter() - t0


def in_gui(w, out: str) -> tuple[float, np.ndarray, int]:
    """Record the 2-D view in the window; (seconds, lateness ms per tick, frames)."""
    from PySide6.QtCore import Qt, QTimer
    from explorer.recording.plan import frame_ts
    from explorer.recording.recorder import record
    view = w.points.view
    ts = frame_ts(w.state.T, "bounce")
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done: list[str] = []
    t0 = time.perf_counter()
    timer.start()
    rec = record(view, w.timeline, out, ts, 12, SIZE)
    rec.finished.connect(done.append)
    rec.failed.connect(lambda msg: done.append("failed: " + msg))
    if not wait(lambda: bool(done), 300) or done[0].startswith("failed"):
        raise SystemExit(f"GUI recording did not finish: {done}")
    seconds = time.perf_counter() - t0
    timer.stop()
    late = np.diff([t0, *ticks]) * 1000 - TICK_MS
    return seconds, late, rec.frames


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=str(ROOT / "assets" / "models" / "swissroll.h5"))
    args = p.parse_args()
    from PySide6.QtCore import QSettings
    tmp = tempfile.mkdtemp(prefix="bench_record_")
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tmp)
    rows = []
    for ext in ("gif", "mp4"):
        out = os.path.join(tmp, f"headless.{ext}")
        s = headless(args.model, out)
        rows.append((f"headless `animate`, {ext.upper()} (sampling + drawing + encoding)", f"{s:.1f} s",
                     f"{os.path.getsize(out) / 1e6:.2f} MB"))
    from explorer.app import create_app
    create_app()
    from explorer.main_window import MainWindow
    w = MainWindow(model_path=args.model, autoplay=False, device="cpu")
    w.resize(1400, 850)
    w.show()
    w.data_panel.n.setValue(N)
    s = w.points.state
    wait(lambda: s.forward is not None and s.reverse is not None, 300)
    w.data_panel.regenerate()
    w.points.request_reverse()
    if not wait(lambda: s.forward is not None and s.reverse is not None and s.forward.shape[1] == N
                and s.reverse.shape[1] == N, 300):
        raise SystemExit("the window did not get 10k-point trajectories")
    wait(lambda: not w.client.running, 60)
    for ext in ("gif", "mp4"):
        out = os.path.join(tmp, f"gui.{ext}")
        secs, late, frames = in_gui(w, out)
        rows.append((f"GUI recording, {ext.upper()} ({frames} frames)", f"{secs:.1f} s",
                     f"lateness p50 {np.percentile(late, 50):.1f} · p99 {np.percentile(late, 99):.1f} · "
                     f"worst {late.max():.1f} ms"))
    w.close()
    width = max(len(r[0]) for r in rows)
    print(f"Recording benchmark · Swiss roll T = 40, {N:,} points a side, 81 frames (0 → T → 0) at "
          f"{SIZE[0]}×{SIZE[1]} · {os.cpu_count()} cores, torch threads {__import__('torch').get_num_threads()} · "
          f"{os.environ['QT_QPA_PLATFORM']}")
    for name, a, b in rows:
        print(f"  {name:<{width}}  {a:>7}  {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

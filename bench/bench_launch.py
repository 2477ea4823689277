"""Time from `python main.py` to a playing animation: the interpreter starts, the window
opens on the bundled Swiss roll model and plays once the forward and reverse trajectories
are in (issue bar: within 5 s). Each run is a fresh process, offscreen, with settings in a
temporary folder.  Run: python bench/bench_launch.py [--runs 3]"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = r"""
import sys, time
from PySide6.QtCore import QSettings, QTimer
QSettings.setDefaultFormat(QSettings.IniFormat)
QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, sys.argv[1])
from explorer.app import create_app
from explorer.main_window import MainWindow
app = create_app()
w = MainWindow()
w.show()
def check():
    if w.timeline.playing:
        print("playing", time.time(), flush=True)
        w.close()
        app.quit()
timer = QTimer(); timer.timeout.connect(check); timer.start(5)
app.exec()
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as d:
            t0 = time.time()    # wall clock: compared with the child's
            r = subprocess.run([sys.executable, "-c", CHILD, d], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=120)
            if "playing" not in r.stdout:
                raise SystemExit(f"the window never played: {r.stderr.strip().splitlines()[-1:]}")
            ready = float(r.stdout.split("playing", 1)[1].split()[0])
            times.append(ready - t0)
    print(f"launch → playing animation (bundled swissroll.h5, offscreen): "
          f"best {min(times):.2f} s, worst {max(times):.2f} s over {len(times)} runs (bar: 5 s)")


if __name__ == "__main__":
    main()

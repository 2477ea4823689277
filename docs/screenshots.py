"""Regenerate the README's screenshots from the bundled models (offscreen, no display):

    QT_QPA_PLATFORM=offscreen python docs/screenshots.py

Every tab, at 1280×720 (a projector's size) with every dock open: what a class sees.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

MODELS = ROOT / "assets" / "models"
SIZE = (1280, 720)


def wait(app, pred, timeout=120.0):
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise TimeoutError("the engine did not answer in time")
        app.processEvents()
        time.sleep(0.01)


def settle(app, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def idle(w):
    return not w.client.busy


def window(app, model):
    from explorer.main_window import MainWindow
    w = MainWindow(model_path=str(MODELS / model), autoplay=False)
    w.resize(*SIZE)         # before show: the docks are sized to the window when it is shown
    w.show()
    settle(app, 0.5)
    wait(app, lambda: w.state.has_model and idle(w))
    return w


def shoot(app, w, path: Path) -> None:
    """Once the engine has nothing left to do, let the views draw, then save the window."""
    wait(app, lambda: idle(w))
    settle(app, 1.0)
    assert (w.width(), w.height()) == SIZE, "the window resized itself"
    w.grab().save(str(path))


def drag(canvas, points):
    def send(kind, x, y):
        p = canvas.to_widget(x, y)
        buttons = Qt.NoButton if kind == QEvent.MouseButtonRelease else Qt.LeftButton
        QApplication.sendEvent(canvas, QMouseEvent(kind, p, canvas.mapToGlobal(p), Qt.LeftButton, buttons,
                                                   Qt.NoModifier))
    send(QEvent.MouseButtonPress, *points[0])
    for x, y in points[1:]:
        send(QEvent.MouseMove, x, y)
    send(QEvent.MouseButtonRelease, *points[-1])


def main() -> None:
    QSettings.setDefaultFormat(QSettings.IniFormat)    # don't touch the user's settings
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(ROOT / ".screenshots-settings"))
    from explorer.app import create_app
    app = create_app()
    out = ROOT / "docs"

    w = window(app, "swissroll.h5")
    ws = w.points
    wait(app, lambda: ws.state.reverse is not None and ws.state.forward is not None)
    ws.act_drift.setChecked(True)
    ws.select("reverse", list(range(0, 2000, 97)))
    w.timeline.set_t(w.state.T // 3)
    shoot(app, w, out / "screenshot.png")
    ws.product.place_bump(0.9, 0.9, 0.35)
    ws.act_drift.setChecked(False)
    ws.clear_selection()
    w.timeline.set_t(0)
    ws.product.act_logp.setChecked(True)
    shoot(app, w, out / "product.png")
    w.close()

    w = window(app, "texture.h5")
    w.timeline.set_t(30)
    shoot(app, w, out / "images.png")
    w.close()

    w = window(app, "texture.h5")          # a full-size held-out grass image, a 64×64 hole
    w.tabs.setCurrentWidget(w.inpaint)
    wait(app, lambda: w.inpaint.ready)
    w.inpaint.pick(0)
    settle(app, 0.5)
    w.inpaint.canvas.set_tool("rect")
    drag(w.inpaint.canvas, [(96.0, 96.0), (128.0, 128.0), (160.0, 160.0)])
    shoot(app, w, out / "inpaint.png")
    w.close()

    w = window(app, "heartbeat.h5")
    w.timeline.set_t(100)
    shoot(app, w, out / "binary.png")
    w.close()
    print("wrote docs/screenshot.png, product.png, images.png, inpaint.png, binary.png")


if __name__ == "__main__":
    main()

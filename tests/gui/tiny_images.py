"""Helpers that drive the painting canvas with real mouse events for the GUI tests (their
tiny image models come from tests/tiny_models.py)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication



def mouse(canvas, kind, x, y, button=Qt.LeftButton):
    """One mouse event at image coordinates (x, y) of the canvas."""
    p = canvas.to_widget(x, y)
    buttons = Qt.NoButton if kind == QEvent.MouseButtonRelease else button
    QApplication.sendEvent(canvas, QMouseEvent(kind, p, canvas.mapToGlobal(p), button, buttons, Qt.NoModifier))


def mouse_at(canvas, kind, p: QPointF, button=Qt.LeftButton):
    """One mouse event at widget position p."""
    buttons = Qt.NoButton if kind == QEvent.MouseButtonRelease else button
    QApplication.sendEvent(canvas, QMouseEvent(kind, p, canvas.mapToGlobal(p), button, buttons, Qt.NoModifier))


def wheel(canvas, p: QPointF, notches: int = 1):
    ev = QWheelEvent(p, canvas.mapToGlobal(p), QPoint(0, 0), QPoint(0, 120 * notches),
                     Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(canvas, ev)


def stroke(canvas, points, button=Qt.LeftButton):
    """Press, drag through `points` (image pixels), release: one stroke."""
    mouse(canvas, QEvent.MouseButtonPress, *points[0], button)
    for x, y in points[1:]:
        mouse(canvas, QEvent.MouseMove, x, y, button)
    mouse(canvas, QEvent.MouseButtonRelease, *points[-1], button)


def rectangle(ws, x0, y0, x1, y1):
    """A rectangle of missing pixels with the rectangle tool."""
    ws.controls.tool_buttons["rect"].setChecked(True)
    stroke(ws.canvas, [(x0, y0), (x1, y1)])


def wait_result(qtbot, ws, phase="full", task="inpaint", timeout=30000):
    got = []
    ws.resultShown.connect(lambda ev: ev.phase == phase and ev.task == task and got.append(ev))
    qtbot.waitUntil(lambda: bool(got), timeout=timeout)
    return got[-1]


def record_commands(monkeypatch, client) -> list:
    """Every command the GUI submits from now on (they still go to the worker)."""
    sent, real = [], client.submit
    monkeypatch.setattr(client, "submit", lambda cmd: (sent.append(cmd), real(cmd))[1])
    return sent


def header_only_png(path, width: int, height: int) -> None:
    """A PNG whose header declares width×height but holds no pixel data (a decompression
    bomb's signature: readers must refuse it from the header alone)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))

"""Narrow minimums for input boxes. A QSpinBox asks for room for its largest value (a seed
up to 2³¹ asks for ten digits) and a QComboBox for its longest entry; in a dock those
minimums add up to a dock wider than a projector allows. Here a box may shrink to a few
characters; it still asks for its natural size when there is room."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


def compact(box: QWidget, chars: int = 6) -> QWidget:
    fm = box.fontMetrics()
    extra = 30 if isinstance(box, (QAbstractSpinBox, QComboBox)) else 12   # arrows and frame
    box.setMinimumWidth(fm.horizontalAdvance("0" * chars) + extra)
    return box

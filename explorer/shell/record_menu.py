"""The Record menu: record the current view (or any other) to GIF or MP4, record the
inpainting run as it happens, and save the view as a PNG at 2×. The work is in
explorer/recording/control.py; the window passes what it needs."""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from ..recording.control import RecordControl


class RecordMenu:
    def __init__(self, bar: QMenuBar, parent: QWidget, *, timeline, workspaces: dict,
                 current: Callable[[], QWidget | None], on_error: Callable[[str], None],
                 on_message: Callable[[str], None]):
        """bar: the window's menu bar (the menu goes before Help); current(): the tab shown."""
        self.control = RecordControl(parent, timeline, workspaces, current, on_error=on_error, on_message=on_message)
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        self.menu = QMenu("&Record", bar)
        if help_action is None:
            bar.addMenu(self.menu)
        else:
            bar.insertMenu(help_action, self.menu)
        self.parent = parent
        self.record = self._action("&Record animation…", self.control.record_dialog, "Ctrl+Shift+R",
                                   "the view as the slider steps through t, to GIF or MP4")
        self.inpaint = self._action("Record &inpainting run…", lambda: self.control.record_dialog("inpaint"), None,
                                    "the posterior filling the hole, frame by frame as it arrives")
        self.menu.addSeparator()
        self.png = self._action("Save view as PNG at &2×…", self.control.png_dialog, "Ctrl+Shift+E",
                                "drawn afresh at twice the size on screen: crisp on slides")

    def _action(self, text, slot, shortcut, tip) -> QAction:
        a = QAction(text, self.parent)
        if shortcut:
            a.setShortcut(shortcut)
        a.setToolTip(tip)
        a.triggered.connect(lambda *_: slot())
        self.menu.addAction(a)
        return a

"""The View menu: the docks, Resample, and what a projector needs: presentation mode (larger
fonts, full screen), a light theme, full screen on F11, and a layout reset that fits the
docks to the screen again. Font scale and theme are kept in QSettings; full screen is not
(the next start may be on another screen)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from .. import settings, theme

LIGHT_KEY, PRESENT_KEY = "view/light", "view/presentation"


class ViewMenu:
    def __init__(self, menu: QMenu, window: QMainWindow, *, resample: Callable[[], None],
                 reset_layout: Callable[[], None]):
        self.menu, self.window = menu, window
        self.dock_actions = menu.addSeparator()     # docks' toggles go above this (add_dock)
        self.resample = self._action("Resample", resample, "Ctrl+R",
                                     "fresh reverse samples in the open model's workspace")
        menu.addSeparator()
        self.presentation = self._action("&Presentation mode", self.set_presentation, "Ctrl+Shift+P",
                                         "larger fonts and full screen, for a projector", checkable=True)
        self.light = self._action("&Light theme", self.set_light, None,
                                  "dark text on white: easier to read on some projectors", checkable=True)
        self.full_screen = self._action("&Full screen", self.set_full_screen, "F11", checkable=True)
        self.full_screen.setShortcutContext(Qt.ApplicationShortcut)
        menu.addSeparator()
        self._action("Reset &layout", reset_layout, None, "all docks back in place, sized to this screen")

    def _action(self, text, slot, shortcut, tip="", checkable=False) -> QAction:
        a = QAction(text, self.window)
        if shortcut:
            a.setShortcut(shortcut)
        a.setToolTip(tip)
        a.setCheckable(checkable)
        if checkable:
            a.toggled.connect(slot)
        else:
            a.triggered.connect(lambda *_: slot())
        self.menu.addAction(a)
        return a

    def add_dock_toggle(self, action: QAction) -> None:
        self.menu.insertAction(self.dock_actions, action)

    def restore(self) -> None:
        """Font scale and theme as last chosen (quietly: no full screen at start-up)."""
        light, present = settings.flag(LIGHT_KEY), settings.flag(PRESENT_KEY)
        for a, on in ((self.light, light), (self.presentation, present)):
            a.blockSignals(True)
            a.setChecked(on)
            a.blockSignals(False)
        if light or present:
            self._apply()

    # ---- the toggles ------------------------------------------------------------------
    def set_presentation(self, on: bool) -> None:
        settings.set_flag(PRESENT_KEY, on)
        self._apply()
        self.full_screen.setChecked(on)

    def set_light(self, on: bool) -> None:
        settings.set_flag(LIGHT_KEY, on)
        self._apply()

    def set_full_screen(self, on: bool) -> None:
        w = self.window
        if on and not w.isFullScreen():
            self._was_maximized = w.isMaximized()
            w.showFullScreen()
        elif not on and w.isFullScreen():
            w.showMaximized() if getattr(self, "_was_maximized", False) else w.showNormal()

    def _apply(self) -> None:
        scale = theme.PRESENTATION_SCALE if self.presentation.isChecked() else 1.0
        theme.apply(QApplication.instance(), light=self.light.isChecked(), scale=scale)

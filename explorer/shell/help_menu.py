"""The Help menu: the keyboard and mouse shortcuts (read from the window's own actions, so
the list cannot drift from what the keys do) and an About naming the paper implemented."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMainWindow, QMenu, QVBoxLayout

PAPER = ("Jascha Sohl-Dickstein, Eric A. Weiss, Niru Maheswaranathan and Surya Ganguli, "
         "<i>Deep Unsupervised Learning using Nonequilibrium Thermodynamics</i>, ICML 2015 "
         "(arXiv:1503.03585)")
ABOUT = (f"<h3>Diffusion Explorer</h3><p>Forward and reverse diffusion, the bound K, p·r, inpainting and "
         f"binomial diffusion, as in</p><p>{PAPER}.</p><p>Models are trained and sampled by the engine "
         f"(PyTorch) on a worker thread; this window only draws.</p>")
# Keys the window handles itself (QShortcut) and mouse gestures: no QAction to read them from.
KEYS = (("Space", "play / pause"), ("← / →", "one step back / forward"), ("Home / End", "t = 0 / t = T"))
MOUSE = (("drag", "pan a plot"), ("wheel", "zoom (with an r(x) tool: its width σ)"),
         ("click", "select the nearest point; Ctrl+click adds"), ("Shift+drag", "lasso points (or Lasso on)"))


class HelpMenu:
    def __init__(self, menu: QMenu, window: QMainWindow):
        self.menu, self.window = menu, window
        self.shortcuts = menu.addAction("&Keyboard shortcuts")
        self.shortcuts.setShortcut(QKeySequence.HelpContents)
        self.shortcuts.triggered.connect(lambda *_: self.show_shortcuts())
        self.about = menu.addAction("&About Diffusion Explorer")
        self.about.triggered.connect(lambda *_: self.show_about())
        self.dialog: QDialog | None = None

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what) for every menu action with a shortcut, then the window's keys and the mouse."""
        rows = []
        for top in self.window.menuBar().actions():
            for a in _actions(top.menu()):
                if not a.shortcut().isEmpty():
                    rows.append((a.shortcut().toString(QKeySequence.NativeText), a.text().replace("&", "")))
        return rows + list(KEYS) + list(MOUSE)

    def show_shortcuts(self) -> QDialog:
        rows = "".join(f"<tr><td style='padding-right:18px'><b>{k}</b></td><td>{v}</td></tr>"
                       for k, v in self.shortcut_rows())
        return self._show("Keyboard shortcuts", f"<table>{rows}</table>")

    def show_about(self) -> QDialog:
        return self._show("About Diffusion Explorer", ABOUT)

    def _show(self, title: str, html: str) -> QDialog:
        """Non-modal, so the lecture (and the tests) carry on behind it."""
        if self.dialog is not None:
            self.dialog.close()
        d = QDialog(self.window)
        d.setWindowTitle(title)
        text = QLabel(html)
        text.setTextFormat(Qt.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextBrowserInteraction)
        text.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(d.close)
        lay = QVBoxLayout(d)
        lay.addWidget(text)
        lay.addWidget(buttons)
        d.setMinimumWidth(420)
        d.show()
        self.dialog, self.text = d, text
        return d


def _actions(menu: QMenu | None) -> list[QAction]:
    out = []
    for a in menu.actions() if menu is not None else []:
        out += _actions(a.menu()) if a.menu() is not None else [a]
    return out


"""Asks before a trained, unsaved model is lost: before another model replaces it (open,
pretrained, recent, Start new) and before the window closes during training or with such a
model open. "Don't ask again" is kept in QSettings. The model is "unsaved" from the moment
a training run changes it until a save or an open of a file; the guard learns that from
the engine's events alone."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from engine.runtime import protocol as m

from .. import settings

ASK_KEY = "ask/unsaved_model"
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


class UnsavedGuard:
    def __init__(self, parent: QWidget, client, *, save: Callable[[], bool]):
        """save(): File ▸ Save as… (False when the user cancelled it)."""
        self.parent, self.client, self.save = parent, client, save
        self.unsaved = False
        self.box: QMessageBox | None = None      # the question while it is open (tests answer it)
        self._jobs: dict[int, str] = {}          # job id -> kind, to tell what a ModelChanged came from
        client.jobStarted.connect(lambda ev: self._jobs.__setitem__(ev.job, ev.kind))
        client.modelChanged.connect(self._model_changed)
        client.trainProgress.connect(lambda ev: setattr(self, "unsaved", True))

    def _model_changed(self, ev: m.ModelChanged) -> None:
        kind = self._jobs.get(getattr(ev, "job", None), "")
        if kind == "train":
            self.unsaved = True
        elif kind in ("load", "save"):
            self.unsaved = False

    @property
    def training(self) -> bool:
        return self.client.is_running("train")

    @property
    def asking(self) -> bool:
        return settings.flag(ASK_KEY, True)

    # ---- the questions ----------------------------------------------------------------
    def may_replace(self, what: str) -> bool:
        """Before `what` ("opening X", "a new model") replaces the open model."""
        if not (self.unsaved or self.training) or not self.asking:
            return True
        if self.training:
            text = f"A model is training and has not been saved. Stop it and continue with {what}?"
        else:
            text = f"The trained model has not been saved. Save it before {what}?"
        answer = self._ask("Replace the unsaved model?", text, save=not self.training)
        if answer == SAVE:
            return self.save()
        if answer == DISCARD and self.training:
            self.client.cancel("train")
        return answer == DISCARD

    def may_close(self) -> bool:
        """Before the window closes (training is cancelled by the close itself)."""
        if not (self.unsaved or self.training) or not self.asking:
            return True
        if self.training:
            text = "A model is training. Quit anyway? The run stops and the model is lost unless saved."
        else:
            text = "The trained model has not been saved. Save it before quitting?"
        answer = self._ask("Quit with an unsaved model?", text, save=not self.training)
        if answer == SAVE:
            return self.save() and self._wait_for_save()
        return answer == DISCARD

    def _ask(self, title: str, text: str, save: bool) -> str:
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.NoButton, self.parent)
        buttons = {}
        if save:
            buttons[box.addButton("Save…", QMessageBox.AcceptRole)] = SAVE
        buttons[box.addButton("Discard" if save else "Continue", QMessageBox.DestructiveRole)] = DISCARD
        cancel = box.addButton(QMessageBox.Cancel)
        buttons[cancel] = CANCEL
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        never = QCheckBox("Don't ask again")
        box.setCheckBox(never)
        self.box = box
        try:
            box.exec()
        finally:
            self.box = None
        answer = buttons.get(box.clickedButton(), CANCEL)
        if never.isChecked() and answer != CANCEL:
            settings.set_flag(ASK_KEY, False)
        return answer

    def _wait_for_save(self, timeout_ms: int = 15000) -> bool:
        """Quitting right after Save…: let the worker write the file first."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop
        from PySide6.QtWidgets import QApplication
        deadline = QDeadlineTimer(timeout_ms)
        while self.unsaved and self.client.busy and not deadline.hasExpired():
            QApplication.processEvents(QEventLoop.AllEvents, 50)
        return True

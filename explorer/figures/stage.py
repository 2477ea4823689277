"""The parts of the window a figure acts on, gathered once, so the figures hold these and
not the window: the engine client, the shared state, the slider, the tabs and docks, the
workspaces and the plots a figure shows, and the File menu's open-model path (which asks
the unsaved-model guard first)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtWidgets import QDockWidget, QWidget


@dataclass
class Stage:
    client: object
    state: object                       # explorer/state.py AppState
    timeline: object                    # explorer/widgets/timeline.py Timeline
    workspaces: dict                    # "points" | "image" | "binary" | "inpaint" -> Workspace
    docks: dict[str, QDockWidget]       # "Data" | "Schedule" | "Training" | "Entropy"
    plots: dict[str, QWidget]           # "training" | "schedule" | "entropy"
    show_workspace: Callable[[str], None]
    open_model: Callable[[str], bool]   # False when the user kept the open model
    on_error: Callable[[str], None]
    parent: QWidget

    @classmethod
    def of(cls, window) -> "Stage":
        return cls(client=window.client, state=window.state, timeline=window.timeline,
                   workspaces=window.workspaces, docks=window.docks,
                   plots={"training": window.training_panel.plots, "schedule": window.schedule_panel.plot,
                          "entropy": window.entropy_plot},
                   show_workspace=lambda kind: window.tabs.setCurrentWidget(window.workspaces[kind]),
                   open_model=lambda path: window.files.open_model(path), on_error=window.show_error,
                   parent=window)

    def raise_dock(self, key: str) -> None:
        dock = self.docks[key]
        dock.show()
        dock.raise_()

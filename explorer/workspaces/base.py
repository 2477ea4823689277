"""The Workspace base: one tab per kind of model. Every workspace has the same small
interface, so the window routes to whichever shows the open model without knowing what it
draws:

  on_model(info)  every model that opens, of any kind (a workspace clears itself for another)
  on_event(ev)    engine events of the open model while it shows that kind, and events tied
                  to no model (data, job failures)
  set_t(t)        the shared timestep slider moved
  resample()      fresh reverse samples
  export(path)    the view as a PNG
  toolbar()       a QToolBar the window shows only while this tab is current (or None)

Workspaces get what they need passed in (the engine client, the shared state, callbacks),
never the window."""
from __future__ import annotations

from PySide6.QtWidgets import QToolBar, QWidget

from ..state import ModelInfo


class Workspace(QWidget):
    kinds: tuple[str, ...] = ()    # model kinds shown here: "points", "binary", "image"
    title = ""

    def on_model(self, info: ModelInfo) -> None:
        pass

    def on_event(self, ev) -> None:
        pass

    def set_t(self, t: int) -> None:
        pass

    def resample(self) -> None:
        pass

    def export(self, path: str) -> bool:
        return self.grab().save(str(path))

    def toolbar(self) -> QToolBar | None:
        return None

    def close_views(self) -> None:
        """pyqtgraph widgets alive at interpreter exit can crash it: the window calls this."""

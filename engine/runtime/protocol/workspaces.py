"""Commands for workspace files (engine/io/workspace.py): the worker writes them, since
only it holds the open model's weights, and opens the model a workspace embeds."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.io.workspace import Workspace
from engine.runtime.protocol.commands import Command


@dataclass
class SaveWorkspace(Command):
    """Write `workspace` and a copy of the open model (if any) to `path`."""
    path: str
    workspace: Workspace = field(default_factory=Workspace)
    kind = "workspace_save"


@dataclass
class OpenWorkspaceModel(Command):
    """Open the model embedded in the workspace file `path`. A model load like any other
    (kind "load": it replaces a queued LoadModel, and the unsaved guard counts it)."""
    path: str
    kind = "load"

"""Worker jobs on workspace files: write one (with the open model's weights), open the
model one embeds (its own path kept when that file still holds the same weights)."""
from __future__ import annotations

from engine.io.workspace import load_workspace_model, save_workspace
from engine.runtime.jobs.state import EngineState
from engine.runtime.protocol.workspaces import OpenWorkspaceModel, SaveWorkspace


def _save(state: EngineState, cmd: SaveWorkspace):
    save_workspace(cmd.path, cmd.workspace, state.model)
    yield None


def _open(state: EngineState, cmd: OpenWorkspaceModel):
    model, path = load_workspace_model(cmd.path, device=state.device)
    yield state.set_model(model, path)


HANDLERS = {SaveWorkspace: _save, OpenWorkspaceModel: _open}
DESCRIBE = {"workspace_save": "saving the workspace"}
DONE = {"workspace_save": "workspace saved"}

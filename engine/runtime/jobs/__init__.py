"""What the worker does for each command, as generators of events, one module per feature.
Runs only on the worker thread; every array put in an event is copied so the GUI owns it."""
from __future__ import annotations

from engine.runtime import protocol as m
from engine.runtime.jobs import compare, inpaint, models, paper, product, sampling, training, workspace
from engine.runtime.jobs.state import EngineState

_FEATURES = (models, training, sampling, product, inpaint, paper, compare, workspace)
HANDLERS = {k: v for mod in _FEATURES for k, v in mod.HANDLERS.items()}
DESCRIBE = {k: v for mod in _FEATURES for k, v in mod.DESCRIBE.items()}
DONE = {k: v for mod in _FEATURES for k, v in mod.DONE.items()}


def describe(cmd: m.Command) -> str:
    if cmd.kind in ("load", "save"):
        return f"{'opening' if cmd.kind == 'load' else 'saving'} {cmd.path}"
    return DESCRIBE.get(cmd.kind, cmd.kind)


def describe_done(cmd: m.Command) -> str:
    return DONE.get(cmd.kind, "done")


def run(state: EngineState, cmd: m.Command):
    handler = HANDLERS.get(type(cmd))
    if handler is None:
        raise ValueError(f"the engine does not know the command {type(cmd).__name__}")
    return handler(state, cmd)


__all__ = ["EngineState", "HANDLERS", "describe", "describe_done", "run"]

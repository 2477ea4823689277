"""What every command shares and nothing else: the usage error (exit 2, one line), the
output-path check, argument checks and JSON printing. A leaf: imports no command."""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2 (argparse prints usage too)
        raise UsageError(message)


def check_out(path: str, *inputs) -> str:
    """An output path whose folder exists and is writable, and that is none of the
    command's inputs (writing there would destroy what the command reads)."""
    target = Path(path).resolve()
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"output folder does not exist: {folder}")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"output folder is not writable: {folder}")
    for given in inputs:
        if given and not str(given).startswith("folder:") and Path(str(given).removeprefix("file:")).resolve() == target:
            raise UsageError(f"--out {path} is also an input; choose another output file")
    return path


def positive(name: str, value) -> None:
    if value is not None and value <= 0:
        raise UsageError(f"--{name} must be positive, got {value}")


def print_json(obj) -> None:
    print(json.dumps(obj, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o)))

"""What every command shares and nothing else: the usage error (exit 2, one line), the
output-path check, the memory budget, argument checks and JSON printing. A leaf: imports no command."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

from engine.io.budget import Estimate, check_memory, long_job_note, memory_limit


class UsageError(Exception):
    pass


def run_reporting(run, *more_errors: type[BaseException]) -> int:
    """Every command's contract: run() (its status, 0 for None); bad input -> one line
    'error: …' on stderr and status 2, never a traceback; Ctrl-C -> status 130."""
    from engine.data.errors import DataError
    from engine.io.storage import StorageError

    try:
        return run() or 0
    except (UsageError, StorageError, DataError, ValueError, FileNotFoundError, *more_errors) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130


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


def add_max_memory(p) -> None:
    p.add_argument("--max-memory", type=float, default=None, metavar="GB",
                   help="refuse jobs estimated to need more memory than this (default: half the machine's)")


def within_budget(args, est: Estimate, what: str, device="cpu", hint: str = "") -> str | None:
    """Refuse a job over the memory limit (one line, exit 2). Returns the line to print
    (with announce) once every check has passed, when the job will be long."""
    check_memory(est, what, memory_limit(getattr(args, "max_memory", None)), hint)
    return long_job_note(est, what, getattr(device, "type", str(device)))


def announce(note: str | None) -> None:
    if note:
        print(note, file=sys.stderr, flush=True)


def positive(name: str, value) -> None:
    if value is not None and value <= 0:
        raise UsageError(f"--{name} must be positive, got {value}")


def print_json(obj) -> None:
    print(json.dumps(obj, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o)))
